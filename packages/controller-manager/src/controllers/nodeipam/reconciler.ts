// The node IPAM reconciler, as Kubernetes' range allocator: a Node without spec.podCIDR gets the
// next free subnet of the cluster CIDR (spec.podCIDR and spec.podCIDRs, one patch carrying the
// resourceVersion it was decided on); a Node that has one keeps it and its subnet is marked used; a
// deleted Node's subnet is released. The used set lives in memory and is rebuilt from the Nodes'
// podCIDRs before the first allocation, so a restart never hands a subnet out twice.
import { type Node, isApiError } from '@skiff/api';
import type { Client, EventRecorder, Lister, ReconcileContext, ReconcileResult, Reconciler, Request } from '@skiff/machinery';
import type { CidrSet } from './cidr-set.js';

export interface NodeIpamReconcilerDeps {
  client: Client;
  nodes: Lister<Node>;
  cidrs: CidrSet;
  recorder: EventRecorder;
}

export class NodeIpamReconciler implements Reconciler {
  /** Node name -> the subnet it holds (or was given and not yet seen back). */
  private readonly byNode = new Map<string, string>();
  private rebuilt = false;

  constructor(private readonly deps: NodeIpamReconcilerDeps) {}

  /** Marks the subnets of every cached Node used (once, before anything is allocated). */
  private rebuild(ctx: ReconcileContext): void {
    if (this.rebuilt) return;
    this.rebuilt = true;
    for (const node of this.deps.nodes.list()) this.occupy(ctx, node);
  }

  private occupy(ctx: ReconcileContext, node: Node): void {
    const name = node.metadata.name!;
    const cidr = node.spec?.podCIDR;
    if (!cidr) return;
    const held = this.byNode.get(name);
    if (held === cidr) return;
    if (held !== undefined) this.deps.cidrs.release(held);
    this.byNode.set(name, cidr);
    if (!this.deps.cidrs.occupy(cidr)) ctx.log.info('node pod CIDR is not a subnet of the cluster CIDR; left as it is', { node: name, podCIDR: cidr, clusterCIDR: this.deps.cidrs.clusterCIDR });
  }

  async reconcile(ctx: ReconcileContext, { name }: Request): Promise<ReconcileResult> {
    const { client, nodes, cidrs, recorder } = this.deps;
    this.rebuild(ctx);
    const node = nodes.get('', name);
    if (!node) {
      const held = this.byNode.get(name);
      if (held !== undefined) {
        cidrs.release(held);
        this.byNode.delete(name);
        ctx.log.info('released the pod CIDR of a deleted node', { podCIDR: held });
      }
      return;
    }
    if (node.spec?.podCIDR) {
      this.occupy(ctx, node);
      return;
    }
    if (node.metadata.deletionTimestamp) return;
    let cidr = this.byNode.get(name);
    const fresh = cidr === undefined;
    if (cidr === undefined) {
      cidr = cidrs.allocateNext();
      if (cidr === undefined) {
        recorder.event(node, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable (no free /${cidrs.maskSize} left in the cluster CIDR ${cidrs.clusterCIDR}: ${cidrs.capacity} in use)`);
        ctx.log.error('no pod CIDR left for the node', { clusterCIDR: cidrs.clusterCIDR, maskSize: cidrs.maskSize });
        return { requeue: true };
      }
      this.byNode.set(name, cidr);
    }
    try {
      await client.patch('nodes', '', name, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (e) {
      // Not written: give the subnet back (a conflict is retried against the newer Node).
      if (fresh || isApiError(e, 'NOT_FOUND')) {
        cidrs.release(cidr);
        this.byNode.delete(name);
      }
      if (isApiError(e, 'NOT_FOUND')) return;
      throw e;
    }
    ctx.log.info('allocated a pod CIDR to the node', { podCIDR: cidr });
    recorder.event(node, 'Normal', 'CIDRAssignmentSucceeded', `Node ${name} was assigned pod CIDR ${cidr}`);
  }
}
