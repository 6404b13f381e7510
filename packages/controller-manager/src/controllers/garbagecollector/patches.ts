// The writes of the garbage collector, as Kubernetes' (strategic merge patches with a uid
// precondition, so that a concurrent change of anything else never conflicts).
import type { KObject, OwnerReference } from '@skiff/api';

/** Removes the ownerReferences to these owner uids. */
export function removeOwnerReferencesPatch(obj: KObject, ownerUids: readonly string[]): Record<string, unknown> {
  return { metadata: { uid: obj.metadata.uid, ownerReferences: ownerUids.map((uid) => ({ $patch: 'delete', uid })) } };
}

/** Sets blockOwnerDeletion false on every blocking ownerReference (breaks foreground deletion cycles). */
export function unblockOwnerReferencesPatch(obj: KObject): Record<string, unknown> {
  const blocking = (obj.metadata.ownerReferences ?? []).filter((r: OwnerReference) => r.blockOwnerDeletion);
  return { metadata: { uid: obj.metadata.uid, ownerReferences: blocking.map((r) => ({ uid: r.uid, blockOwnerDeletion: false })) } };
}

/** Removes one finalizer. */
export function removeFinalizerPatch(obj: KObject, finalizer: string): Record<string, unknown> {
  return { metadata: { uid: obj.metadata.uid, '$deleteFromPrimitiveList/finalizers': [finalizer] } };
}
