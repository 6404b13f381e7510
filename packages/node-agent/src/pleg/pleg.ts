// The pod lifecycle event generator: relists the runtime every period (1 s, as the kubelet's
// generic PLEG) and at once whenever the runtime reports a start, die or OOM, so the sync loop
// hears of a change within milliseconds and still misses none when an event is lost (dockerd
// restarted, the agent was down). The events stream starts at the run's start (so one opened late
// misses nothing) and a broken one is reopened after a second from the last event seen.
import { realClock, sleep, type Clock } from '@skiff/machinery';
import type { ContainerRuntime, RuntimeEvent } from '../runtime/runtime.js';
import { diffSnapshots, snapshotOf, type PodLifecycleEvent, type Snapshot } from './relist.js';

/** how soon a relist is retried while the runtime's list lags an event, and for how long */
const RETRY_MS = 50;
const EXPECTATION_MS = 2000;

export interface PlegOptions {
  relistPeriodMs?: number;
  clock?: Clock;
  /** how long without a successful relist before `healthy()` says no (the kubelet: 3 minutes) */
  relistThresholdMs?: number;
  onError?: (what: string, err: unknown) => void;
}

export class Pleg {
  private snapshot: Snapshot = new Map();
  private lastRelist: number | undefined;
  private readonly clock: Clock;
  private readonly period: number;
  private readonly threshold: number;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly opts: PlegOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.period = opts.relistPeriodMs ?? 1000;
    this.threshold = opts.relistThresholdMs ?? 180_000;
  }

  /** Lists the runtime now and returns what changed since the previous relist. */
  async relist(): Promise<PodLifecycleEvent[]> {
    const { sandboxes, containers } = await this.runtime.listPodObjects();
    const cur = snapshotOf(sandboxes, containers);
    const events = diffSnapshots(this.snapshot, cur);
    this.snapshot = cur;
    this.lastRelist = this.clock.now();
    return events;
  }

  /** Whether a relist succeeded recently enough (for the node's health). */
  healthy(): boolean {
    return this.lastRelist !== undefined && this.clock.now() - this.lastRelist <= this.threshold;
  }

  /** Relists until `signal` aborts, handing every event to `onEvent`. */
  async run(signal: AbortSignal, onEvent: (e: PodLifecycleEvent) => void): Promise<void> {
    let pending = false;
    let wake: (() => void) | undefined;
    // what runtime events said a container's state is now; Docker's list can lag its own events
    // by a moment, so a relist that does not show it yet is retried soon
    const expected = new Map<string, { state: 'running' | 'exited'; sinceMs: number }>();
    const trigger = (ev?: RuntimeEvent) => {
      if (ev && ev.type !== 'oom') expected.set(ev.containerId, { state: ev.type === 'start' ? 'running' : 'exited', sinceMs: this.clock.now() });
      pending = true;
      wake?.();
    };
    const watching = this.watchEvents(signal, trigger);
    while (!signal.aborted) {
      pending = false;
      try {
        for (const e of await this.relist()) onEvent(e);
      } catch (err) {
        this.opts.onError?.('relist', err);
      }
      for (const [id, want] of expected) {
        const seen = this.snapshot.get(id);
        if (!seen || seen.state === want.state || this.clock.now() - want.sinceMs > EXPECTATION_MS) expected.delete(id);
      }
      if (pending || signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.clock.clearTimeout(handle);
          signal.removeEventListener('abort', done);
          if (wake === done) wake = undefined;
          resolve();
        };
        const handle = this.clock.setTimeout(done, expected.size > 0 ? RETRY_MS : this.period);
        signal.addEventListener('abort', done, { once: true });
        wake = done;
      });
    }
    await watching;
  }

  private async watchEvents(signal: AbortSignal, trigger: (ev?: RuntimeEvent) => void): Promise<void> {
    // from the start of the run, and after a break from the last event seen: none is missed
    let since = this.clock.now();
    while (!signal.aborted) {
      try {
        for await (const e of this.runtime.events(signal, since)) {
          since = Math.max(since, e.timeMs);
          trigger(e);
        }
      } catch (err) {
        if (!signal.aborted) this.opts.onError?.('events', err);
      }
      if (!signal.aborted) {
        trigger(); // events may have been missed while the stream was down
        await sleep(this.clock, 1000, signal);
      }
    }
  }
}
