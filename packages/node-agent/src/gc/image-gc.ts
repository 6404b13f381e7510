// Image garbage collection (the kubelet's image manager with its defaults): when the disk holding
// the images is used at or above imageGCHighThresholdPercent (85), images no container uses (of
// any state) are removed, least recently used first (then first detected), until usage is back
// under imageGCLowThresholdPercent (80). An image seen for less than MinAge (2 minutes) and the
// pod sandbox image are never removed. The images' disk is taken to be the one of the agent's
// root directory (the lab's dockerd keeps its data on the node's own filesystem).
import { compareStrings } from '@skiff/api';
import type { ContainerRuntime, ImageInfo } from '../runtime/runtime.js';

export interface ImageGCPolicy {
  highThresholdPercent: number;
  lowThresholdPercent: number;
  minAgeMs: number;
}

export const DEFAULT_IMAGE_GC_POLICY: ImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 2 * 60_000 };

export interface FsStats {
  capacityBytes: number;
  availableBytes: number;
}

export interface ImageRecord {
  firstDetectedMs: number;
  lastUsedMs: number;
}

/** How many bytes must be freed (0: below the high threshold), as the kubelet computes it. */
export function bytesToFree(fs: FsStats, policy: ImageGCPolicy): number {
  if (fs.capacityBytes <= 0) return 0;
  const usagePercent = (100 * (fs.capacityBytes - fs.availableBytes)) / fs.capacityBytes;
  if (usagePercent < policy.highThresholdPercent) return 0;
  return Math.max(0, Math.floor((fs.capacityBytes * (100 - policy.lowThresholdPercent)) / 100) - fs.availableBytes);
}

/** The images to remove, in order, to free `toFree` bytes. */
export function planImageGC(images: readonly ImageInfo[], inUse: ReadonlySet<string>, pinned: ReadonlySet<string>, records: ReadonlyMap<string, ImageRecord>, toFree: number, nowMs: number, policy: ImageGCPolicy): ImageInfo[] {
  if (toFree <= 0) return [];
  const candidates = images
    .filter((i) => !inUse.has(i.id) && !pinned.has(i.id))
    .filter((i) => nowMs - (records.get(i.id)?.firstDetectedMs ?? nowMs) >= policy.minAgeMs)
    .sort((a, b) => {
      const ra = records.get(a.id);
      const rb = records.get(b.id);
      return (ra?.lastUsedMs ?? 0) - (rb?.lastUsedMs ?? 0) || (ra?.firstDetectedMs ?? 0) - (rb?.firstDetectedMs ?? 0) || compareStrings(a.id, b.id);
    });
  const out: ImageInfo[] = [];
  let freed = 0;
  for (const i of candidates) {
    if (freed >= toFree) break;
    out.push(i);
    freed += i.sizeBytes;
  }
  return out;
}

export interface ImageGCOptions {
  runtime: ContainerRuntime;
  fsStats: () => Promise<FsStats>;
  /** never removed (the pod sandbox image) */
  pinnedRefs: readonly string[];
  now: () => number;
  policy?: ImageGCPolicy;
}

export class ImageGC {
  private readonly records = new Map<string, ImageRecord>();

  constructor(private readonly o: ImageGCOptions) {}

  /** Notes the images seen and used; removes what the thresholds ask for. Returns the removed ids and the bytes freed. */
  async collect(): Promise<{ removed: string[]; freedBytes: number; wantedBytes: number }> {
    const policy = this.o.policy ?? DEFAULT_IMAGE_GC_POLICY;
    const now = this.o.now();
    const [images, containers] = await Promise.all([this.o.runtime.listImages(), this.o.runtime.listContainers()]);
    const inUse = new Set(containers.map((c) => c.imageId));
    const present = new Set(images.map((i) => i.id));
    for (const id of this.records.keys()) if (!present.has(id)) this.records.delete(id);
    for (const i of images) {
      const r = this.records.get(i.id) ?? { firstDetectedMs: now, lastUsedMs: 0 };
      if (inUse.has(i.id)) r.lastUsedMs = now;
      this.records.set(i.id, r);
    }
    const pinned = new Set<string>();
    for (const ref of this.o.pinnedRefs) {
      const info = await this.o.runtime.inspectImage(ref);
      if (info) pinned.add(info.id);
    }
    const wantedBytes = bytesToFree(await this.o.fsStats(), policy);
    const removed: string[] = [];
    let freedBytes = 0;
    for (const i of planImageGC(images, inUse, pinned, this.records, wantedBytes, now, policy)) {
      for (const ref of i.repoTags.length > 0 ? i.repoTags : [i.id]) await this.o.runtime.removeImage(ref); // the last tag removed removes the image
      this.records.delete(i.id);
      removed.push(i.id);
      freedBytes += i.sizeBytes;
    }
    return { removed, freedBytes, wantedBytes };
  }
}
