// Kube-proxy's BoundedFrequencyRunner: run() asks for a sync; requests that arrive while one runs
// or within minIntervalMs of the last start are coalesced into one run at the earliest allowed
// time; a run happens at least every maxIntervalMs (the sync period); only one
// run at a time. retryAfter(ms) asks for a run no later than ms from now (after a failure).
import type { Clock, TimerHandle } from '@skiff/machinery';

export interface BoundedFrequencyRunnerOptions {
  /** Least time between two runs' starts (default 1 s). */
  minIntervalMs?: number;
  /** Most time between two runs' starts (default 30 s). */
  maxIntervalMs?: number;
  clock: Clock;
  /** Called with what a run threw; the runner keeps going. */
  onError?: (err: unknown) => void;
}

export class BoundedFrequencyRunner {
  private readonly minMs: number;
  private readonly maxMs: number;
  private lastStart = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;
  private busy = false;
  private deferred: number | undefined;
  private timer: { handle: TimerHandle; due: number } | undefined;
  private stopped = true;
  private runs = 0;

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly opts: BoundedFrequencyRunnerOptions,
  ) {
    this.minMs = opts.minIntervalMs ?? 1000;
    this.maxMs = opts.maxIntervalMs ?? 30000;
  }

  /** Starts the periodic runs (the first at once); stops when `signal` aborts. */
  start(signal: AbortSignal): void {
    // a signal that aborted already (SIGTERM while the process was starting) runs nothing
    if (signal.aborted) return;
    this.stopped = false;
    signal.addEventListener('abort', () => this.stop(), { once: true });
    this.run();
  }

  /** Asks for a run as soon as the minimum interval allows. */
  run(): void {
    this.schedule(this.lastStart + this.minMs);
  }

  /** Asks for a run no later than `ms` from now (and no earlier than the minimum interval allows). */
  retryAfter(ms: number): void {
    this.schedule(Math.max(this.opts.clock.now() + ms, this.lastStart + this.minMs));
  }

  /** Number of runs started. */
  count(): number {
    return this.runs;
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) this.opts.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  private schedule(due: number): void {
    if (this.stopped) return;
    if (this.busy) {
      this.deferred = Math.min(this.deferred ?? due, due);
      return;
    }
    const at = Math.max(due, this.opts.clock.now());
    if (this.timer && this.timer.due <= at) return;
    if (this.timer) this.opts.clock.clearTimeout(this.timer.handle);
    const handle = this.opts.clock.setTimeout(() => this.fire(), at - this.opts.clock.now());
    this.timer = { handle, due: at };
  }

  private fire(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.lastStart = this.opts.clock.now();
    this.runs++;
    this.busy = true;
    this.running = Promise.resolve()
      .then(() => this.fn())
      .catch((e: unknown) => this.opts.onError?.(e))
      .finally(() => {
        this.running = undefined;
        this.busy = false;
        // Requests that came during the run (coalesced), then the periodic run.
        const deferred = this.deferred;
        this.deferred = undefined;
        if (deferred !== undefined) this.schedule(deferred);
        this.schedule(this.lastStart + this.maxMs);
      });
  }
}
