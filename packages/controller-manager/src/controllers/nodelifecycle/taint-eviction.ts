// Taint-based eviction, as Kubernetes' taint eviction controller (the former NoExecute taint
// manager): a pod on a node with NoExecute taints is deleted at once if it does not tolerate one of
// them, else when the shortest tolerationSeconds of the tolerations it uses has run out, counted from
// the taint's timeAdded (tolerations without tolerationSeconds tolerate forever). Before the delete
// the pod gets the DisruptionTarget condition (reason DeletionByTaintManager), and an event.
import { type Node, type Pod, type Taint, type Toleration, clone, isApiError, toleratesTaint } from '@skiff/api';
import type { Client, Clock, EventRecorder, Lister, ReconcileContext, ReconcileResult, Reconciler, Request } from '@skiff/machinery';

export interface TaintEvictionDeps {
  client: Client;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  recorder: EventRecorder;
  clock: Clock;
}

/**
 * When the pod must go because of `taints` (ms since the epoch): -Infinity for an untolerated taint,
 * undefined when it tolerates them all forever (or there are none).
 */
export function evictionTime(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined, now: number): number | undefined {
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    // Kubernetes' GetMatchingTolerations: the first toleration that tolerates the taint is used.
    const used = (tolerations ?? []).find((t) => toleratesTaint(t, taint));
    if (!used) return -Infinity;
    if (used.tolerationSeconds === undefined || used.tolerationSeconds === null) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const t = (Number.isNaN(added) ? now : added) + Math.max(0, used.tolerationSeconds) * 1000;
    at = at === undefined ? t : Math.min(at, t);
  }
  return at;
}

export class TaintEvictionReconciler implements Reconciler {
  constructor(private readonly deps: TaintEvictionDeps) {}

  async reconcile(ctx: ReconcileContext, { namespace, name }: Request): Promise<ReconcileResult> {
    const { pods, nodes, clock } = this.deps;
    const pod = pods.get(namespace, name);
    if (!pod?.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const node = nodes.get('', pod.spec.nodeName);
    if (!node) return;
    const now = clock.now();
    const at = evictionTime(node.spec?.taints ?? [], pod.spec.tolerations, now);
    if (at === undefined) return;
    if (at > now) return { requeueAfterMs: at - now };
    await this.evict(ctx, pod);
  }

  private async evict(ctx: ReconcileContext, pod: Pod): Promise<void> {
    const { client, recorder, clock } = this.deps;
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name!;
    recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${name}`);
    try {
      const next = clone(pod);
      const conditions = (next.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
      conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: new Date(clock.now()).toISOString() });
      next.status = { ...(next.status ?? {}), conditions };
      await client.updateStatus(next);
      await client.delete('pods', ns, name, { preconditions: { uid: pod.metadata.uid } });
      ctx.log.info('evicted a pod from a NoExecute-tainted node', { node: pod.spec?.nodeName });
    } catch (e) {
      if (isApiError(e, 'NOT_FOUND')) return;
      throw e;
    }
  }
}
