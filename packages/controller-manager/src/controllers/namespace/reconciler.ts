// The namespace controller's reconcile, as Kubernetes' namespace deleter: a namespace marked for
// deletion that still holds the "kubernetes" spec finalizer has its content deleted; while
// something remains its conditions say what (and it is looked at again shortly); once it is empty
// the finalizer is removed, and the apiserver removes the namespace with it.
import { FINALIZER_KUBERNETES, type Namespace, clone, isApiError } from '@skiff/api';
import type { Client, Clock, Lister, ReconcileContext, ReconcileResult, Reconciler, Request } from '@skiff/machinery';
import { conditionsChanged, namespaceConditions } from './conditions.js';
import { deleteNamespaceContent } from './content.js';

/** How soon a namespace with content left (pods terminating, finalizers) is looked at again. */
export const CONTENT_REMAINING_REQUEUE_MS = 1000;

export interface NamespaceReconcilerOptions {
  client: Client;
  namespaces: Lister<Namespace>;
  clock: Clock;
}

export class NamespaceReconciler implements Reconciler {
  constructor(private readonly o: NamespaceReconcilerOptions) {}

  async reconcile(ctx: ReconcileContext, req: Request): Promise<ReconcileResult> {
    const ns = this.o.namespaces.get('', req.name);
    if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return;
    const pass = await deleteNamespaceContent(this.o.client, req.name);
    if (pass.errors.length === 0 && pass.remaining.size === 0) {
      ctx.log.info('namespace is empty, removing the kubernetes finalizer');
      const next = clone(ns);
      next.spec = { ...next.spec, finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES) };
      try {
        await this.o.client.update(next);
      } catch (e) {
        if (!isApiError(e, 'NOT_FOUND')) throw e;
      }
      return;
    }
    const conditions = namespaceConditions(ns.status?.conditions, pass, new Date(this.o.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    if (conditionsChanged(ns.status?.conditions, conditions)) {
      await this.o.client.updateStatus({ ...clone(ns), status: { ...ns.status, conditions } });
    }
    if (pass.errors.length > 0) throw new Error(`deleting the content of namespace ${req.name}: ${pass.errors.join('; ')}`);
    ctx.log.debug('namespace content remaining', { remaining: Object.fromEntries(pass.remaining) });
    return { requeueAfterMs: CONTENT_REMAINING_REQUEUE_MS };
  }
}
