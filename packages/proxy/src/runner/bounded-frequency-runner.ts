// Kube-proxy's BoundedFrequencyRunner: run() asks for a run; requests that arrive while one runs
// or within minIntervalMs of the last run that did work are coalesced into one run at the earliest
// allowed time; a run happens at least every maxIntervalMs (the sync period); only one run at a
// time. retryAfter(ms) asks for a run no later than ms from now (after a failure). A run whose
// function resolves to false did nothing (a periodic sync with nothing to write): it does not
// hold the next request back for minIntervalMs, which bounds how often work is done.
import type { Clock, TimerHandle } from '@skiff/machinery';

export interface BoundedFrequencyRunnerOptions {
  /** Least time between the starts of two runs that did work (default 1 s). */
  minIntervalMs?: number;
  /** Most time between two runs' starts (default 30 s). */
  maxIntervalMs?: number;
  clock: Clock;
  /** Called with what a run threw; the runner keeps going. */
  onError?: (err: unknown) => void;
}

/** How the current (or last) run came about: for logs that explain a change's wait before its sync. */
export interface RunStart {
  /** When the first request this run serves was made (run() or retryAfter()); undefined: a periodic run. */
  askedAt: number | undefined;
  /** When its timer was due (the earliest the minimum interval allowed, or the periodic time). */
  due: number;
  /** When it fired (later than due: the event loop was busy). */
  firedAt: number;
}

export class BoundedFrequencyRunner {
  private readonly minMs: number;
  private readonly maxMs: number;
  /** The last run's start: the periodic run comes maxMs after it. */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** The start of the last run that did work (or failed): the next comes no sooner than minMs after. */
  private lastWork = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;
  private busy = false;
  /** run() was asked for during a run. */
  private deferredRun = false;
  /** retryAfter() during a run: no later than this. */
  private deferredDue: number | undefined;
  private timer: { handle: TimerHandle; due: number } | undefined;
  private stopped = true;
  private runs = 0;
  /** The first request not yet served by a run. */
  private askedAt: number | undefined;
  private lastRunStart: RunStart | undefined;

  constructor(
    /** One run; resolving to false says it did nothing (it then does not count for minIntervalMs). */
    private readonly fn: () => Promise<void | boolean>,
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
    this.askedAt ??= this.opts.clock.now();
    if (this.busy) this.deferredRun = true;
    else this.schedule(this.lastWork + this.minMs);
  }

  /** Asks for a run no later than `ms` from now (and no earlier than the minimum interval allows). */
  retryAfter(ms: number): void {
    this.askedAt ??= this.opts.clock.now();
    const due = this.opts.clock.now() + ms;
    if (this.busy) this.deferredDue = Math.min(this.deferredDue ?? due, due);
    else this.schedule(Math.max(due, this.lastWork + this.minMs));
  }

  /** How the current or last run came about (undefined before the first). */
  lastRun(): RunStart | undefined {
    return this.lastRunStart;
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
    const at = Math.max(due, this.opts.clock.now());
    if (this.timer && this.timer.due <= at) return;
    if (this.timer) this.opts.clock.clearTimeout(this.timer.handle);
    const handle = this.opts.clock.setTimeout(() => this.fire(at), at - this.opts.clock.now());
    this.timer = { handle, due: at };
  }

  private fire(due: number): void {
    this.timer = undefined;
    if (this.stopped) return;
    const workBefore = this.lastWork;
    this.lastStart = this.opts.clock.now();
    this.lastRunStart = { askedAt: this.askedAt, due, firedAt: this.lastStart };
    this.askedAt = undefined;
    this.lastWork = this.lastStart;
    this.runs++;
    this.busy = true;
    this.running = Promise.resolve()
      .then(() => this.fn())
      .then((did) => {
        if (did === false) this.lastWork = workBefore;
      })
      .catch((e: unknown) => this.opts.onError?.(e))
      .finally(() => {
        this.running = undefined;
        this.busy = false;
        // Requests that came during the run (coalesced), then the periodic run.
        const { deferredRun, deferredDue } = this;
        this.deferredRun = false;
        this.deferredDue = undefined;
        if (deferredRun) this.schedule(this.lastWork + this.minMs);
        if (deferredDue !== undefined) this.schedule(Math.max(deferredDue, this.lastWork + this.minMs));
        this.schedule(this.lastStart + this.maxMs);
      });
  }
}
