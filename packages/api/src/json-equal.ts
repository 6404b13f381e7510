// Equality of JSON values: a key holding `undefined` (dropped by JSON.stringify) counts as absent,
// and key order does not matter. What the apiserver compares stored objects with and what validation
// calls "unchanged" (Kubernetes' apiequality.Semantic.DeepEqual on decoded JSON).

/** Structural equality of JSON values; object keys whose value is undefined are ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  const ka = Object.keys(oa).filter((k) => oa[k] !== undefined);
  const kb = Object.keys(ob).filter((k) => ob[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => ob[k] !== undefined && jsonEqual(oa[k], ob[k]));
}
