// The namespace controller: the registry's entry (Kubernetes' name: "namespace").
import type { Namespace } from '@skiff/api';
import { listerFor, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { NamespaceReconciler } from './reconciler.js';

export const NAMESPACE_CONTROLLER = 'namespace';

async function run(ctx: ControllerContext): Promise<void> {
  const informer = ctx.factory.informerFor<Namespace>('namespaces');
  await runController({
    name: NAMESPACE_CONTROLLER,
    workers: ctx.workers,
    clock: ctx.clock,
    watches: [{ informer }],
    signal: ctx.signal,
    log: ctx.log,
    registry: ctx.registry,
    reconciler: new NamespaceReconciler({ client: ctx.client, namespaces: listerFor(informer), clock: ctx.clock }),
  });
}

export const namespaceController: ControllerDescriptor = { name: NAMESPACE_CONTROLLER, run };
