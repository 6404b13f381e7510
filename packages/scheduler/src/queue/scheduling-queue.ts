// Kubernetes' PriorityQueue: an active queue (a heap in the profile's QueueSort order), a backoff
// queue (1 s doubling to 10 s per attempt), and an unschedulable pool that only cluster events
// which may help a pod (per the plugins that rejected it) move back, plus a periodic flush.
import type { KObject, Pod } from '@skiff/api';
import { objectKey } from '@skiff/api';
import { realClock, type Clock, type TimerHandle } from '@skiff/machinery';
import { eventMatches, UnschedulableTimeout, type ClusterEvent, type ClusterEventWithHint } from '../framework/events.js';
import { podInfoOf } from '../framework/pod-info.js';
import type { QueuedPodInfo } from '../framework/queued-pod-info.js';
import { KeyedHeap } from './heap.js';
import { isPodUpdated } from './pod-updated.js';

export interface SchedulingQueueOptions {
  /** The QueueSort plugin's order. */
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  /** Plugin name -> the events that may undo its rejections (Framework.eventsToRegister). */
  eventsToRegister: ReadonlyMap<string, readonly ClusterEventWithHint[]>;
  clock?: Clock;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** A pod unschedulable this long is retried even without an event (the periodic flush). */
  maxInUnschedulableMs?: number;
  /** How often the unschedulable pool is checked for pods past maxInUnschedulableMs. */
  unschedulableFlushIntervalMs?: number;
}

export interface PendingCounts {
  active: number;
  backoff: number;
  unschedulable: number;
}

