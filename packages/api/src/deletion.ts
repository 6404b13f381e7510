// Deletion semantics shared by the apiserver, the fake client and the garbage collector: the
// finalizers of propagation policies (Kubernetes' metav1.FinalizerOrphanDependents and
// FinalizerDeleteDependents) and which finalizers a Delete leaves on an object, as Kubernetes'
// deletionFinalizersForGarbageCollection.

/** Dependents are orphaned (their ownerReferences to the object removed) before it goes. */
export const FINALIZER_ORPHAN = 'orphan';
/** Dependents with blockOwnerDeletion are deleted before the object goes. */
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** A Namespace's spec finalizer: its content is deleted before it goes. */
export const FINALIZER_KUBERNETES = 'kubernetes';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';
export const PROPAGATION_POLICIES: readonly PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

/**
 * The finalizers an object keeps when deleted with `policy`. An explicit policy replaces the
 * object's orphan / foregroundDeletion finalizer (Background removes both); no policy ("" or
 * undefined) keeps whichever the object already has, so that one set at creation decides, and
 * otherwise means Background (every kind's default, as Kubernetes' apps/v1 and core kinds).
 */
export function finalizersForDeletion(existing: readonly string[] | undefined, policy: string | undefined): string[] {
  const current = existing ?? [];
  if (!policy) return [...current];
  const out = current.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (policy === 'Orphan') out.push(FINALIZER_ORPHAN);
  if (policy === 'Foreground') out.push(FINALIZER_FOREGROUND);
  return out;
}
