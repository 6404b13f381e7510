// Equality of objects as stored: JSON equality, so a key holding `undefined` (dropped by
// JSON.stringify) counts as absent, and key order does not matter.
import type { KObject } from '@skiff/api';

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

/** Whether storing `next` over `cur` would change nothing (resourceVersion aside): a no-op write. */
export function sameStoredObject(next: KObject, cur: KObject): boolean {
  return jsonEqual({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }, { ...cur, metadata: { ...cur.metadata, resourceVersion: undefined } });
}

/** Whether the spec differs (generation is bumped on spec changes only). */
export function specChanged(a: KObject, b: KObject): boolean {
  return !jsonEqual(a.spec ?? null, b.spec ?? null);
}
