// The fake's patch: the patched object as the apiserver computes it, on @skiff/api's patch logic.
import { ApiError, type KObject, fieldError, invalid } from '@skiff/api';
import type { PatchType } from '../client/types.js';

export const MERGE_PATCH: PatchType = 'application/merge-patch+json';

/** The patch document as an object, or INVALID_ARGUMENT (the server's parsePatch). */
export function patchDocument(kind: string, name: string, patch: unknown): Record<string, unknown> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw invalid(kind, name, [fieldError('patch', 'Invalid', 'the patch must be a JSON object')]);
  }
  return structuredClone(patch as Record<string, unknown>);
}

/** Applies a patch of `patchType` to `cur` (not modified). */
export function applyPatch(cur: KObject, patch: Record<string, unknown>, patchType: string): KObject {
  if (patchType !== MERGE_PATCH) {
    throw invalid('Patch', cur.metadata.name ?? '', [fieldError('patchType', 'NotSupported', 'only application/merge-patch+json is supported', patchType)]);
  }
  const out = mergePatch(cur, patch);
  if (out === null || typeof out !== 'object') throw new ApiError('INVALID_ARGUMENT', 'the patched object is not an object');
  return out as KObject;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
