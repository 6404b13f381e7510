// The ReplicaSet controller: the registry's entry, wiring informers, expectations and the queue.
import type { Pod, ReplicaSet } from '@skiff/api';
import { type EventHandler, UIDTrackingControllerExpectations, WorkQueue, controlledOrOrphaned, deletedObject, listerFor, orphanedIn, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { dependentEventHandler, specSelectorSelects } from '../dependents.js';
import { ReplicaSetReconciler } from './reconciler.js';
import { PodTallies } from './tally.js';

export const REPLICASET_CONTROLLER = 'replicaset';

async function run(ctx: ControllerContext): Promise<void> {
  const rsInformer = ctx.factory.informerFor<ReplicaSet>('replicasets');
  const podInformer = ctx.factory.informerFor<Pod>('pods');
  const replicaSets = listerFor(rsInformer);
  const expectations = new UIDTrackingControllerExpectations(ctx.clock);
  const queue = new WorkQueue({ name: REPLICASET_CONTROLLER, clock: ctx.clock, registry: ctx.registry });
  const podLister = listerFor(podInformer);
  const tallies = new PodTallies(podLister);
  // Pods are mapped here rather than by runController: expectations must be counted, and the pod
  // marked for its owner's tally, before the owner is queued, or its reconcile could still see them
  // unmet (or count the pod as it was) and nothing would queue it again.
  const owners = dependentEventHandler({ ownerKind: 'ReplicaSet', owners: replicaSets, selects: specSelectorSelects, expectations, queue });
  const handler: EventHandler<Pod> = {
    onAdd: (pod, initial) => {
      tallies.touched(pod);
      owners.onAdd?.(pod, initial);
    },
    onUpdate: (old, cur) => {
      tallies.touched(old);
      tallies.touched(cur);
      owners.onUpdate?.(old, cur);
    },
    onDelete: (pod) => {
      tallies.touched(deletedObject(pod));
      owners.onDelete?.(pod);
    },
  };
  const pods = podInformer.addEventHandler(handler);
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
        podsOf: controlledOrOrphaned(podInformer),
        orphansIn: orphanedIn(podInformer),
        pods: podLister,
        tallies,
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
