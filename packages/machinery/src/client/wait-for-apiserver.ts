// Waiting for the apiserver at start, as kube-controller-manager's WaitForAPIServer does: a component
// started alongside its apiserver (a cluster coming up, a host booting) begins its loops as soon as the
// server answers, instead of failing its first calls and sitting out each loop's retry period (2 s
// and more for leader election, growing back-offs for lists).
import { isApiError } from '@skiff/api';
import { realClock, sleep, type Clock } from '../clock.js';
import { discardLogger, type Logger } from '../log.js';
import type { Client } from './types.js';

export interface WaitForApiserverOptions {
  signal?: AbortSignal;
  /** Give up waiting after this long (default 60 s); the component then starts and its loops retry. */
  timeoutMs?: number;
  /** Between attempts (default 100 ms); the channel's own reconnect back-off (at most 1 s) paces them too. */
  intervalMs?: number;
  log?: Logger;
  clock?: Clock;
}

/** Codes that mean the server did not answer; any other answer (even a refusal) means it is up. */
const NOT_ANSWERED = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED']);

/**
 * Resolves true once the apiserver answers a discovery call, false when `timeoutMs` passed or
 * `signal` aborted first. Never rejects.
 */
export async function waitForApiserver(client: Client, o: WaitForApiserverOptions = {}): Promise<boolean> {
  const clock = o.clock ?? realClock;
  const log = o.log ?? discardLogger();
  const start = clock.now();
  const deadline = start + (o.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.discovery();
      if (attempt > 0) log.info('apiserver answers', { waitedMs: clock.now() - start });
      return true;
    } catch (e) {
      if (!isApiError(e) || !NOT_ANSWERED.has(e.code)) return true;
      lastError = e;
    }
    if (attempt === 0) log.info('waiting for the apiserver', { err: (lastError as Error).message });
    if (clock.now() >= deadline) {
      log.warn('the apiserver did not answer; starting anyway (every loop retries)', { waitedMs: clock.now() - start, err: (lastError as Error).message });
      return false;
    }
    if (!(await sleep(clock, o.intervalMs ?? 100, o.signal))) return false;
  }
}
