// kube-proxy's healthz semantics (ProxierHealthServer): healthy while nothing is waiting for a
// sync, or while the oldest waiting change is younger than the timeout (2 × the sync period); a
// successful sync clears the wait. Unlike kube-proxy, the start and a failed sync also count as
// waiting, so a proxy that never programs its rules (apiserver unreachable, restores refused)
// turns unhealthy instead of staying healthy forever.
import type { Clock } from '@skiff/machinery';

export class SyncHealth {
  private oldestPending: number | undefined;
  private last: number | undefined;

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
  ) {}

  /** A change is waiting for a sync (kube-proxy's QueuedUpdate). */
  queuedUpdate(): void {
    this.oldestPending ??= this.clock.now();
  }

  /** A sync succeeded: the rules match what the proxy has seen. */
  updated(): void {
    this.last = this.clock.now();
    this.oldestPending = undefined;
  }

  /** When the last successful sync ended (ms since the epoch), if any. */
  lastUpdated(): number | undefined {
    return this.last;
  }

  /** Throws (the reason of /healthz's failure) when a change has waited longer than the timeout. */
  check(): void {
    if (this.oldestPending === undefined) return;
    const waited = this.clock.now() - this.oldestPending;
    if (waited >= this.timeoutMs) throw new Error(`rules not synced for ${Math.round(waited / 1000)}s (limit ${Math.round(this.timeoutMs / 1000)}s)`);
  }
}
