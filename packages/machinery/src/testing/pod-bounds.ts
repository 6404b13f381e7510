// Rollout bounds as tests, end-to-end tests and benchmarks check them, in one place: which pod counts
// (active: neither terminal nor being deleted, as Kubernetes' controller.IsPodActive; ready: active
// with Ready=True), the bounds of a RollingUpdate (never more than replicas + maxSurge active pods,
// never fewer than replicas - maxUnavailable ready ones, maxSurge and maxUnavailable resolved as
// Kubernetes does), and PodBoundsWatch: a Deployment's pods followed through a watch (list, then
// every revision in order, so the extremes are exact, not samples) with the most active and fewest
// ready pods and every breach seen while tracking. A broken watch lists again and is counted
// (`relists`): what happened in between was not seen, so a test asserts there was none.
//
// Ready, not available: with minReadySeconds > 0 a pod counts for the Deployment only once it has
// been ready that long, so the bound is on ready pods (a superset) whatever minReadySeconds is.
import { type Deployment, type IntOrString, type Pod, deploymentMaxSurge, deploymentMaxUnavailable, deploymentReplicas, resolveFenceposts } from '@skiff/api';
import type { Client } from '../client/types.js';

/** The fields of a pod these definitions read (a Pod, or a pod read as plain JSON). */
export interface PodShape {
  metadata: { uid?: string; name?: string; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** Neither Succeeded nor Failed, and not being deleted (Kubernetes' controller.IsPodActive). */
export function isActivePod(p: PodShape): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata.deletionTimestamp;
}

/** Active, with the Ready condition True. */
export function isReadyPod(p: PodShape): boolean {
  if (!isActivePod(p)) return false;
  for (const c of p.status?.conditions ?? []) if (c.type === 'Ready') return c.status === 'True';
  return false;
}

export interface RolloutBounds {
  /** replicas + maxSurge: the most active pods allowed */
  maxPods: number;
  /** replicas - maxUnavailable: the fewest ready pods allowed */
  minReady: number;
}

/** The bounds of a RollingUpdate of `replicas` (maxSurge, maxUnavailable: numbers or percentages; Kubernetes' defaults 25 %). */
export function rollingBounds(replicas: number, maxSurge: IntOrString = '25%', maxUnavailable: IntOrString = '25%'): RolloutBounds {
  const { surge, unavailable } = resolveFenceposts(maxSurge, maxUnavailable, replicas);
  return { maxPods: replicas + surge, minReady: replicas - Math.min(unavailable, replicas) };
}

/** The bounds of a Deployment's rollout, from its spec (Recreate: no surge, no unavailability allowance). */
export function deploymentBounds(d: Deployment): RolloutBounds {
  const replicas = deploymentReplicas(d);
  return { maxPods: replicas + deploymentMaxSurge(d), minReady: replicas - deploymentMaxUnavailable(d) };
}

export interface PodCounts {
  active: number;
  ready: number;
}

/** Counts the active and the ready pods. */
export function countPods(pods: Iterable<PodShape>): PodCounts {
  const c = { active: 0, ready: 0 };
  for (const p of pods) {
    if (!isActivePod(p)) continue;
    c.active++;
    if (isReadyPod(p)) c.ready++;
  }
  return c;
}

/** What breaks the bounds in `counts`, one message each (empty when within them). */
export function boundsBreaches(counts: PodCounts, bounds: RolloutBounds): string[] {
  const out: string[] = [];
  if (counts.active > bounds.maxPods) out.push(`${counts.active} active pods > ${bounds.maxPods} (replicas + maxSurge)`);
  if (counts.ready < bounds.minReady) out.push(`${counts.ready} ready pods < ${bounds.minReady} (replicas - maxUnavailable)`);
  return out;
}

interface Counted {
  active: boolean;
  ready: boolean;
}

/** At most this many breaches are kept (the count goes on). */
const KEPT_BREACHES = 20;

/**
 * The selected pods of a namespace, followed through a watch: current counts, and while tracking,
 * the most active and fewest ready pods after any revision and every breach of the bounds.
 */
export class PodBoundsWatch {
  private readonly pods = new Map<string, Counted>();
  private readonly counts: PodCounts = { active: 0, ready: 0 };
  private bounds: RolloutBounds | undefined;
  private tracking = false;
  /** the most active pods seen while tracking */
  maxActive = 0;
  /** the fewest ready pods seen while tracking */
  minReady = Infinity;
  /** breaches seen while tracking with bounds (the first ones, with the time) */
  readonly breaches: string[] = [];
  breachCount = 0;
  /** pods added (created, or first seen) after the first list */
  added = 0;
  /** how often the watch broke and the pods were listed again (events in between were missed) */
  relists = 0;
  private readonly waiters = new Set<() => void>();
  private readonly ac = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly labelSelector: string,
  ) {}

  /** Lists the pods, then follows them. */
  static async start(client: Client, namespace: string, labelSelector: string): Promise<PodBoundsWatch> {
    const w = new PodBoundsWatch(client, namespace, labelSelector);
    const rv = await w.list();
    w.loop = w.follow(rv);
    return w;
  }

  /** The current counts. */
  current(): PodCounts {
    return { ...this.counts };
  }

  /** Starts keeping the extremes from the current counts on, and the breaches of `bounds` if given. */
  track(bounds?: RolloutBounds): void {
    this.tracking = true;
    this.bounds = bounds;
    this.maxActive = this.counts.active;
    this.minReady = this.counts.ready;
    this.breaches.length = 0;
    this.breachCount = 0;
    this.check();
  }

  /** Resolves once `cond` holds (checked now and after every event); rejects after `timeoutMs`. */
  until(cond: (w: PodBoundsWatch) => boolean, what: string, timeoutMs: number): Promise<void> {
    if (cond(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!cond(this)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (active ${this.counts.active}, ready ${this.counts.ready}, added ${this.added})`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.loop;
  }

  private async list(): Promise<string> {
    const list = await this.client.list<Pod>('pods', { namespace: this.namespace, labelSelector: this.labelSelector });
    this.pods.clear();
    this.counts.active = 0;
    this.counts.ready = 0;
    for (const p of list.items) this.set(p);
    return list.resourceVersion;
  }

  private async follow(resourceVersion: string): Promise<void> {
    const { signal } = this.ac;
    let rv = resourceVersion;
    while (!signal.aborted) {
      try {
        for await (const batch of this.client.watch<Pod>('pods', { namespace: this.namespace, labelSelector: this.labelSelector, resourceVersion: rv }, signal)) {
          for (const ev of batch.events) {
            if (!ev.object) continue;
            if (ev.type === 'DELETED') this.remove(ev.object.metadata.uid!);
            else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
              if (ev.type === 'ADDED' && !this.pods.has(ev.object.metadata.uid!)) this.added++;
              this.set(ev.object);
            } else continue;
            this.check();
          }
        }
      } catch {
        // the watch broke: listed again below
      }
      if (signal.aborted) return;
      this.relists++;
      await new Promise((r) => setTimeout(r, 100));
      try {
        rv = await this.list();
        this.check();
      } catch {
        // the apiserver is away: try again
      }
    }
  }

  private check(): void {
    if (this.tracking) {
      this.maxActive = Math.max(this.maxActive, this.counts.active);
      this.minReady = Math.min(this.minReady, this.counts.ready);
      if (this.bounds) {
        for (const b of boundsBreaches(this.counts, this.bounds)) {
          this.breachCount++;
          if (this.breaches.length < KEPT_BREACHES) this.breaches.push(`${new Date().toISOString()}: ${b}`);
        }
      }
    }
    for (const w of [...this.waiters]) w();
  }

  private set(p: PodShape): void {
    this.remove(p.metadata.uid!);
    const c = { active: isActivePod(p), ready: isReadyPod(p) };
    this.pods.set(p.metadata.uid!, c);
    this.counts.active += c.active ? 1 : 0;
    this.counts.ready += c.ready ? 1 : 0;
  }

  private remove(uid: string): void {
    const c = this.pods.get(uid);
    if (!c) return;
    this.pods.delete(uid);
    this.counts.active -= c.active ? 1 : 0;
    this.counts.ready -= c.ready ? 1 : 0;
  }
}
