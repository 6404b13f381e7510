// A work queue of string keys with client-go's guarantees (util/workqueue: the basic, delaying and
// rate-limiting queues in one):
//
// - Fair: keys are handed out in the order they were first added.
// - Stingy: adding a key that is already waiting does nothing; many adds collapse into one.
// - Exclusive: a key is never handed to two workers at once. A key added while it is being
//   processed is marked dirty and re-queued when the worker calls done(key).
// - Every get() must be followed by exactly one done(key).
// - addAfter(key, ms) adds the key once ms has passed (the earliest pending time wins).
// - addRateLimited(key) = addAfter(key, rateLimiter.when(key)); forget(key) after a success resets
//   the key's backoff; numRequeues(key) counts failures since.
// - shutDown(): later adds are ignored, waiting and later get()s resolve undefined at once, keys
//   still waiting are dropped. shutDownWithDrain(): adds are ignored, but get() keeps handing out
//   the keys already queued; resolves when the queue is empty and every key handed out is done.
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type Clock, type TimerHandle, realClock } from '../clock.js';
import { Heap } from '../heap.js';
import { counter, gauge, histogram } from '../metrics.js';
import { Fifo } from './fifo.js';
import { type RateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  /** Label of this queue's metrics (usually the controller name). */
  name?: string;
  clock?: Clock;
  /** Default: defaultControllerRateLimiter(clock). */
  rateLimiter?: RateLimiter;
  /** Records workqueue_depth, _adds_total, _retries_total, _queue_duration_seconds, _work_duration_seconds. */
  registry?: Registry;
}

interface QueueMetrics {
  depth: Gauge<'name'>;
  adds: Counter<'name'>;
  retries: Counter<'name'>;
  queueDuration: Histogram<'name'>;
  workDuration: Histogram<'name'>;
}

function queueMetrics(registry: Registry): QueueMetrics {
  return {
    depth: gauge(registry, 'workqueue_depth', 'Current depth of the work queue', ['name']),
    adds: counter(registry, 'workqueue_adds_total', 'Keys added to the work queue', ['name']),
    retries: counter(registry, 'workqueue_retries_total', 'Rate-limited re-adds', ['name']),
    queueDuration: histogram(registry, 'workqueue_queue_duration_seconds', 'Time a key waits before being handed out', ['name']),
    workDuration: histogram(registry, 'workqueue_work_duration_seconds', 'Time from get() to done()', ['name']),
  };
}

export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: QueueMetrics | undefined;

  private readonly queue = new Fifo<string>();
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiters = new Fifo<(key: string | undefined) => void>();
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();

  /** Delayed keys by the time they are due (client-go's waitForPriorityQueue): earliest on top. */
  private readonly waiting = new Heap<{ key: string; readyAt: number }>((a, b) => a.readyAt < b.readyAt, (w) => w.key);
  private timer: TimerHandle | undefined;
  private timerDue: number | undefined;

  private shutdown = false;
  private draining = false;
  private drained: (() => void) | undefined;
  private drainPromise: Promise<void> | undefined;

  constructor(opts: WorkQueueOptions = {}) {
    this.name = opts.name ?? 'queue';
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.metrics = opts.registry ? queueMetrics(opts.registry) : undefined;
  }

  /** Queues `key` unless it is already waiting; ignored after shut down. */
  add(key: string): void {
    if (this.shutdown || this.dirty.has(key)) return;
    this.metrics?.adds.inc({ name: this.name });
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.addedAt.set(key, this.clock.now());
    this.metrics?.depth.set({ name: this.name }, this.queue.length);
    this.wake();
  }

  /** Adds `key` after `ms` (now when ms <= 0). A key already waiting keeps the earlier time. */
  addAfter(key: string, ms: number): void {
    if (this.shutdown) return;
    if (ms <= 0) return this.add(key);
    const readyAt = this.clock.now() + ms;
    const prev = this.waiting.get(key);
    if (prev !== undefined) {
      if (prev.readyAt <= readyAt) return;
      prev.readyAt = readyAt;
      this.waiting.fix(key);
    } else {
      this.waiting.push({ key, readyAt });
    }
    if (this.timerDue === undefined || readyAt < this.timerDue) this.schedule(readyAt);
  }

  /** Adds `key` after its rate limiter delay (per-key exponential backoff and the overall bucket). */
  addRateLimited(key: string): void {
    if (this.shutdown) return;
    this.metrics?.retries.inc({ name: this.name });
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Stops tracking the key's failures (its next addRateLimited starts from the base delay). */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** Keys waiting to be handed out (not counting delayed ones or ones being processed). */
  len(): number {
    return this.queue.length;
  }

  /** Resolves with the next key, marking it as being processed; undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.shutdown && (!this.draining || this.queue.length === 0)) return Promise.resolve(undefined);
    if (this.queue.length > 0) return Promise.resolve(this.take());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks the key's processing finished; re-queues it if it was added meanwhile. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    const started = this.startedAt.get(key);
    this.startedAt.delete(key);
    if (started !== undefined) this.metrics?.workDuration.observe({ name: this.name }, (this.clock.now() - started) / 1000);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.addedAt.set(key, this.clock.now());
      this.metrics?.depth.set({ name: this.name }, this.queue.length);
    }
    this.wake();
  }

  shuttingDown(): boolean {
    return this.shutdown;
  }

  /** Stops the queue now: workers' get() resolves undefined, queued and delayed keys are dropped. */
  shutDown(): void {
    this.stop(false);
  }

  /** Stops taking keys, lets workers finish what is queued and in flight; resolves when all are done. */
  shutDownWithDrain(): Promise<void> {
    if (!this.shutdown) this.stop(true);
    return this.drainPromise ?? Promise.resolve();
  }

  private stop(drain: boolean): void {
    this.shutdown = true;
    this.draining = drain;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = undefined;
    this.waiting.clear();
    if (drain) {
      this.drainPromise = new Promise((resolve) => (this.drained = resolve));
    } else {
      this.queue.clear();
      this.metrics?.depth.set({ name: this.name }, 0);
    }
    this.wake();
  }

  private take(): string {
    const key = this.queue.shift()!;
    this.processing.add(key);
    this.dirty.delete(key);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    const now = this.clock.now();
    if (added !== undefined) this.metrics?.queueDuration.observe({ name: this.name }, (now - added) / 1000);
    this.startedAt.set(key, now);
    this.metrics?.depth.set({ name: this.name }, this.queue.length);
    return key;
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.queue.length > 0) this.waiters.shift()!(this.take());
    if (this.shutdown && this.queue.length === 0) {
      for (let w = this.waiters.shift(); w; w = this.waiters.shift()) w(undefined);
      if (this.draining && this.processing.size === 0 && this.drained) {
        this.drained();
        this.drained = undefined;
      }
    }
  }

  /** (Re)arms the one timer for the earliest delayed key. */
  private schedule(due: number): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = this.clock.setTimeout(() => this.fire(), due - this.clock.now());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDue = undefined;
    const now = this.clock.now();
    for (let next = this.waiting.peek(); next && next.readyAt <= now; next = this.waiting.peek()) {
      this.waiting.pop();
      this.add(next.key);
    }
    const next = this.waiting.peek();
    if (next && !this.shutdown) this.schedule(next.readyAt);
  }
}