const key = (q: QueuedPodInfo): string => q.podInfo.key;

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly flushIntervalMs: number;
  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /**
   * Popped and being scheduled, with the pod's latest version when it was updated meanwhile: a
   * failed attempt requeues that version to backoff rather than the pool (the update may help).
   */
  private readonly inFlight = new Map<string, Pod | undefined>();
  /** In-flight pods deleted during their attempt: not requeued when it fails. */
  private readonly deletedInFlight = new Set<string>();
  private waiters: (() => void)[] = [];
  /** Incremented by every pop. */
  schedulingCycle = 0;
  /** The cycle at which the last move request happened: a pod failing in a cycle at or before it is retried soon. */
  private moveRequestCycle = -1;
  private timers: TimerHandle[] = [];
  private closed = false;

  constructor(private readonly opts: SchedulingQueueOptions) {
    this.clock = opts.clock ?? realClock;
    this.initialBackoffMs = opts.podInitialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.podMaxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? 60_000;
    this.flushIntervalMs = opts.unschedulableFlushIntervalMs ?? 30_000;
    this.activeQ = new KeyedHeap(key, opts.less);
    this.backoffQ = new KeyedHeap(key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Starts the periodic flushes: backoff every second, the unschedulable pool every flush interval. */
  run(signal: AbortSignal): void {
    const every = (ms: number, fn: () => void): void => {
      const tick = (): void => {
        if (signal.aborted) return;
        fn();
        this.timers.push(this.clock.setTimeout(tick, ms));
      };
      this.timers.push(this.clock.setTimeout(tick, ms));
    };
    every(1000, () => this.flushBackoffCompleted());
    every(this.flushIntervalMs, () => this.flushUnschedulableLeftover());
    signal.addEventListener('abort', () => this.close(), { once: true });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers = [];
    this.wake();
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const k = objectKey(pod);
    // Being scheduled (a relist re-adds it): remember the version, never queue it twice.
    if (this.inFlight.has(k)) return void this.inFlight.set(k, pod);
    if (this.activeQ.has(k) || this.backoffQ.has(k) || this.unschedulable.has(k)) return this.update(pod);
    const now = this.clock.now();
    this.activeQ.addOrUpdate({ podInfo: podInfoOf(pod), timestamp: now, attempts: 0, initialAttemptTimestamp: now, unschedulablePlugins: new Set() });
    this.wake();
  }

  /**
   * A pending pod changed: its new spec is used; an unschedulable one is retried (it may fit now)
   * unless only its status or bookkeeping changed (isPodUpdated).
   */
  update(pod: Pod): void {
    const k = objectKey(pod);
    for (const q of [this.activeQ, this.backoffQ]) {
      const cur = q.get(k);
      if (cur) return q.addOrUpdate({ ...cur, podInfo: podInfoOf(pod, cur.podInfo) });
    }
    const u = this.unschedulable.get(k);
    if (u) {
      if (!isPodUpdated(u.podInfo.pod, pod)) return void this.unschedulable.set(k, { ...u, podInfo: podInfoOf(pod, u.podInfo) });
      this.unschedulable.delete(k);
      this.requeue({ ...u, podInfo: podInfoOf(pod, u.podInfo) });
      return;
    }
    if (this.inFlight.has(k)) this.inFlight.set(k, pod);
    else this.add(pod);
  }

  /** The pod was deleted or bound elsewhere. */
  delete(pod: Pod): void {
    const k = objectKey(pod);
    this.activeQ.delete(k);
    this.backoffQ.delete(k);
    this.unschedulable.delete(k);
    if (this.inFlight.has(k)) {
      this.inFlight.set(k, undefined);
      this.deletedInFlight.add(k);
    }
  }

  /** The next pod to schedule, waiting for one; undefined once the signal aborts or the queue closes. */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const q = this.popNow();
      if (q) return q;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** The next pod if one is active now. */
  popNow(): QueuedPodInfo | undefined {
    const q = this.activeQ.pop();
    if (!q) return undefined;
    q.attempts++;
    this.schedulingCycle++;
    this.inFlight.set(q.podInfo.key, undefined);
    this.deletedInFlight.delete(q.podInfo.key);
    return q;
  }

  /** The scheduling attempt of a popped pod ended (bound, failed or requeued). */
  done(podKey: string): void {
    this.inFlight.delete(podKey);
    this.deletedInFlight.delete(podKey);
  }

  /**
   * A popped pod did not fit (or failed). It waits in the unschedulable pool for an event, unless a
   * move request came during its attempt (the event may have helped): then it goes to backoff.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, podSchedulingCycle: number): void {
    const k = key(q);
    const updated = this.inFlight.get(k);
    this.inFlight.delete(k);
    if (this.deletedInFlight.delete(k)) return;
    if (this.activeQ.has(k) || this.backoffQ.has(k) || this.unschedulable.has(k)) return;
    const entry = { ...q, timestamp: this.clock.now(), podInfo: updated ? podInfoOf(updated, q.podInfo) : q.podInfo };
    if (this.moveRequestCycle >= podSchedulingCycle || entry.unschedulablePlugins.size === 0 || updated) this.backoffQ.addOrUpdate(entry);
    else this.unschedulable.set(k, entry);
  }

  /** A cluster event happened: pods it may help leave the unschedulable pool. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, oldObj?: KObject, newObj?: KObject): number {
    let moved = 0;
    for (const [k, q] of this.unschedulable) {
      if (event !== UnschedulableTimeout && !this.mayHelp(q, event, oldObj, newObj)) continue;
      this.unschedulable.delete(k);
      this.requeue(q);
      moved++;
    }
    this.moveRequestCycle = this.schedulingCycle;
    return moved;
  }

  pending(): PendingCounts {
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size };
  }

  /** Pods of the backoff queue whose backoff ended go active. */
  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (let q = this.backoffQ.peek(); q && this.backoffExpiry(q) <= now; q = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.activeQ.addOrUpdate(q);
    }
    this.wake();
  }

  /** Pods unschedulable for longer than maxInUnschedulableMs are retried. */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [k, q] of this.unschedulable) {
      if (now - q.timestamp < this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(k);
      this.requeue(q);
    }
  }

  /** initial * 2^(attempts-1), at most max. */
  backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  private requeue(q: QueuedPodInfo): void {
    if (q.attempts > 0 && this.backoffExpiry(q) > this.clock.now()) {
      this.backoffQ.addOrUpdate(q);
    } else {
      this.activeQ.addOrUpdate(q);
      this.wake();
    }
  }

  private mayHelp(q: QueuedPodInfo, event: ClusterEvent, oldObj: KObject | undefined, newObj: KObject | undefined): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    for (const plugin of q.unschedulablePlugins) {
      for (const reg of this.opts.eventsToRegister.get(plugin) ?? []) {
        if (!eventMatches(reg.event, event)) continue;
        if (!reg.hint || reg.hint(q.podInfo.pod, oldObj, newObj) === 'Queue') return true;
      }
    }
    return false;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
