// The node lifecycle controller ("nodelifecycle") and the taint eviction controller
// ("taint-eviction-controller", its former NoExecute taint manager) as Kubernetes runs them: two
// registry entries. Node lifecycle reconciles each Node on its events, its Lease's renewals and every
// --node-monitor-period; the events of the pods on a node that is not Ready wake it too (they are
// marked not ready). Taint eviction reconciles each pod on its events and on its node's.
import type { Lease, Node, Pod } from '@skiff/api';
import { listerFor, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { podsByNode } from '../pods-by-node.js';
import { NODE_LEASE_NAMESPACE, NodeLifecycleReconciler } from './reconciler.js';
import { condition } from './taints.js';
import { TaintEvictionReconciler } from './taint-eviction.js';

export const NODELIFECYCLE_CONTROLLER = 'nodelifecycle';
export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

async function runNodeLifecycle(ctx: ControllerContext): Promise<void> {
  const nodeInformer = ctx.factory.informerFor<Node>('nodes');
  const leaseInformer = ctx.factory.informerFor<Lease>('leases', { namespace: NODE_LEASE_NAMESPACE });
  const podInformer = ctx.factory.informerFor<Pod>('pods');
  const podsOnNode = podsByNode(podInformer);
  const nodes = listerFor(nodeInformer);
  // As Kubernetes' podUpdated: a pod's event matters only on a node that is not Ready (its pods are
  // marked not ready); the Ready ones' health is checked on their own events and every period.
  const onNodeNotReady = (p: Pod): string[] => {
    const nodeName = p.spec?.nodeName;
    if (!nodeName) return [];
    const node = nodes.get('', nodeName);
    return node && condition(node, 'Ready')?.status === 'True' ? [] : [nodeName];
  };
  await runController({
    name: NODELIFECYCLE_CONTROLLER,
    workers: ctx.workers,
    clock: ctx.clock,
    watches: [
      { informer: nodeInformer },
      { informer: leaseInformer, mapToKeys: (l) => [l.metadata.name!] },
      { informer: podInformer, mapToKeys: onNodeNotReady },
    ],
    signal: ctx.signal,
    log: ctx.log,
    registry: ctx.registry,
    reconciler: new NodeLifecycleReconciler({
      client: ctx.client,
      nodes,
      leases: listerFor(leaseInformer),
      podsOnNode,
      recorder: ctx.events.newRecorder({ component: 'node-controller' }),
      clock: ctx.clock,
      config: ctx.config,
    }),
  });
}

async function runTaintEviction(ctx: ControllerContext): Promise<void> {
  const nodeInformer = ctx.factory.informerFor<Node>('nodes');
  const podInformer = ctx.factory.informerFor<Pod>('pods');
  const podsOnNode = podsByNode(podInformer);
  await runController({
    name: TAINT_EVICTION_CONTROLLER,
    workers: ctx.workers,
    clock: ctx.clock,
    watches: [
      { informer: podInformer },
      { informer: nodeInformer, mapToKeys: (n) => podsOnNode(n.metadata.name!).map((p) => `${p.metadata.namespace}/${p.metadata.name}`) },
    ],
    signal: ctx.signal,
    log: ctx.log,
    registry: ctx.registry,
    reconciler: new TaintEvictionReconciler({
      client: ctx.client,
      pods: listerFor(podInformer),
      nodes: listerFor(nodeInformer),
      recorder: ctx.events.newRecorder({ component: 'taint-eviction-controller' }),
      clock: ctx.clock,
    }),
  });
}

export const nodeLifecycleController: ControllerDescriptor = { name: NODELIFECYCLE_CONTROLLER, run: runNodeLifecycle };
export const taintEvictionController: ControllerDescriptor = { name: TAINT_EVICTION_CONTROLLER, run: runTaintEviction };
