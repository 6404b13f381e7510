// Equality of objects as stored: JSON equality, so a key holding `undefined` (dropped by
// JSON.stringify) counts as absent, and key order does not matter.
import { jsonEqual, type KObject } from '@skiff/api';

/** Whether storing `next` over `cur` would change nothing (resourceVersion aside): a no-op write. */
export function sameStoredObject(next: KObject, cur: KObject): boolean {
  return jsonEqual({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }, { ...cur, metadata: { ...cur.metadata, resourceVersion: undefined } });
}

/** Whether the spec differs (generation is bumped on spec changes only). */
export function specChanged(a: KObject, b: KObject): boolean {
  return !jsonEqual(a.spec ?? null, b.spec ?? null);
}
