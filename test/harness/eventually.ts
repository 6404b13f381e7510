// Polling until a condition holds, for tests that wait on processes, watches or the lab.

export interface EventuallyOptions {
  /** Between attempts. Default 50 ms. */
  intervalMs?: number;
  /** An error that ends the wait at once (e.g. the process under test exited). */
  giveUpOn?: (err: unknown) => boolean;
}

/** Polls `f` until it returns a value other than undefined (errors count as "not yet"), or fails at the deadline. */
export async function poll<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>, opts: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
      if (opts.giveUpOn?.(e)) throw e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

/**
 * Waits until `cond` holds, checking every `intervalMs`; an error from `cond` ends the wait at once
 * (unlike poll, which counts it as "not yet").
 */
export async function waitUntil(cond: () => Promise<boolean> | boolean, what: string, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
