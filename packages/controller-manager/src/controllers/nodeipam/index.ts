// The node IPAM controller (Kubernetes' "nodeipam", range allocator): the registry's entry. Every
// Node event queues the Node; --cluster-cidr and --node-cidr-mask-size give the subnets.
import type { Node } from '@skiff/api';
import { listerFor, runController } from '@skiff/machinery';
import type { ControllerContext, ControllerDescriptor } from '../../context.js';
import { CidrSet } from './cidr-set.js';
import { NodeIpamReconciler } from './reconciler.js';

export const NODEIPAM_CONTROLLER = 'nodeipam';

async function run(ctx: ControllerContext): Promise<void> {
  const cidrs = new CidrSet(ctx.config.clusterCIDR, ctx.config.nodeCIDRMaskSize);
  const nodeInformer = ctx.factory.informerFor<Node>('nodes');
  await runController({
    name: NODEIPAM_CONTROLLER,
    workers: ctx.workers,
    clock: ctx.clock,
    watches: [{ informer: nodeInformer }],
    signal: ctx.signal,
    log: ctx.log,
    registry: ctx.registry,
    reconciler: new NodeIpamReconciler({ client: ctx.client, nodes: listerFor(nodeInformer), cidrs, recorder: ctx.events.newRecorder({ component: 'node-ipam-controller' }) }),
  });
}

export const nodeIpamController: ControllerDescriptor = {
  name: NODEIPAM_CONTROLLER,
  run,
  validate: (config) => void new CidrSet(config.clusterCIDR, config.nodeCIDRMaskSize),
};
