// Namespace, as Kubernetes' namespaceStrategy and namespace REST: starts Active with the
// "kubernetes" spec finalizer (Skiff has no finalize subresource: an update may change
// spec.finalizers); status is kept on spec updates; a delete marks it Terminating and, while it
// still holds objects, holds it with the "kubernetes" metadata finalizer.
import type { KObject, NamespaceSpec } from '@skiff/api';
import { statusSubresourceStrategy, type Strategy } from '../../strategy.js';

export const namespaceStrategy: Strategy = {
  ...statusSubresourceStrategy('Namespace'),
  prepareForCreate(obj: KObject) {
    obj.status = { phase: 'Active' };
    const spec = (obj.spec ?? {}) as NamespaceSpec;
    spec.finalizers ??= ['kubernetes'];
    obj.spec = spec;
  },
  async deletionFinalizers(obj: KObject, ctx) {
    return (await ctx.namespaceEmpty(obj.metadata.name ?? '')) ? [] : ['kubernetes'];
  },
  prepareForDeletion(obj: KObject) {
    obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
  },
};
