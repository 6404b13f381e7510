// The kubelet's per-container back-off (flowcontrol.Backoff): 10 s doubling to 300 s. A container
// that exited less than its back-off ago waits (CrashLoopBackOff, or ImagePullBackOff for pulls);
// each restart past it doubles the back-off; an entry left alone for twice the maximum is reset.

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  delayMs: number;
  lastUpdateMs: number;
}

export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  private live(key: string, nowMs: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && nowMs - e.lastUpdateMs > 2 * this.maxMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** ms left to wait when `sinceMs` (the last exit or failure) is within the key's back-off, else 0 */
  remaining(key: string, sinceMs: number, nowMs: number): number {
    const e = this.live(key, nowMs);
    if (!e) return 0;
    return Math.max(0, sinceMs + e.delayMs - nowMs);
  }

  /** the key's current back-off, for messages ("back-off 20s") */
  delayMs(key: string, nowMs: number): number {
    return this.live(key, nowMs)?.delayMs ?? 0;
  }

  /** called when the restart (or pull) is tried: the next wait doubles */
  next(key: string, nowMs: number): void {
    const e = this.live(key, nowMs);
    this.entries.set(key, { delayMs: e ? Math.min(e.delayMs * 2, this.maxMs) : this.initialMs, lastUpdateMs: nowMs });
  }

  /** starts a key's back-off over (a container that ran long enough) */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** forgets every key starting with `prefix` (a pod's keys once it is gone) */
  forget(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
