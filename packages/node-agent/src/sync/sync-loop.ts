// The agent's one loop (the kubelet's syncLoopIteration) over typed event sources: the pods of
// this node (an informer with spec.nodeName=<node>), PLEG events, and a periodic resync that also
// finds orphans (runtime objects of pods that no longer exist). Each event becomes work for the
// pod's worker (pod-workers.ts); the loop itself never waits on a sync.
import type { Pod } from '@skiff/api';
import { realClock, sleep, type Clock, type Lister } from '@skiff/machinery';
import type { PodLifecycleEvent } from '../pleg/relist.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { PodWorkers } from './pod-workers.js';

export type SyncLoopEvent =
  | { source: 'pods'; op: 'add' | 'update' | 'delete'; pod: Pod }
  | { source: 'pleg'; event: PodLifecycleEvent }
  | { source: 'resync' };

export const RESYNC_PERIOD_MS = 10_000;

export class SyncLoop {
  private readonly queue: SyncLoopEvent[] = [];
  private wake: (() => void) | undefined;

  constructor(
    private readonly pods: Lister<Pod>,
    private readonly runtime: ContainerRuntime,
    private readonly workers: PodWorkers,
    private readonly opts: { resyncPeriodMs?: number; clock?: Clock; onError?: (what: string, err: unknown) => void } = {},
  ) {}

  /** any source hands its events here */
  push(ev: SyncLoopEvent): void {
    this.queue.push(ev);
    this.wake?.();
  }

  private podByUid(uid: string): Pod | undefined {
    return this.pods.list().find((p) => p.metadata.uid === uid);
  }

  /** Runs until `signal` aborts; the resync ticks from here. */
  async run(signal: AbortSignal): Promise<void> {
    const clock = this.opts.clock ?? realClock;
    const ticking = (async () => {
      while (!signal.aborted) {
        this.push({ source: 'resync' });
        await sleep(clock, this.opts.resyncPeriodMs ?? RESYNC_PERIOD_MS, signal);
      }
    })();
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    while (!signal.aborted) {
      const ev = this.queue.shift();
      if (!ev) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      try {
        await this.handle(ev);
      } catch (err) {
        this.opts.onError?.(ev.source, err);
      }
    }
    signal.removeEventListener('abort', onAbort);
    await ticking;
  }

  private async handle(ev: SyncLoopEvent): Promise<void> {
    if (ev.source === 'pods') {
      const uid = ev.pod.metadata.uid ?? '';
      if (ev.op === 'delete') this.workers.update(uid, { kind: 'kill', uid });
      else this.workers.update(uid, { kind: 'sync', pod: ev.pod });
      return;
    }
    if (ev.source === 'pleg') {
      const pod = this.podByUid(ev.event.podUid);
      this.workers.update(ev.event.podUid, pod ? { kind: 'sync', pod } : { kind: 'kill', uid: ev.event.podUid });
      return;
    }
    await this.resync();
  }

  /** every pod synced again; runtime objects of pods that are gone removed; idle workers of gone pods dropped */
  private async resync(): Promise<void> {
    const known = new Set<string>();
    for (const pod of this.pods.list()) {
      const uid = pod.metadata.uid ?? '';
      known.add(uid);
      this.workers.update(uid, { kind: 'sync', pod });
    }
    const { sandboxes, containers } = await this.runtime.listPodObjects();
    const held = new Set([...sandboxes.map((s) => s.pod.uid), ...containers.map((c) => c.pod.uid)]);
    for (const uid of held) if (!known.has(uid)) this.workers.update(uid, { kind: 'kill', uid });
    for (const uid of this.workers.known()) if (!known.has(uid) && !held.has(uid)) this.workers.forget(uid);
  }
}
