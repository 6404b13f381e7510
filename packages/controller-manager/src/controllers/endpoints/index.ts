// The Endpoints controller (Kubernetes' "endpoint"): the registry's entry, wiring informers to the
// queue. Service events queue the Service at once; pod events queue every Service of the pod's
// namespace whose selector matches the pod's old or new labels, at most once per batch period
// (--endpoint-updates-batch-period): the first change after a quiet period at once, later ones at the
// end of the period, so a burst of pod changes makes one write per Service per period while a lone
// change (a pod turning ready) reaches the Endpoints without waiting. (Kubernetes queues every pod
// change after the period, whose default there is 0: no batching at all.) Endpoints left over from a Service deleted while no controller ran are queued once at
// start (and deleted), as Kubernetes' checkLeftoverEndpoints; deleted Endpoints are put back.
import { type Endpoints, type KObject, type Pod, type Service, objectKey, selectorFromSet } from '@skiff/api';
import { type Lister, WorkQueue, deletedObject, listerFor, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { EndpointsReconciler } from './reconciler.js';

export const ENDPOINT_CONTROLLER = 'endpoint';

/** Endpoints a leader election still keeps (Kubernetes leaves those alone). */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

/** The keys of the Services in the pod's namespace whose selector matches its labels. */
export function servicesOfPod(services: Lister<Service>, pod: KObject): string[] {
  return services
    .list(pod.metadata.namespace ?? '')
    .filter((s) => Object.keys(s.spec?.selector ?? {}).length > 0 && selectorFromSet(s.spec!.selector).matches(pod.metadata.labels ?? {}))
    .map(objectKey);
}

async function run(ctx: ControllerContext): Promise<void> {
  const serviceInformer = ctx.factory.informerFor<Service>('services');
  const podInformer = ctx.factory.informerFor<Pod>('pods');
  const endpointsInformer = ctx.factory.informerFor<Endpoints>('endpoints');
  const services = listerFor(serviceInformer);
  const endpoints = listerFor(endpointsInformer);
  const queue = new WorkQueue({ name: ENDPOINT_CONTROLLER, clock: ctx.clock, registry: ctx.registry });
  const batch = ctx.config.endpointUpdatesBatchPeriodMs;
  // per Service: when it was last queued for a pod change, or will be (a time ahead)
  const queuedAt = new Map<string, number>();
  const queuePod = (pod: KObject): void => {
    const now = ctx.clock.now();
    for (const k of servicesOfPod(services, pod)) {
      const last = queuedAt.get(k);
      if (last === undefined || now >= last + batch) {
        queuedAt.set(k, now);
        queue.add(k);
        continue;
      }
      // the end of the period: the slot already taken when it is ahead, else the next one. Always
      // handed to the queue: a timer firing late can leave an earlier entry there that dropped the
      // slot's add, and then only this add covers the change.
      const slot = last > now ? last : last + batch;
      queuedAt.set(k, slot);
      queue.addAfter(k, slot - now);
    }
  };
  const serviceEvents = serviceInformer.addEventHandler({ onDelete: (obj) => queuedAt.delete(objectKey(deletedObject(obj))) });
  const podEvents = podInformer.addEventHandler({
    onAdd: queuePod,
    onUpdate: (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
      queuePod(old);
      queuePod(cur);
    },
    onDelete: (obj) => queuePod(deletedObject(obj)),
  });
  const endpointsEvents = endpointsInformer.addEventHandler({
    // Leftovers of Services deleted while no controller ran (Kubernetes' checkLeftoverEndpoints).
    onAdd: (ep, initial) => {
      if (initial && ep.metadata.annotations?.[LEADER_ANNOTATION] === undefined) queue.add(objectKey(ep));
    },
    // A deleted Endpoints object is put back (Kubernetes' onEndpointsDelete).
    onDelete: (obj) => queue.add(objectKey(deletedObject(obj))),
  });
  try {
    await runController({
      name: ENDPOINT_CONTROLLER,
      workers: ctx.workers,
      queue,
      clock: ctx.clock,
      watches: [
        { informer: serviceInformer },
        { informer: podInformer, mapToKeys: () => [] },
        { informer: endpointsInformer, mapToKeys: () => [] },
      ],
      signal: ctx.signal,
      log: ctx.log,
      registry: ctx.registry,
      reconciler: new EndpointsReconciler({
        client: ctx.client,
        services,
        pods: listerFor(podInformer),
        endpoints,
        recorder: ctx.events.newRecorder({ component: 'endpoint-controller' }),
      }),
    });
  } finally {
    podEvents.remove();
    endpointsEvents.remove();
    serviceEvents.remove();
  }
}

export const endpointsController: ControllerDescriptor = { name: ENDPOINT_CONTROLLER, run };
