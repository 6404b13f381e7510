// Writes pod statuses through the status subresource, batched as the kubelet's status manager
// does: `setStatus` only records the newest status of a pod (a no-op when it equals the newest one
// already recorded) and schedules a write; a short timer later each pod with a newer status gets
// one write carrying its newest status, and only when that differs from what the apiserver has
// (the last write that succeeded, else the pod's status as the informer saw it). While a pod's
// write is in flight, newer statuses wait for it and go out as one write after it; a failed write
// is retried later with the newest status then (1 s doubling to 10 s); a pod that is gone is
// dropped. So a burst of changes to one pod is one write. Terminated messages are cut to the pod's
// 12 KiB first (termination-message.ts).
import { isApiError, type Pod, type PodStatus } from '@skiff/api';
import { discardLogger, realClock, type Clientset, type Clock, type Logger, type TimerHandle } from '@skiff/machinery';
import { statusKey } from './pod-status.js';
import { limitTerminationMessages } from './termination-message.js';

/** how long a change waits for more changes before the batch is written */
export const STATUS_BATCH_DELAY_MS = 10;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10_000;

export interface StatusManagerOptions {
  clock?: Clock;
  batchDelayMs?: number;
  log?: Logger;
}

interface PodEntry {
  /** the newest pod object handed in (its metadata goes with the write) */
  pod: Pod;
  /** the newest status, its canonical form (statusKey) and its version */
  status: PodStatus;
  key: string;
  version: number;
  /** what the apiserver has, as far as the agent knows, its canonical form, and the version it came from */
  written: PodStatus | undefined;
  writtenKey: string;
  writtenVersion: number;
  inFlight?: Promise<void>;
  failures: number;
  /** no write before this time (after a failure) */
  notBefore: number;
  lastError?: unknown;
}

export class StatusManager {
  private readonly pods = new Map<string, PodEntry>();
  private readonly clock: Clock;
  private readonly delayMs: number;
  private readonly log: Logger;
  private timer: { handle: TimerHandle; due: number } | undefined;
  private version = 0;
  private stopped = false;
  /** writes sent to the apiserver (tests, metrics) */
  writes = 0;

  constructor(
    private readonly clients: Clientset,
    opts: StatusManagerOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.delayMs = opts.batchDelayMs ?? STATUS_BATCH_DELAY_MS;
    this.log = opts.log ?? discardLogger();
  }

  /** Records the pod's newest status; true when it differs from the newest one recorded (a write is scheduled). */
  setStatus(pod: Pod, computed: PodStatus): boolean {
    const status = limitTerminationMessages(pod, computed);
    const uid = pod.metadata.uid ?? '';
    const e = this.pods.get(uid);
    if (e) e.pod = pod;
    // the newest status's canonical form is kept: a steady pod's resync canonicalizes one status, not two
    const key = statusKey(status);
    const base = e ? e.key : statusKey(pod.status);
    if (key === base) return false;
    const version = ++this.version;
    if (e) {
      e.status = status;
      e.key = key;
      e.version = version;
    } else {
      this.pods.set(uid, { pod, status, key, version, written: pod.status, writtenKey: base, writtenVersion: 0, failures: 0, notBefore: 0 });
    }
    this.schedule(this.clock.now() + this.delayMs);
    return true;
  }

  /** the newest status recorded for a pod (written or about to be) */
  latest(uid: string): PodStatus | undefined {
    return this.pods.get(uid)?.status;
  }

  /** the status last written for a pod */
  lastWritten(uid: string): PodStatus | undefined {
    const e = this.pods.get(uid);
    return e && e.writtenVersion > 0 ? e.written : undefined;
  }

  /** whether a pod (or any pod) has a status not written yet */
  pending(uid?: string): boolean {
    if (uid !== undefined) return this.dirty(this.pods.get(uid));
    for (const e of this.pods.values()) if (this.dirty(e)) return true;
    return false;
  }

  /**
   * Writes the newest status of one pod (or of every pod) now, without waiting for the batch or a
   * retry's back-off; resolves once it is written, rejects with the write's error.
   */
  async flush(uid?: string): Promise<void> {
    const uids = uid !== undefined ? [uid] : [...this.pods.keys()];
    await Promise.all(uids.map((u) => this.flushPod(u)));
  }

  forget(uid: string): void {
    this.pods.delete(uid);
  }

  /** No more batches or retries; resolves once the writes in flight ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    await Promise.all([...this.pods.values()].map((e) => e.inFlight));
  }

  private dirty(e: PodEntry | undefined): e is PodEntry {
    return e !== undefined && e.version > e.writtenVersion;
  }

  private async flushPod(uid: string): Promise<void> {
    for (;;) {
      const e = this.pods.get(uid);
      if (!e) return;
      if (e.inFlight) {
        await e.inFlight;
        continue;
      }
      if (!this.dirty(e)) return;
      e.lastError = undefined;
      this.startWrite(uid, e);
      await e.inFlight;
      if (e.lastError !== undefined) throw e.lastError;
    }
  }

  private schedule(due: number): void {
    if (this.stopped) return;
    if (this.timer && this.timer.due <= due) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.writeBatch();
    }, due - this.clock.now());
    this.timer = { handle, due };
  }

  /** one write for every pod with a newer status and no write in flight; the rest wait for the next batch */
  private writeBatch(): void {
    const now = this.clock.now();
    let next = Infinity;
    for (const [uid, e] of this.pods) {
      if (!this.dirty(e) || e.inFlight) continue;
      if (e.notBefore > now) next = Math.min(next, e.notBefore);
      else this.startWrite(uid, e);
    }
    if (next !== Infinity) this.schedule(next);
  }

  private startWrite(uid: string, e: PodEntry): void {
    const { version, status, key, pod } = e;
    if (key === e.writtenKey) {
      // back to what the apiserver has (a burst that undid itself): nothing to write
      e.writtenVersion = version;
      return;
    }
    const write = async (): Promise<void> => {
      try {
        const { resourceVersion: _rv, ...metadata } = pod.metadata;
        this.writes++;
        await this.clients.pods(pod.metadata.namespace ?? '').updateStatus({ ...pod, metadata, status });
        e.written = status;
        e.writtenKey = key;
        e.writtenVersion = Math.max(e.writtenVersion, version);
        e.failures = 0;
        e.notBefore = 0;
      } catch (err) {
        e.lastError = err;
        if (isApiError(err) && err.code === 'NOT_FOUND') {
          // the pod is gone: nothing to write to
          e.writtenVersion = Math.max(e.writtenVersion, version);
          return;
        }
        e.failures++;
        e.notBefore = this.clock.now() + Math.min(RETRY_MIN_MS * 2 ** (e.failures - 1), RETRY_MAX_MS);
        this.log.warn('pod status write failed', { pod: `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`, err });
      }
    };
    e.inFlight = write().finally(() => {
      e.inFlight = undefined;
      // newer statuses that arrived meanwhile (or a retry) go out in a later batch
      if (this.pods.get(uid) === e && this.dirty(e)) this.schedule(Math.max(e.notBefore, this.clock.now() + this.delayMs));
    });
  }
}
