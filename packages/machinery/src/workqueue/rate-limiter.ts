// Rate limiters for retries, as client-go's workqueue: how long to wait before an item is retried.
import type { Clock } from '../clock.js';
import { realClock } from '../clock.js';

export interface RateLimiter {
  /** The delay (ms) before `item` may be retried; records one more failure. */
  when(item: string): number;
  /** Clears the item's failure history (call after a success). */
  forget(item: string): void;
  /** How many times `item` has failed since the last forget. */
  numRequeues(item: string): number;
}

/** Per item: baseMs * 2^failures, capped at maxMs. */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  when(item: string): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    const delay = this.baseMs * 2 ** n;
    return Number.isFinite(delay) ? Math.min(delay, this.maxMs) : this.maxMs;
  }

  forget(item: string): void {
    this.failures.delete(item);
  }

  numRequeues(item: string): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * An overall token bucket (qps refill, `burst` capacity) shared by all items. Each retry reserves a
 * token; when the bucket is empty the delay is how long until the reserved token exists.
 */
export class BucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The slowest of several limiters. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(item: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(item)));
  }

  forget(item: string): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(item)));
  }
}

/**
 * client-go's DefaultControllerRateLimiter: per-item exponential 5 ms .. 1000 s, and overall
 * 10 qps with a burst of 100; the larger delay wins.
 */
export function defaultControllerRateLimiter(clock: Clock = realClock): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialFailureRateLimiter(5, 1_000_000), new BucketRateLimiter(10, 100, clock));
}
