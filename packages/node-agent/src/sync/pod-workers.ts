// One worker per pod (the kubelet's podWorkers): at most one sync of a pod in flight; work that
// arrives meanwhile replaces what was pending (the latest intent wins) and runs when the sync
// ends; a kill (the pod is gone, or marked for deletion) is sticky: once asked for, no later sync
// of the pod replaces it or runs after it. A sync that asks for a retry (a back-off ending) or
// fails is run again later with the pod's latest state.
import type { Pod } from '@skiff/api';
import { realClock, type Clock, type TimerHandle } from '@skiff/machinery';
import type { SyncResult } from './pod-syncer.js';

export type PodWork = { kind: 'sync'; pod: Pod } | { kind: 'kill'; uid: string };

export interface PodWorkerHandlers {
  sync(pod: Pod): Promise<SyncResult>;
  /** the pod no longer exists: stop and remove what the runtime holds for it */
  kill(uid: string): Promise<void>;
  /** the pod's newest state, for a retry */
  latest(uid: string): Pod | undefined;
  onError(uid: string, err: unknown): void;
}

interface Worker {
  pending?: PodWork;
  busy: boolean;
  /** a kill was asked for: nothing but kills from now on */
  killing: boolean;
  timer?: TimerHandle;
  failures: number;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

export function isKill(work: PodWork): boolean {
  return work.kind === 'kill' || Boolean(work.pod.metadata.deletionTimestamp);
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly handlers: PodWorkerHandlers,
    private readonly clock: Clock = realClock,
  ) {}

  update(uid: string, work: PodWork): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { busy: false, killing: false, failures: 0 };
      this.workers.set(uid, w);
    }
    if (w.killing && !isKill(work)) return;
    if (isKill(work)) w.killing = true;
    // a kill of a gone pod beats a terminating sync of it; otherwise the newest wins
    if (!(w.pending?.kind === 'kill' && work.kind === 'sync')) w.pending = work;
    this.cancelTimer(w);
    if (!w.busy) void this.drive(uid, w);
  }

  /** uids with a worker */
  known(): string[] {
    return [...this.workers.keys()];
  }

  /** drops an idle worker of a pod that is gone for good */
  forget(uid: string): void {
    const w = this.workers.get(uid);
    if (w && !w.busy && !w.pending) {
      this.cancelTimer(w);
      this.workers.delete(uid);
    }
  }

  isKilling(uid: string): boolean {
    return this.workers.get(uid)?.killing ?? false;
  }

  /** resolves once no worker is busy or has work pending (tests) */
  async idle(): Promise<void> {
    if (![...this.workers.values()].some((w) => w.busy || w.pending)) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) {
      this.cancelTimer(w);
      delete w.pending;
    }
  }

  private cancelTimer(w: Worker): void {
    if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
    delete w.timer;
  }

  private retryLater(uid: string, w: Worker, ms: number): void {
    this.cancelTimer(w);
    w.timer = this.clock.setTimeout(() => {
      delete w.timer;
      const pod = this.handlers.latest(uid);
      if (pod) this.update(uid, { kind: 'sync', pod });
      else this.update(uid, { kind: 'kill', uid });
    }, ms);
  }

  private async drive(uid: string, w: Worker): Promise<void> {
    w.busy = true;
    while (w.pending && !this.stopped) {
      const work = w.pending;
      delete w.pending;
      try {
        if (work.kind === 'kill') {
          await this.handlers.kill(uid);
        } else {
          const r = await this.handlers.sync(work.pod);
          if (r.retryAfterMs !== undefined && !w.pending) this.retryLater(uid, w, r.retryAfterMs);
        }
        w.failures = 0;
      } catch (err) {
        this.handlers.onError(uid, err);
        w.failures++;
        if (!w.pending) this.retryLater(uid, w, Math.min(RETRY_MIN_MS * 2 ** (w.failures - 1), RETRY_MAX_MS));
      }
    }
    w.busy = false;
    if (![...this.workers.values()].some((x) => x.busy || x.pending)) for (const r of this.idleWaiters.splice(0)) r();
  }
}
