// A watcher for rollout tests: follows a Deployment's pods and ReplicaSets (list, then watch; a
// broken watch, e.g. while the apiserver restarts, lists again) and checks Kubernetes' rolling
// update bounds at every change it sees: never more than replicas + maxSurge active pods (not
// terminating, not terminal), never fewer than replicas - maxUnavailable of them ready. It also keeps
// each ReplicaSet's peak of active pods and of spec.replicas, so a test can tell that no slot was
// doubled (more pods of one ReplicaSet than it ever asked for). Active, ready and the bounds are
// machinery's (testing/pod-bounds.ts), as in the integration tests and the controller benchmark;
// this watcher adds the ReplicaSets, the Service's Endpoints, a timeline and relists across an
// apiserver restart.
import type { Client } from '@skiff/machinery';
import { type PodShape as BoundsPodShape, type RolloutBounds, boundsBreaches, isActivePod, isReadyPod } from '@skiff/machinery/testing';

interface PodShape extends BoundsPodShape {
  metadata: BoundsPodShape['metadata'] & { ownerReferences?: { uid: string; controller?: boolean }[] };
}

interface EndpointsShape {
  subsets?: { addresses?: { ip: string; targetRef?: { name?: string } }[]; notReadyAddresses?: { ip: string }[] }[];
}

interface RSShape {
  metadata: { uid?: string; name?: string };
  spec?: { replicas?: number };
}

function ownerUid(p: PodShape): string | undefined {
  return p.metadata.ownerReferences?.find((o) => o.controller)?.uid;
}

export class RolloutWatch {
  private readonly pods = new Map<string, PodShape>();
  private readonly replicaSets = new Map<string, RSShape>();
  private readonly endpoints = new Map<string, EndpointsShape>();
  /** what changed when, for messages: pods (active, ready), ReplicaSets' replicas, the Service's ready addresses */
  readonly timeline: { at: number; what: string }[] = [];
  private readonly ac = new AbortController();
  private readonly loops: Promise<void>[];
  /** the resources listed at least once: the bounds are checked only once all are */
  private readonly listed = new Set<string>();
  private bounds: RolloutBounds | undefined;
  /** every breach of the bounds: when and what */
  readonly violations: string[] = [];
  /** per ReplicaSet uid: the most active pods seen at once, the largest spec.replicas, the name */
  readonly peakPods = new Map<string, number>();
  readonly peakReplicas = new Map<string, number>();
  private readonly rsNames = new Map<string, string>();
  /** the most active pods, and the fewest ready ones, seen while bounds were checked */
  maxActiveSeen = 0;
  minReadySeen = Infinity;
  /** how often a watch broke and was listed again */
  relists = 0;

  /** `service`: also follow its Endpoints (into the timeline) */
  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    labelSelector: string,
    service?: string,
  ) {
    const selected = { labelSelector };
    this.loops = [this.follow('replicasets', this.replicaSets, selected), this.follow('pods', this.pods, selected)];
    if (service) this.loops.push(this.follow('endpoints', this.endpoints, { fieldSelector: `metadata.name=${service}` }));
  }

  /** true once every followed resource has been listed */
  get synced(): boolean {
    return this.listed.size === this.loops.length;
  }

  /** the timeline from `since` on, one line per change */
  timelineSince(since: number): string {
    return this.timeline
      .filter((e) => e.at >= since)
      .map((e) => `+${e.at - since} ms ${e.what}`)
      .join('\n');
  }

  /** starts (or, with undefined, stops) checking the bounds; forgets earlier violations */
  check(bounds: RolloutBounds | undefined): void {
    this.bounds = bounds;
    this.violations.length = 0;
    this.maxActiveSeen = 0;
    this.minReadySeen = Infinity;
    if (bounds) this.evaluate();
  }

  /** the peaks per ReplicaSet where pods outnumbered what the ReplicaSet ever asked for */
  doubledSlots(): string[] {
    const out: string[] = [];
    for (const [uid, pods] of this.peakPods) {
      const asked = this.peakReplicas.get(uid) ?? 0;
      if (pods > asked) out.push(`${this.rsNames.get(uid) ?? `ReplicaSet ${uid}`}: ${pods} active pods at once, spec.replicas never above ${asked}`);
    }
    return out;
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.all(this.loops);
  }

  private async follow<T>(resource: string, store: Map<string, T>, select: { labelSelector?: string; fieldSelector?: string }): Promise<void> {
    const { signal } = this.ac;
    while (!signal.aborted) {
      try {
        const list = await this.client.list(resource, { namespace: this.namespace, ...select });
        store.clear();
        for (const o of list.items) store.set(o.metadata.uid!, o as unknown as T);
        this.listed.add(resource);
        this.evaluate();
        for await (const batch of this.client.watch(resource, { namespace: this.namespace, ...select, resourceVersion: list.resourceVersion }, signal)) {
          for (const e of batch.events) {
            if (!e.object) continue;
            if (e.type === 'DELETED') store.delete(e.object.metadata.uid!);
            else store.set(e.object.metadata.uid!, e.object as unknown as T);
          }
          this.evaluate();
        }
      } catch {
        // the apiserver went away or the watch expired: list again
      }
      if (signal.aborted) return;
      this.relists++;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private record(): void {
    const pods = [...this.pods.values()]
      .map((p) => `${p.metadata.name}${!isActivePod(p) ? ' (terminating)' : isReadyPod(p) ? '' : ' (not ready)'}`)
      .sort()
      .join(', ');
    const rss = [...this.replicaSets.values()].map((r) => `${r.metadata.name}=${r.spec?.replicas ?? 0}`).sort().join(' ');
    const eps = [...this.endpoints.values()].flatMap((e) => (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.name ?? a.ip))).sort().join(', ');
    const what = `pods: ${pods} | rs: ${rss}${this.endpoints.size ? ` | endpoints: ${eps}` : ''}`;
    if (this.timeline.at(-1)?.what !== what) this.timeline.push({ at: Date.now(), what });
  }

  private evaluate(): void {
    this.record();
    for (const r of this.replicaSets.values()) {
      const uid = r.metadata.uid!;
      this.rsNames.set(uid, r.metadata.name!);
      this.peakReplicas.set(uid, Math.max(this.peakReplicas.get(uid) ?? 0, r.spec?.replicas ?? 0));
    }
    const active = [...this.pods.values()].filter(isActivePod);
    const perRS = new Map<string, number>();
    for (const p of active) {
      const rs = ownerUid(p) ?? 'none';
      perRS.set(rs, (perRS.get(rs) ?? 0) + 1);
    }
    for (const [rs, n] of perRS) this.peakPods.set(rs, Math.max(this.peakPods.get(rs) ?? 0, n));
    if (!this.bounds || !this.synced) return;
    const ready = active.filter(isReadyPod).length;
    this.maxActiveSeen = Math.max(this.maxActiveSeen, active.length);
    this.minReadySeen = Math.min(this.minReadySeen, ready);
    const at = new Date().toISOString();
    const pods = active.map((p) => `${p.metadata.name}${isReadyPod(p) ? '' : ' (not ready)'}`).join(', ');
    for (const b of boundsBreaches({ active: active.length, ready }, this.bounds)) this.violations.push(`${at}: ${b}: ${pods}`);
  }
}
