// Jittered exponential backoff for retry loops (informer re-watch, re-list, client reconnects).

export interface BackoffOptions {
  /** First delay. Default 200 ms. */
  initialMs?: number;
  /** Cap. Default 30 s. */
  maxMs?: number;
  /** Growth per step. Default 2. */
  factor?: number;
  /** Each delay gets up to `jitter * delay` added at random. Default 0.2. */
  jitter?: number;
  /** Injectable randomness in [0, 1). */
  random?: () => number;
}

/** Delays initialMs, initialMs*factor, ... up to maxMs, each plus jitter; reset() after a success. */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private current: number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 200;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 0.2;
    this.random = opts.random ?? Math.random;
    this.current = this.initialMs;
  }

  /** The next delay in ms (never above maxMs), advancing the sequence. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * this.factor);
    return Math.min(this.maxMs, base + base * this.jitter * this.random());
  }

  reset(): void {
    this.current = this.initialMs;
  }
}
