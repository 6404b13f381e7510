// Kubernetes' slowStartBatch: runs `count` calls in batches of 1, 2, 4, ... (at most what is left),
// each batch in parallel, and stops after the first batch with a failure, so that a create refused
// for every pod (quota, admission) is tried a few times instead of `count` times.
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** The number of successful calls, and the first error if a batch failed. */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}
