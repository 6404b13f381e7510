// Client-side rate limiting, as client-go's rest client (flowcontrol.NewTokenBucketRateLimiter):
// every request takes a token from a bucket refilled at `qps` per second holding at most `burst`;
// a request that finds the bucket empty waits for its token (reserved in order, so waiters are
// served first come, first served). One bucket per client.
//
// Defaults: 50 qps, burst 100. client-go's own default (5 / 10) dates from kubectl and every
// Kubernetes component raises it: the kubelet uses 50 / 100 (since 1.27), the scheduler 50 / 100,
// the controller-manager 20 / 30. A Skiff component's steady load (status updates, binds, events)
// stays well under 50/s, and the burst of 100 absorbs a re-sync or a scale-up without slowing it;
// a runaway loop is held at 50/s instead of flooding the apiserver. qps <= 0 turns limiting off.
import { type Clock, realClock, sleep } from '../clock.js';
import { BucketRateLimiter } from '../workqueue/rate-limiter.js';

export const DEFAULT_QPS = 50;
export const DEFAULT_BURST = 100;

export interface RateLimitOptions {
  /** Sustained requests per second (default 50; <= 0: unlimited). */
  qps?: number;
  /** Requests allowed at once after a quiet period (default 100, at least 1). */
  burst?: number;
  clock?: Clock;
}

export class ClientRateLimiter {
  private readonly bucket: BucketRateLimiter | undefined;
  private readonly clock: Clock;
  /** Milliseconds requests spent waiting for a token, in total. */
  throttledMs = 0;

  constructor(opts: RateLimitOptions = {}) {
    const qps = opts.qps ?? DEFAULT_QPS;
    const burst = Math.max(1, opts.burst ?? DEFAULT_BURST);
    this.clock = opts.clock ?? realClock;
    this.bucket = qps > 0 ? new BucketRateLimiter(qps, burst, this.clock) : undefined;
  }

  /**
   * Resolves when the request may go: at once while tokens are left, else once its token exists.
   * False when `signal` aborted the wait (the request should not be sent).
   */
  async wait(signal?: AbortSignal): Promise<boolean> {
    if (!this.bucket) return !signal?.aborted;
    const delay = this.bucket.when();
    if (delay <= 0) return !signal?.aborted;
    this.throttledMs += delay;
    return sleep(this.clock, delay, signal);
  }
}
