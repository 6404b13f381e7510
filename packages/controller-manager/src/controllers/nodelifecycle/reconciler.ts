// The node lifecycle reconciler, as Kubernetes' node lifecycle controller (monitorNodeHealth,
// doNoScheduleTaintingPass, processTaintBaseEviction, MarkPodsNotReady), run for each node at least
// every --node-monitor-period: a node silent past its grace period gets Unknown conditions; the
// NoSchedule taints follow the conditions at once; the NoExecute not-ready / unreachable taint is
// added at the zone's eviction rate (swapped or removed at once), and removed when the node is Ready
// again; the Ready condition of the pods on a node that is not Ready is set to False.
import { type Lease, type Node, type Pod, clone, isApiError, jsonEqual } from '@skiff/api';
import type { Client, Clock, EventRecorder, Lister, ReconcileContext, ReconcileResult, Reconciler, Request } from '@skiff/machinery';
import type { ControllerManagerConfig } from '../../config.js';
import { NodeHealthTracker, unknownConditions } from './health.js';
import { condition, currentNoExecuteKey, desiredTaints, noExecuteTaintKey, noScheduleTaintKeys } from './taints.js';
import { TokenBucket, type ZoneState, zoneOf, zoneRate, zoneState } from './zones.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export type NodeLifecycleConfig = Pick<
  ControllerManagerConfig,
  | 'nodeMonitorGracePeriodMs'
  | 'nodeMonitorPeriodMs'
  | 'nodeStartupGracePeriodMs'
  | 'nodeEvictionRate'
  | 'secondaryNodeEvictionRate'
  | 'unhealthyZoneThreshold'
  | 'largeClusterSizeThreshold'
>;

export interface NodeLifecycleDeps {
  client: Client;
  nodes: Lister<Node>;
  leases: Lister<Lease>;
  podsOnNode(nodeName: string): Pod[];
  recorder: EventRecorder;
  clock: Clock;
  config: NodeLifecycleConfig;
}

interface Zones {
  allFullyDisrupted: boolean;
  of: Map<string, { state: ZoneState; size: number }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class NodeLifecycleReconciler implements Reconciler {
  private readonly health = new NodeHealthTracker();
  private readonly lastReady = new Map<string, string | undefined>();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly deps: NodeLifecycleDeps) {}

  /** The node's Ready status as this controller sees it: Unknown once it has been silent too long. */
  private observedReady(node: Node, now: number): string | undefined {
    const ready = condition(node, 'Ready');
    const probe = this.health.observe(node, this.deps.leases.get(NODE_LEASE_NAMESPACE, node.metadata.name!), now);
    const grace = ready ? this.deps.config.nodeMonitorGracePeriodMs : this.deps.config.nodeStartupGracePeriodMs;
    return now - probe > grace ? 'Unknown' : ready?.status;
  }

  private zones(now: number): Zones {
    const counts = new Map<string, { ready: number; notReady: number }>();
    for (const n of this.deps.nodes.list()) {
      const z = zoneOf(n);
      const c = counts.get(z) ?? { ready: 0, notReady: 0 };
      if (this.observedReady(n, now) === 'True') c.ready++;
      else c.notReady++;
      counts.set(z, c);
    }
    const of = new Map<string, { state: ZoneState; size: number }>();
    for (const [z, c] of counts) of.set(z, { state: zoneState(c.ready, c.notReady, this.deps.config.unhealthyZoneThreshold), size: c.ready + c.notReady });
    const allFullyDisrupted = of.size > 0 && [...of.values()].every((z) => z.state === 'FullDisruption');
    return { allFullyDisrupted, of };
  }

  private bucket(zone: string, state: ZoneState, size: number, now: number): TokenBucket {
    const qps = zoneRate(state, size, this.deps.config);
    let b = this.buckets.get(zone);
    if (!b || b.qps !== qps) this.buckets.set(zone, (b = new TokenBucket(qps, now)));
    return b;
  }

  async reconcile(ctx: ReconcileContext, { name }: Request): Promise<ReconcileResult> {
    const { client, nodes, config, clock } = this.deps;
    const period = config.nodeMonitorPeriodMs;
    const cached = nodes.get('', name);
    if (!cached) {
      this.health.forget(name);
      this.lastReady.delete(name);
      return;
    }
    const now = clock.now();
    let node = cached;

    // Health: a silent node's conditions become Unknown.
    if (this.observedReady(node, now) === 'Unknown' && condition(node, 'Ready')?.status !== 'Unknown') {
      const conditions = unknownConditions(node, iso(now));
      if (conditions) {
        const next = clone(node);
        next.status = { ...(next.status ?? {}), conditions };
        node = await client.updateStatus(next);
        ctx.log.info('node stopped posting status: conditions Unknown');
      }
    }
    const ready = condition(node, 'Ready')?.status;
    if (ready !== undefined && ready !== 'True') {
      if (this.lastReady.get(name) === 'True') this.deps.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      await this.markPodsNotReady(ctx, name, now);
    }
    this.lastReady.set(name, ready);

    // Taints: NoSchedule from the conditions at once; NoExecute for eviction at the zone's rate.
    const zones = this.zones(now);
    const want = zones.allFullyDisrupted ? undefined : noExecuteTaintKey(ready);
    let noExecute = want;
    let wait: number | undefined;
    if (want && !currentNoExecuteKey(node)) {
      const zone = zoneOf(node);
      const z = zones.of.get(zone) ?? { state: 'Normal' as const, size: 1 };
      const b = this.bucket(zone, z.state, z.size, now);
      if (!b.tryTake(now)) {
        noExecute = undefined;
        wait = b.waitMs(now) ?? period;
      }
    }
    const taints = desiredTaints(node, noScheduleTaintKeys(node), noExecute, iso(now));
    if (!jsonEqual(taints, node.spec?.taints ?? [])) {
      const next = clone(node);
      next.spec = { ...(next.spec ?? {}), taints };
      if (taints.length === 0) delete next.spec.taints;
      await client.update(next);
      ctx.log.info('node taints updated', { taints: taints.map((t) => `${t.key}:${t.effect}`) });
    }
    return { requeueAfterMs: Math.max(1, Math.min(wait ?? period, period)) };
  }

  /** Kubernetes' MarkPodsNotReady: the node's pods whose Ready condition is True get False. */
  private async markPodsNotReady(ctx: ReconcileContext, nodeName: string, now: number): Promise<void> {
    let failure: unknown;
    for (const pod of this.deps.podsOnNode(nodeName)) {
      if (!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const next = clone(pod);
      next.status!.conditions = next.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: iso(now) } : c));
      try {
        await this.deps.client.updateStatus(next);
        this.deps.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!isApiError(e, 'NOT_FOUND')) failure ??= e;
      }
    }
    if (failure !== undefined) {
      ctx.log.info('could not mark every pod of the node not ready');
      throw failure;
    }
  }
}
