// Namespace, as Kubernetes' namespaceStrategy, namespace REST and NamespaceLifecycle admission:
// starts Active with the "kubernetes" spec finalizer (Skiff has no finalize subresource: an update
// may change spec.finalizers); status is kept on spec updates. A delete marks it Terminating with a
// deletionTimestamp and leaves it while spec.finalizers hold it (the namespace controller empties
// it, then removes "kubernetes"); the write that removes the last one removes the namespace. A
// second delete while it is held is a Conflict; default, kube-system and kube-public are immortal.
import { FINALIZER_KUBERNETES, type KObject, type NamespaceSpec, conflict, forbidden } from '@skiff/api';
import { statusSubresourceStrategy, type Strategy } from '../../strategy.js';

/** Namespaces that may not be deleted (NamespaceLifecycle's immortal namespaces). */
export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public'];

const specFinalizers = (obj: KObject): string[] => ((obj.spec ?? {}) as NamespaceSpec).finalizers ?? [];

export const namespaceStrategy: Strategy = {
  ...statusSubresourceStrategy('Namespace'),
  prepareForCreate(obj: KObject) {
    obj.status = { phase: 'Active' };
    const spec = (obj.spec ?? {}) as NamespaceSpec;
    spec.finalizers ??= [FINALIZER_KUBERNETES];
    obj.spec = spec;
  },
  checkDelete(obj: KObject) {
    const name = obj.metadata.name ?? '';
    if (IMMORTAL_NAMESPACES.includes(name)) throw forbidden('namespaces', name, 'this namespace may not be deleted');
    if (obj.metadata.deletionTimestamp && specFinalizers(obj).length > 0) {
      throw conflict('namespaces', name, 'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.');
    }
  },
  holdsDeletion: (obj: KObject) => specFinalizers(obj).length > 0,
  prepareForDeletion(obj: KObject) {
    obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
  },
};
