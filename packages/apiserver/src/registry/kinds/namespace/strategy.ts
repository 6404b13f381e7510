// Namespace, as Kubernetes' namespaceStrategy and namespace REST: starts Active with the
// "kubernetes" spec finalizer; spec.finalizers change only through finalization (an update keeps
// them); a delete marks it Terminating and, while it still holds objects, holds it with the
// "kubernetes" finalizer.
import type { KObject, NamespaceSpec } from '@skiff/api';
import { keepStatus, statusSubresourceStrategy, type Strategy } from '../../strategy.js';

export const namespaceStrategy: Strategy = {
  ...statusSubresourceStrategy('Namespace'),
  prepareForCreate(obj: KObject) {
    obj.status = { phase: 'Active' };
    const spec = (obj.spec ?? {}) as NamespaceSpec;
    spec.finalizers ??= ['kubernetes'];
    obj.spec = spec;
  },
  prepareForUpdate(next: KObject, old: KObject) {
    keepStatus(next, old);
    const finalizers = (old.spec as NamespaceSpec | undefined)?.finalizers;
    const spec = (next.spec ?? {}) as NamespaceSpec;
    if (finalizers) spec.finalizers = [...finalizers];
    else delete spec.finalizers;
    next.spec = spec;
  },
  async deletionFinalizers(obj: KObject, ctx) {
    return (await ctx.namespaceEmpty(obj.metadata.name ?? '')) ? [] : ['kubernetes'];
  },
  prepareForDeletion(obj: KObject) {
    obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
  },
};
