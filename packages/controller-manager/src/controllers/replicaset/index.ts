// The ReplicaSet controller: the registry's entry, wiring informers, expectations and the queue.
import type { Pod, ReplicaSet } from '@skiff/api';
import { UIDTrackingControllerExpectations, WorkQueue, controlledOrOrphaned, listerFor, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { dependentEventHandler, specSelectorSelects } from '../dependents.js';
import { ReplicaSetReconciler } from './reconciler.js';

export const REPLICASET_CONTROLLER = 'replicaset';

async function run(ctx: ControllerContext): Promise<void> {
  const rsInformer = ctx.factory.informerFor<ReplicaSet>('replicasets');
  const podInformer = ctx.factory.informerFor<Pod>('pods');
  const replicaSets = listerFor(rsInformer);
  const expectations = new UIDTrackingControllerExpectations(ctx.clock);
  const queue = new WorkQueue({ name: REPLICASET_CONTROLLER, clock: ctx.clock, registry: ctx.registry });
  // Pods are mapped here rather than by runController: expectations must be counted before the
  // owner is queued, or its reconcile could still see them unmet and nothing would queue it again.
  const pods = podInformer.addEventHandler(
    dependentEventHandler({ ownerKind: 'ReplicaSet', owners: replicaSets, selects: specSelectorSelects, expectations, queue }),
  );
  try {
    await runController({
      name: REPLICASET_CONTROLLER,
      workers: ctx.workers,
      queue,
      clock: ctx.clock,
      watches: [{ informer: rsInformer }, { informer: podInformer, mapToKeys: () => [] }],
      signal: ctx.signal,
      log: ctx.log,
      registry: ctx.registry,
      reconciler: new ReplicaSetReconciler({
        client: ctx.client,
        replicaSets,
        pods: listerFor(podInformer),
        podsOf: controlledOrOrphaned(podInformer),
        expectations,
        recorder: ctx.events.newRecorder({ component: 'replicaset-controller' }),
        clock: ctx.clock,
      }),
    });
  } finally {
    pods.remove();
  }
}

export const replicaSetController: ControllerDescriptor = { name: REPLICASET_CONTROLLER, run };
