// A Patch request's document: parsed (UTF-8 JSON object, bounded depth) and applied by its patch
// type. The patch types are a table: JSON merge patch and Kubernetes' strategic merge patch.
import { isUtf8 } from 'node:buffer';
import { applyMergePatch, applyStrategicMergePatch, fieldError, invalid, type ResourceType } from '@skiff/api';

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

type ApplyPatch = (original: unknown, patch: unknown, kind: string) => unknown;

const patchTypes: Readonly<Record<string, ApplyPatch>> = {
  [MERGE_PATCH]: (original, patch) => applyMergePatch(original, patch),
  [STRATEGIC_MERGE_PATCH]: applyStrategicMergePatch,
};

/** The function applying patches of `patchType` ("" is JSON merge patch); INVALID_ARGUMENT if unsupported. */
export function patchApplier(patchType: string, name: string): ApplyPatch {
  const apply = patchTypes[patchType || MERGE_PATCH];
  if (!apply) {
    throw invalid('Patch', name, [fieldError('patchType', 'NotSupported', `supported values: ${Object.keys(patchTypes).map((p) => `"${p}"`).join(', ')}`, patchType)]);
  }
  return apply;
}

/** Deeper than any object of the API can be: a patch beyond it is refused before any recursion. */
const MAX_PATCH_DEPTH = 64;

export function parsePatch(name: string, bytes: Buffer): Record<string, unknown> {
  if (!isUtf8(bytes)) throw invalid('Patch', name, [fieldError('patch', 'Invalid', 'the patch is not valid UTF-8')]);
  let patch: unknown;
  try {
    patch = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw invalid('Patch', name, [fieldError('patch', 'Invalid', `not JSON: ${(e as Error).message}`)]);
  }
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw invalid('Patch', name, [fieldError('patch', 'Invalid', 'a merge patch must be a JSON object')]);
  }
  if (jsonDepth(patch, MAX_PATCH_DEPTH) > MAX_PATCH_DEPTH) {
    throw invalid('Patch', name, [fieldError('patch', 'Invalid', `nested deeper than ${MAX_PATCH_DEPTH} levels`)]);
  }
  return patch as Record<string, unknown>;
}

/** Nesting depth of a JSON value, iteratively, stopping once past `limit`. */
function jsonDepth(v: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

/** A patch may not rename an object or move it to another namespace (Kubernetes answers BadRequest). */
export function checkPatchIdentity(t: ResourceType, name: string, namespace: string, meta: Record<string, unknown>): void {
  if (meta.name !== undefined && meta.name !== name) {
    throw invalid(t.kind, name, [fieldError('metadata.name', 'Invalid', `the name of the object (${String(meta.name)}) does not match the name on the request (${name})`, meta.name)]);
  }
  if (t.namespaced && meta.namespace !== undefined && meta.namespace !== null && meta.namespace !== namespace) {
    throw invalid(t.kind, name, [
      fieldError('metadata.namespace', 'Invalid', `the namespace of the object (${String(meta.namespace)}) does not match the namespace on the request (${namespace})`, meta.namespace),
    ]);
  }
}
