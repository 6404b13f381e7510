// One probe of one container (the kubelet's prober worker): runs every periodSeconds (10) with
// timeoutSeconds (1) once initialDelaySeconds have passed since the container started; a result
// changes only after successThreshold (1) successes or failureThreshold (3) failures in a row.
// Readiness starts as failure, liveness as success, startup as unknown; liveness and readiness wait
// for the startup probe to succeed; a startup probe stops once it succeeded; after a liveness or
// startup failure the worker holds until a new container instance replaces the failed one.
import { sleep, type Clock } from '@skiff/machinery';
import type { Probe } from '@skiff/api';
import type { HandlerOutcome, HandlerTarget } from './handler.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export const PROBE_DEFAULTS = { periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, initialDelaySeconds: 0 };

const INITIAL: Record<ProbeType, ProbeResult> = { liveness: 'success', readiness: 'failure', startup: 'unknown' };
const TITLE: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export interface ProbeWorkerTarget extends HandlerTarget {
  /** when the container instance started (ms) */
  startedAtMs: number;
}

export interface ProbeWorkerDeps {
  clock: Clock;
  run: (probe: Probe, target: HandlerTarget, timeoutMs: number) => Promise<HandlerOutcome>;
  /** whether the container's startup probe (if any) succeeded */
  started: (containerId: string) => boolean;
  /** a failed attempt: the Unhealthy event */
  unhealthy: (target: HandlerTarget, message: string) => void;
  /** the result changed */
  changed: () => void;
}

export class ProbeWorker {
  private target: ProbeWorkerTarget | undefined;
  private resultValue: ProbeResult;
  private lastRaw: ProbeResult = 'unknown';
  private run = 0;
  private onHold = false;
  private readonly ac = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    readonly type: ProbeType,
    private readonly probe: Probe,
    private readonly deps: ProbeWorkerDeps,
  ) {
    this.resultValue = INITIAL[type];
  }

  /** starts probing: at once, then every period, until stopped */
  start(): void {
    this.running ??= this.loop().catch(() => undefined);
  }

  /** settles once the loop ended after stop() */
  async done(): Promise<void> {
    await this.running;
  }

  /** the container instance to probe; a new instance starts over */
  setTarget(target: ProbeWorkerTarget): void {
    if (this.target?.containerId !== target.containerId) {
      this.resultValue = INITIAL[this.type];
      this.lastRaw = 'unknown';
      this.run = 0;
      this.onHold = false;
    }
    this.target = target;
  }

  /** the result for a container instance (the initial one for any other instance) */
  result(containerId: string): ProbeResult {
    return this.target?.containerId === containerId ? this.resultValue : INITIAL[this.type];
  }

  /** before the first attempt on the current instance: start from the result last reported for it */
  resume(result: ProbeResult): void {
    if (this.run === 0 && this.lastRaw === 'unknown') this.resultValue = result;
  }

  stop(): void {
    this.ac.abort();
  }

  private get periodMs(): number {
    return (this.probe.periodSeconds || PROBE_DEFAULTS.periodSeconds) * 1000;
  }

  private async loop(): Promise<void> {
    while (!this.ac.signal.aborted) {
      await this.tick();
      await sleep(this.deps.clock, this.periodMs, this.ac.signal);
    }
  }

  /** one probe attempt (exported for tests through `ProbeManager.probeNow`) */
  async tick(): Promise<void> {
    const t = this.target;
    if (!t || this.onHold) return;
    if (this.type === 'startup' && this.resultValue === 'success') return;
    if (this.type !== 'startup' && !this.deps.started(t.containerId)) return;
    const delay = (this.probe.initialDelaySeconds ?? PROBE_DEFAULTS.initialDelaySeconds) * 1000;
    if (this.deps.clock.now() - t.startedAtMs < delay) return;
    const out = await this.deps.run(this.probe, t, (this.probe.timeoutSeconds || PROBE_DEFAULTS.timeoutSeconds) * 1000);
    if (this.ac.signal.aborted || this.target?.containerId !== t.containerId) return;
    const raw: ProbeResult = out.ok ? 'success' : 'failure';
    if (!out.ok) this.deps.unhealthy(t, `${TITLE[this.type]} probe failed: ${out.output}`);
    if (raw === this.lastRaw) this.run++;
    else {
      this.lastRaw = raw;
      this.run = 1;
    }
    const threshold = raw === 'success' ? this.probe.successThreshold || PROBE_DEFAULTS.successThreshold : this.probe.failureThreshold || PROBE_DEFAULTS.failureThreshold;
    if (this.run < threshold) return;
    const changed = this.resultValue !== raw;
    this.resultValue = raw;
    if (raw === 'failure' && this.type !== 'readiness') {
      this.onHold = true; // the container is restarted; a new instance resets the worker
      this.run = 0;
    }
    if (changed) this.deps.changed();
  }
}
