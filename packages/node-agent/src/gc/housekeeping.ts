// The agent's housekeeping (the kubelet's HandlePodCleanups and its GC managers): every period,
// the pod directories no pod claims are unmounted and removed (a pod the API no longer has and the
// runtime holds nothing of: also after an agent restart), and every minute the runtime's dead
// containers and sandboxes are collected (container-gc.ts), the first time a minute after the start;
// every 5 minutes unused images, when the disk is full enough (image-gc.ts).
import { discardLogger, realClock, sleep, type Clock, type Logger } from '@skiff/machinery';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { VolumeManager } from '../volumes/volume-manager.js';
import { collectContainers, DEFAULT_GC_POLICY, type ContainerGCPolicy } from './container-gc.js';
import type { LocalStorageEviction } from '../eviction/local-storage.js';
import type { ImageGC } from './image-gc.js';

export const HOUSEKEEPING_PERIOD_MS = 10_000;
export const CONTAINER_GC_PERIOD_MS = 60_000;
export const IMAGE_GC_PERIOD_MS = 5 * 60_000;

export interface HousekeepingOptions {
  runtime: ContainerRuntime;
  /** whether the API still has a pod of this uid bound to the node */
  podExists: (uid: string) => boolean;
  volumes?: VolumeManager;
  images?: ImageGC;
  /** emptyDir sizeLimit checks, every period */
  localStorage?: LocalStorageEviction;
  /** eviction under node pressure (hard thresholds), every period */
  pressureEviction?: { check(): Promise<string[]> };
  policy?: ContainerGCPolicy;
  clock?: Clock;
  log?: Logger;
  periodMs?: number;
  containerGCPeriodMs?: number;
  imageGCPeriodMs?: number;
}

export class Housekeeping {
  private lastContainerGCMs: number;
  private lastImageGCMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly o: HousekeepingOptions) {
    this.clock = o.clock ?? realClock;
    this.log = o.log ?? discardLogger();
    this.lastContainerGCMs = this.clock.now(); // the first collection one period after the start: a restarted agent first syncs
    this.lastImageGCMs = this.clock.now();
  }

  /** Removes the directories of pods nobody holds; returns their uids. */
  async cleanupOrphanedPodDirs(): Promise<string[]> {
    if (!this.o.volumes) return [];
    const held = new Set<string>();
    for (const s of await this.o.runtime.listPodSandboxes()) held.add(s.pod.uid);
    for (const c of await this.o.runtime.listContainers()) held.add(c.pod.uid);
    const removed = await this.o.volumes.cleanupOrphans((uid) => held.has(uid) || this.o.podExists(uid));
    if (removed.length > 0) this.log.info('orphaned pod directories removed', { pods: removed });
    return removed;
  }

  async collectContainers(): Promise<void> {
    const plan = await collectContainers(this.o.runtime, this.o.podExists, this.clock.now(), this.o.policy ?? DEFAULT_GC_POLICY);
    if (plan.containers.length + plan.sandboxes.length > 0) this.log.info('dead containers removed', { containers: plan.containers.length, sandboxes: plan.sandboxes.length });
  }

  async runOnce(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastContainerGCMs >= (this.o.containerGCPeriodMs ?? CONTAINER_GC_PERIOD_MS)) {
      this.lastContainerGCMs = now;
      await this.collectContainers();
    }
    await this.cleanupOrphanedPodDirs();
    if (this.o.images && now - this.lastImageGCMs >= (this.o.imageGCPeriodMs ?? IMAGE_GC_PERIOD_MS)) {
      this.lastImageGCMs = now;
      const r = await this.o.images.collect();
      if (r.removed.length > 0 || r.wantedBytes > 0) this.log.info('image garbage collection', { removed: r.removed.length, freedBytes: r.freedBytes, wantedBytes: r.wantedBytes });
      if (r.freedBytes < r.wantedBytes) this.log.warn('image garbage collection freed too little', { freedBytes: r.freedBytes, wantedBytes: r.wantedBytes });
    }
    const evicted = [...((await this.o.localStorage?.check()) ?? []), ...((await this.o.pressureEviction?.check()) ?? [])];
    if (evicted.length > 0) this.log.warn('pods evicted', { pods: evicted });
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.runOnce();
      } catch (err) {
        this.log.warn('housekeeping failed', { err });
      }
      await sleep(this.clock, this.o.periodMs ?? HOUSEKEEPING_PERIOD_MS, signal);
    }
  }
}
