// The Deployment controller: the registry's entry, wiring informers and the queue.
import type { Deployment, Pod, ReplicaSet } from '@skiff/api';
import { WorkQueue, deletedObject, getControllerOf, listerFor, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { dependentEventHandler, ownerKeys, specSelectorSelects } from '../dependents.js';
import { DeploymentReconciler } from './reconciler.js';

export const DEPLOYMENT_CONTROLLER = 'deployment';

async function run(ctx: ControllerContext): Promise<void> {
  const dInformer = ctx.factory.informerFor<Deployment>('deployments');
  const rsInformer = ctx.factory.informerFor<ReplicaSet>('replicasets');
  const podInformer = ctx.factory.informerFor<Pod>('pods');
  const deployments = listerFor(dInformer);
  const replicaSets = listerFor(rsInformer);
  const queue = new WorkQueue({ name: DEPLOYMENT_CONTROLLER, clock: ctx.clock, registry: ctx.registry });
  const owners = { ownerKind: 'Deployment', owners: deployments, selects: specSelectorSelects, queue };
  const rsHandler = rsInformer.addEventHandler(dependentEventHandler(owners));
  // A deleted pod may be what a Recreate rollout waits for: wake its ReplicaSet's Deployment.
  const podHandler = podInformer.addEventHandler({
    onDelete: (obj) => {
      const pod = deletedObject(obj);
      const ref = getControllerOf(pod);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = replicaSets.get(pod.metadata.namespace ?? '', ref.name);
      if (rs && rs.metadata.uid === ref.uid) for (const k of ownerKeys(owners, rs).keys) queue.add(k);
    },
  });
  try {
    await runController({
      name: DEPLOYMENT_CONTROLLER,
      workers: ctx.workers,
      queue,
      clock: ctx.clock,
      watches: [{ informer: dInformer }, { informer: rsInformer, mapToKeys: () => [] }, { informer: podInformer, mapToKeys: () => [] }],
      signal: ctx.signal,
      log: ctx.log,
      registry: ctx.registry,
      reconciler: new DeploymentReconciler({
        client: ctx.client,
        deployments,
        replicaSets,
        pods: listerFor(podInformer),
        recorder: ctx.events.newRecorder({ component: 'deployment-controller' }),
        clock: ctx.clock,
      }),
    });
  } finally {
    rsHandler.remove();
    podHandler.remove();
  }
}

export const deploymentController: ControllerDescriptor = { name: DEPLOYMENT_CONTROLLER, run };
