// The garbage collector: the registry's entry. One informer per served resource (but the ignored
// ones, as Kubernetes' default --gc-ignored-resources: events), feeding the dependency graph; the
// queue holds uids. Level-triggered: after a restart the graph is rebuilt from the initial lists,
// and whatever is dangling or waiting is queued again by those adds.
import { type KObject, resourceTypes } from '@skiff/api';
import { type HandlerRegistration, type Lister, WorkQueue, deletedObject, listerFor, runController, waitForHandlersSynced } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { DependencyGraph } from './graph.js';
import type { OwnerLookup } from './owners.js';
import { GarbageCollectorReconciler } from './reconciler.js';

export const GARBAGE_COLLECTOR_CONTROLLER = 'garbagecollector';

/** Resources the collector neither watches nor collects (Kubernetes' default ignored resources). */
export const GC_IGNORED_RESOURCES: readonly string[] = ['events'];

async function run(ctx: ControllerContext): Promise<void> {
  const graph = new DependencyGraph();
  const queue = new WorkQueue({ name: GARBAGE_COLLECTOR_CONTROLLER, clock: ctx.clock, registry: ctx.registry });
  const listers = new Map<string, Lister>();
  const registrations: HandlerRegistration[] = [];
  const enqueue = (uids: string[]): void => {
    for (const u of uids) queue.add(u);
  };
  const informers = resourceTypes
    .filter((t) => !GC_IGNORED_RESOURCES.includes(t.resource))
    .map((t) => {
      const informer = ctx.factory.informerFor<KObject>(t.resource);
      listers.set(t.resource, listerFor(informer));
      registrations.push(
        informer.addEventHandler({
          onAdd: (o) => enqueue(graph.observe(t.resource, o)),
          onUpdate: (_old, cur) => enqueue(graph.observe(t.resource, cur)),
          onDelete: (o) => enqueue(graph.forget(deletedObject(o))),
        }),
      );
      return informer;
    });
  const lookup: OwnerLookup = {
    cached: (resource, namespace, name) => listers.get(resource)?.get(namespace, name),
    live: (resource, namespace, name) => ctx.client.get(resource, namespace, name),
  };
  try {
    await runController({
      name: GARBAGE_COLLECTOR_CONTROLLER,
      workers: ctx.workers,
      queue,
      clock: ctx.clock,
      watches: informers.map((informer) => ({ informer, mapToKeys: () => [] })),
      signal: ctx.signal,
      log: ctx.log,
      registry: ctx.registry,
      reconciler: new GarbageCollectorReconciler({ client: ctx.client, graph, lookup, queue, ready: waitForHandlersSynced(registrations, ctx.signal) }),
    });
  } finally {
    for (const r of registrations) r.remove();
  }
}

export const garbageCollectorController: ControllerDescriptor = { name: GARBAGE_COLLECTOR_CONTROLLER, run };
