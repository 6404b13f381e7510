// Load generators and statistics for the apiserver benchmark: closed loop (N operations, K in
// flight), open loop (a fixed schedule; latency counted from the scheduled send time, so a slow
// server cannot hide its queueing by slowing the sender), percentiles.
import { performance } from 'node:perf_hooks';

export interface LoopResult {
  /** Milliseconds per operation (open loop: from its scheduled send time). */
  latencies: Float64Array;
  elapsedMs: number;
  errors: number;
  firstError?: unknown;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function closedLoop(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<LoopResult> {
  const latencies = new Float64Array(n);
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const s = performance.now();
      try {
        await op(i);
      } catch (e) {
        errors++;
        firstError ??= e;
      }
      latencies[i] = performance.now() - s;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { latencies, elapsedMs: performance.now() - t0, errors, ...(firstError !== undefined ? { firstError } : {}) };
}

export interface OpenLoopResult extends LoopResult {
  /** Operations issued (rate × duration). */
  issued: number;
  /** Largest number of operations in flight at once. */
  maxInFlight: number;
}

/** Issues operation i at t0 + i/rate for `seconds`, whatever the server's speed; waits for all. Keeps
 * no per-operation promise or closure once an operation is done (the load generator's own garbage
 * collections would show up as server latency). */
export async function openLoop(rate: number, seconds: number, op: (i: number) => Promise<unknown>): Promise<OpenLoopResult> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = new Float64Array(total);
  let errors = 0;
  let firstError: unknown;
  let inFlight = 0;
  let maxInFlight = 0;
  let finished = 0;
  let allDone!: () => void;
  const done = new Promise<void>((r) => (allDone = r));
  const t0 = performance.now() + 2;
  const settle = (i: number, e?: unknown): void => {
    inFlight--;
    latencies[i] = performance.now() - (t0 + i * interval);
    if (e !== undefined) {
      errors++;
      firstError ??= e;
    }
    if (++finished === total) allDone();
  };
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && t0 + sent * interval <= now) {
      const i = sent++;
      inFlight++;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
      op(i).then(
        () => settle(i),
        (e: unknown) => settle(i, e ?? new Error('rejected')),
      );
    }
    if (sent < total) await sleep(Math.max(0, t0 + sent * interval - performance.now()));
  }
  if (total > 0) await done;
  return { latencies, elapsedMs: performance.now() - t0, errors, issued: total, maxInFlight, ...(firstError !== undefined ? { firstError } : {}) };
}

export interface Pcts {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles. */
export function pcts(values: ArrayLike<number>): Pcts {
  const a = Float64Array.from(values).sort();
  const at = (p: number): number => (a.length ? a[Math.min(a.length - 1, Math.max(0, Math.ceil(p * a.length) - 1))]! : NaN);
  return { n: a.length, p50: at(0.5), p99: at(0.99), max: a.length ? a[a.length - 1]! : NaN };
}

/**
 * Watch delivery bookkeeping: the time each write was acknowledged, by "name@resourceVersion", and
 * every event a watcher received. Latencies are joined at the end (an event may arrive before its
 * write's acknowledgement; those count as 0 ms, and are counted).
 */
export class DeliveryLog {
  private readonly acks = new Map<string, number>();
  private readonly sends = new Map<string, number>();
  private readonly recvKeys: string[] = [];
  private readonly recvTimes: number[] = [];

  /** The write of name at rv was sent at `sent` and acknowledged at `t`. */
  ack(name: string, rv: string, t: number, sent: number): void {
    this.acks.set(`${name}@${rv}`, t);
    this.sends.set(`${name}@${rv}`, sent);
  }

  recv(name: string, rv: string, t: number): void {
    this.recvKeys.push(`${name}@${rv}`);
    this.recvTimes.push(t);
  }

  get acked(): number {
    return this.acks.size;
  }

  get received(): number {
    return this.recvKeys.length;
  }

  /** Latencies of received events whose write was acknowledged (from the ack, and from the write's
   * send); how many arrived before the ack. */
  result(): { latencies: Float64Array; fromSend: Float64Array; early: number; unmatched: number; distinctReceived: number } {
    const out: number[] = [];
    const fromSend: number[] = [];
    let early = 0;
    let unmatched = 0;
    const distinct = new Set<string>();
    for (let i = 0; i < this.recvKeys.length; i++) {
      const k = this.recvKeys[i]!;
      const a = this.acks.get(k);
      if (a === undefined) {
        unmatched++;
        continue;
      }
      distinct.add(k);
      const d = this.recvTimes[i]! - a;
      if (d < 0) early++;
      out.push(Math.max(0, d));
      fromSend.push(this.recvTimes[i]! - this.sends.get(k)!);
    }
    return { latencies: Float64Array.from(out), fromSend: Float64Array.from(fromSend), early, unmatched, distinctReceived: distinct.size };
  }
}
