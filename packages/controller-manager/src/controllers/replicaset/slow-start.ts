// Kubernetes' slowStartBatch: runs `count` calls in batches of 1, 2, 4, ... (at most what is left),
// each batch in parallel, and stops after the first batch with a failure, so that a create refused
// for every pod (quota, admission) is tried a few times instead of `count` times.
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export interface SlowStartResult {
  /** the number of successful calls */
  successes: number;
  /** the first error, if a batch failed */
  error?: unknown;
  /** the largest batch whose calls all succeeded (0 if none) */
  largestBatch: number;
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  let largestBatch = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error, largestBatch };
    largestBatch = Math.max(largestBatch, batch);
    remaining -= batch;
  }
  return { successes, largestBatch };
}

/** How long after a ReplicaSet's last all-successful creates its next sync may go on with the ramp. */
export const SLOW_START_CARRY_MS = 5_000;

/**
 * The slow-start ramp carried across the syncs of one ReplicaSet (a deliberate difference from
 * Kubernetes, whose every sync starts again at a batch of 1). A sync whose creates all succeeded
 * leaves the largest batch it ran; the next sync of the same ReplicaSet, if it starts within
 * `SLOW_START_CARRY_MS`, begins there (slowStartBatch bounds it by what is left). Any failed or
 * refused create, or an idle period, starts the ramp again at 1: the slow start's guarantee stays
 * that at most one batch's worth of creates is tried after the apiserver starts refusing them.
 */
export class SlowStartRamps {
  private readonly reached = new Map<string, { size: number; at: number }>();

  constructor(private readonly carryMs = SLOW_START_CARRY_MS) {}

  /** The first batch size of a sync of `key` starting at `now`. */
  initialBatch(key: string, now: number): number {
    const r = this.reached.get(key);
    if (!r) return SLOW_START_INITIAL_BATCH_SIZE;
    if (now - r.at > this.carryMs) {
      this.reached.delete(key);
      return SLOW_START_INITIAL_BATCH_SIZE;
    }
    return Math.max(SLOW_START_INITIAL_BATCH_SIZE, r.size);
  }

  /** Records a sync's creates, ended at `now`: `ok` when every one of them succeeded. */
  finished(key: string, now: number, ok: boolean, largestBatch: number): void {
    if (ok && largestBatch > 0) this.reached.set(key, { size: largestBatch, at: now });
    else this.reached.delete(key);
  }

  forget(key: string): void {
    this.reached.delete(key);
  }
}
