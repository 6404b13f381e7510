// The pod garbage collector ("podgc"): the registry's entry. One key for the whole cache, reconciled
// at start and then every period (pod GC looks at every pod, not at one).
import type { Node, Pod } from '@skiff/api';
import { WorkQueue, listerFor, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { PodGCReconciler } from './reconciler.js';

export const PODGC_CONTROLLER = 'podgc';

/** The one key pod GC reconciles. */
const GC_KEY = 'podgc';

async function run(ctx: ControllerContext): Promise<void> {
  const podInformer = ctx.factory.informerFor<Pod>('pods');
  const nodeInformer = ctx.factory.informerFor<Node>('nodes');
  const queue = new WorkQueue({ name: PODGC_CONTROLLER, clock: ctx.clock, registry: ctx.registry });
  queue.add(GC_KEY);
  await runController({
    name: PODGC_CONTROLLER,
    workers: 1,
    queue,
    clock: ctx.clock,
    watches: [
      { informer: podInformer, mapToKeys: () => [] },
      { informer: nodeInformer, mapToKeys: () => [] },
    ],
    signal: ctx.signal,
    log: ctx.log,
    registry: ctx.registry,
    reconciler: new PodGCReconciler({
      client: ctx.client,
      pods: listerFor(podInformer),
      nodes: listerFor(nodeInformer),
      clock: ctx.clock,
      terminatedPodThreshold: ctx.config.terminatedPodGCThreshold,
      periodMs: ctx.config.podGCPeriodMs,
      quarantineMs: ctx.config.podGCOrphanQuarantineMs,
    }),
  });
}

export const podGCController: ControllerDescriptor = { name: PODGC_CONTROLLER, run };
