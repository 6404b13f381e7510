// The fake's patch: the patched object as the apiserver computes it, on @skiff/api's patch logic.
import { type KObject, applyMergePatch, applyStrategicMergePatch, fieldError, invalid } from '@skiff/api';
import type { PatchType } from '../client/types.js';

export const MERGE_PATCH: PatchType = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH: PatchType = 'application/strategic-merge-patch+json';

/** The patch document as an object, or INVALID_ARGUMENT (the server's parsePatch). */
export function patchDocument(kind: string, name: string, patch: unknown): Record<string, unknown> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw invalid(kind, name, [fieldError('patch', 'Invalid', 'the patch must be a JSON object')]);
  }
  return structuredClone(patch as Record<string, unknown>);
}

/** Applies a patch of `patchType` to `cur` (not modified). */
export function applyPatch(cur: KObject, patch: Record<string, unknown>, patchType: string): KObject {
  let out: unknown;
  if (patchType === MERGE_PATCH || patchType === '') out = applyMergePatch(cur, patch);
  else if (patchType === STRATEGIC_MERGE_PATCH) out = applyStrategicMergePatch(cur, patch, cur.kind);
  else {
    throw invalid(cur.kind, cur.metadata.name ?? '', [
      fieldError('patchType', 'NotSupported', `supported values: "${MERGE_PATCH}", "${STRATEGIC_MERGE_PATCH}"`, patchType),
    ]);
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw invalid(cur.kind, cur.metadata.name ?? '', [fieldError('patch', 'Invalid', 'the patched object is not an object')]);
  }
  // The patch logic shares what it does not change with `cur`: the fake stores a copy.
  return structuredClone(out) as KObject;
}
