// Reads a systemd unit the way systemd would start it, for tests that run a unit's process without
// systemd: the [Service] section's ExecStart (continuation lines joined, split into words, ${VAR}
// expanded from the EnvironmentFile) and the EnvironmentFile's variables. Only the syntax Skiff's
// units use is accepted (and the %H and %% specifiers); anything else (quotes, $VAR without braces,
// other specifiers, several ExecStart lines) is refused rather than guessed.
import { readFileSync } from 'node:fs';

export interface ServiceUnit {
  /** [Section] -> key -> values in order */
  sections: Map<string, Map<string, string[]>>;
}

export function parseUnit(text: string): ServiceUnit {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`unit line outside a section or without "=": ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return { sections };
}

export function unitValue(unit: ServiceUnit, section: string, key: string): string | undefined {
  const values = unit.sections.get(section)?.get(key);
  if (values && values.length > 1) throw new Error(`[${section}] ${key} is set ${values.length} times`);
  return values?.[0];
}

/** KEY=VALUE lines of an EnvironmentFile (comments and blank lines skipped, no quoting). */
export function parseEnvironmentFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith(';')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(t);
    if (!m) throw new Error(`${path}: not KEY=VALUE: ${t}`);
    if (/["'\\]/.test(m[2]!)) throw new Error(`${path}: quoting is not supported here: ${t}`);
    env[m[1]!] = m[2]!;
  }
  return env;
}

/**
 * ExecStart's argv with ${VAR} replaced from `env` (an unset or empty variable is an error), %H with
 * the machine's host name and %% with %.
 */
export function execStart(unit: ServiceUnit, env: Record<string, string>, hostName: string): string[] {
  const line = unitValue(unit, 'Service', 'ExecStart');
  if (!line) throw new Error('no ExecStart in [Service]');
  if (/["']|%[^H%]|%$|^[-@:+!]/.test(line)) throw new Error(`ExecStart uses syntax this reader does not handle: ${line}`);
  return line.split(/\s+/).map((word) => {
    word = word.replace(/%([H%])/g, (_, s: string) => (s === 'H' ? hostName : '%'));
    if (/\$(?!\{)/.test(word)) throw new Error(`ExecStart: $VAR without braces in "${word}"`);
    return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (!v) throw new Error(`ExecStart: \${${name}} is not set in the EnvironmentFile`);
      return v;
    });
  });
}
