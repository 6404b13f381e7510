// The --controllers flag, as kube-controller-manager's: a list of names, "*" for every controller
// on by default, "-name" to turn one off; an explicit name wins over "*".
export const ALL_CONTROLLERS = '*';

export function isControllerEnabled(name: string, flags: readonly string[]): boolean {
  let star = false;
  for (const f of flags) {
    if (f === name) return true;
    if (f === `-${name}`) return false;
    if (f === ALL_CONTROLLERS) star = true;
  }
  return star;
}

/** Names in the flag that are no controller (a typo must not pass silently). */
export function unknownControllers(flags: readonly string[], known: readonly string[]): string[] {
  return flags.filter((f) => f !== ALL_CONTROLLERS && !known.includes(f.replace(/^-/, '')));
}
