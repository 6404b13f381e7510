// Pod GC, as Kubernetes' PodGCController.gc, run every --pod-gc period (20 s) as one reconcile of the
// whole cache: terminated pods beyond --terminated-pod-gc-threshold (oldest first), pods bound to a
// node that has been missing for the quarantine (40 s) and is confirmed gone by the apiserver
// (marked Failed with the DisruptionTarget condition first), unscheduled pods being deleted, and pods
// being deleted on an out-of-service node are deleted at once (grace period 0).
import { type Node, type Pod, clone, isApiError } from '@skiff/api';
import type { Client, Clock, Lister, ReconcileContext, ReconcileResult, Reconciler } from '@skiff/machinery';
import { isTerminated, missingNodes, terminatedOverThreshold, terminatingOutOfService, unscheduledTerminating } from './select.js';

export interface PodGCDeps {
  client: Client;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  clock: Clock;
  terminatedPodThreshold: number;
  periodMs: number;
  quarantineMs: number;
}

export class PodGCReconciler implements Reconciler {
  /** Node name -> when its absence was first seen. */
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly deps: PodGCDeps) {}

  async reconcile(ctx: ReconcileContext): Promise<ReconcileResult> {
    const { pods, nodes, clock } = this.deps;
    const all = pods.list();
    let failure: unknown;
    const run = async (what: string, victims: Pod[], orphaned = false): Promise<void> => {
      for (const p of victims) {
        try {
          await this.forceDelete(p, orphaned);
          ctx.log.info('pod GC deleted a pod', { pod: `${p.metadata.namespace}/${p.metadata.name}`, why: what });
        } catch (e) {
          if (!isApiError(e, 'NOT_FOUND')) failure ??= e;
        }
      }
    };
    await run('terminated pods over the threshold', terminatedOverThreshold(all, this.deps.terminatedPodThreshold));
    const gone = await this.goneNodes(all, clock.now());
    await run('its node is gone', all.filter((p) => p.spec?.nodeName && gone.has(p.spec.nodeName)), true);
    await run('being deleted and never scheduled', unscheduledTerminating(all));
    await run('being deleted on an out-of-service node', terminatingOutOfService(all, (n) => nodes.get('', n)));
    if (failure !== undefined) throw failure;
    return { requeueAfterMs: this.deps.periodMs };
  }

  /** Nodes missing from the cache for the quarantine and confirmed gone by the apiserver. */
  private async goneNodes(all: Pod[], now: number): Promise<Set<string>> {
    const missing = missingNodes(all, (n) => this.deps.nodes.get('', n) !== undefined);
    for (const n of this.missingSince.keys()) if (!missing.has(n)) this.missingSince.delete(n);
    const gone = new Set<string>();
    for (const n of missing) {
      const since = this.missingSince.get(n);
      if (since === undefined) {
        this.missingSince.set(n, now);
        continue;
      }
      if (now - since < this.deps.quarantineMs) continue;
      try {
        await this.deps.client.get('nodes', '', n);
        this.missingSince.delete(n);
      } catch (e) {
        if (!isApiError(e, 'NOT_FOUND')) throw e;
        gone.add(n);
      }
    }
    return gone;
  }

  private async forceDelete(pod: Pod, orphaned: boolean): Promise<void> {
    const { client, clock } = this.deps;
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name!;
    if (orphaned && !isTerminated(pod)) {
      // Kubernetes' markFailedAndDeletePod: the pod is Failed, and says why, before it goes.
      const next = clone(pod);
      const conditions = (next.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
      conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: new Date(clock.now()).toISOString() });
      next.status = { ...(next.status ?? {}), phase: 'Failed', conditions };
      await client.updateStatus(next);
    }
    await client.delete('pods', ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
  }
}
