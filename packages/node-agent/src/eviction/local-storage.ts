// The kubelet's local-storage eviction (localStorageEviction), every housekeeping period for every
// active pod, in the kubelet's order and with its messages:
// 1. an emptyDir on the node's disk holding more than its `sizeLimit`: `Usage of EmptyDir volume "x"
//    exceeds the limit "1Mi". ` (a `medium: Memory` emptyDir is a tmpfs sized by the limit);
// 2. the pod's ephemeral storage (its running containers' writable layers and logs plus its emptyDirs
//    on disk) above the pod's limit (the containers' `limits.ephemeral-storage` summed, see
//    ephemeral-limits.ts): `Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. `;
// 3. one container's writable layer and logs above its own limit: `Container c exceeded its local
//    ephemeral storage limit "1Gi". `.
// The pod is evicted with the kubelet's immediate grace period (1 s): its containers stopped, an
// Evicted event, phase Failed, reason Evicted; never a critical pod. Only pods with a limit cost anything: the writable
// layer's size is read from the runtime just for the running containers of a pod with a limit.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { canonicalQuantity, parseQuantity, Quantity, type Pod, type Volume } from '@skiff/api';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { emptyDirPlugin } from '../volumes/plugins/empty-dir.js';
import type { VolumeManager } from '../volumes/volume-manager.js';
import { isCriticalPod } from './critical-pod.js';
import { containerEphemeralStorageLimits, podEphemeralStorageLimit } from './ephemeral-limits.js';

/** the kubelet's grace period for evictions that must free resources at once */
export const IMMEDIATE_EVICTION_GRACE_SECONDS = 1;

/** bytes a directory tree takes on disk (du: allocated blocks, symlinks not followed); 0 when absent */
export async function diskUsage(dir: string): Promise<number> {
  let st;
  try {
    st = await lstat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let total = st.blocks * 512;
  if (!st.isDirectory()) return total;
  for (const name of await readdir(dir).catch(() => [])) total += await diskUsage(path.join(dir, name));
  return total;
}

export function emptyDirMessage(volume: string, sizeLimit: string): string {
  return `Usage of EmptyDir volume ${JSON.stringify(volume)} exceeds the limit ${JSON.stringify(canonicalQuantity(sizeLimit))}. `;
}

export function podEphemeralStorageMessage(limit: Quantity): string {
  return `Pod ephemeral local storage usage exceeds the total limit of containers ${limit.toString()}. `;
}

export function containerEphemeralStorageMessage(container: string, limit: Quantity): string {
  return `Container ${container} exceeded its local ephemeral storage limit ${JSON.stringify(limit.toString())}. `;
}

export interface LocalStorageEvictionOptions {
  pods: () => readonly Pod[];
  volumes: VolumeManager;
  /** the containers' writable layers and logs */
  runtime: ContainerRuntime;
  evict: (pod: Pod, message: string, graceSeconds: number) => void;
  /** bytes under a directory (default: `diskUsage`) */
  usage?: (dir: string) => Promise<number>;
}

function exceeds(limit: Quantity, usedBytes: number): boolean {
  return limit.cmp(new Quantity(BigInt(usedBytes), 1n, 'BinarySI')) < 0;
}

const onDisk = (v: Volume) => v.emptyDir !== undefined && v.emptyDir !== null && (v.emptyDir.medium ?? '') === '';

export class LocalStorageEviction {
  constructor(private readonly o: LocalStorageEvictionOptions) {}

  /** Evicts every active pod above a local storage limit; returns "ns/name: message" of each. */
  async check(): Promise<string[]> {
    const out: string[] = [];
    for (const pod of this.o.pods()) {
      const phase = pod.status?.phase;
      if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || isCriticalPod(pod)) continue;
      const message = await this.verdict(pod);
      if (message === undefined) continue;
      this.o.evict(pod, message, IMMEDIATE_EVICTION_GRACE_SECONDS);
      out.push(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}: ${message}`);
    }
    return out;
  }

  /** why the pod must go, or undefined */
  private async verdict(pod: Pod): Promise<string | undefined> {
    const podLimit = podEphemeralStorageLimit(pod);
    // without a pod limit only the emptyDirs with a sizeLimit are measured
    const measured = (pod.spec?.volumes ?? []).filter((v) => onDisk(v) && (podLimit !== undefined || v.emptyDir?.sizeLimit));
    const volumeBytes = new Map<string, number>();
    for (const v of measured) volumeBytes.set(v.name, await (this.o.usage ?? diskUsage)(this.o.volumes.volumeDir(pod.metadata.uid ?? '', emptyDirPlugin.name, v.name)));
    for (const v of measured) {
      const limit = v.emptyDir?.sizeLimit;
      const q = limit ? parseQuantity(limit) : undefined;
      if (limit && q && q.sign() > 0 && exceeds(q, volumeBytes.get(v.name) ?? 0)) return emptyDirMessage(v.name, limit);
    }
    if (podLimit === undefined) return undefined;
    const running = (await this.o.runtime.listContainers({ podUid: pod.metadata.uid ?? '' })).filter((c) => c.state === 'running');
    const containers: { name: string; bytes: number }[] = [];
    for (const c of running) {
      const d = await this.o.runtime.containerDiskUsage(c.id).catch(() => undefined); // stopped meanwhile
      if (d) containers.push({ name: c.name, bytes: d.rootfsBytes + d.logsBytes });
    }
    const total = containers.reduce((n, c) => n + c.bytes, 0) + [...volumeBytes.values()].reduce((n, b) => n + b, 0);
    if (exceeds(podLimit, total)) return podEphemeralStorageMessage(podLimit);
    const limits = containerEphemeralStorageLimits(pod);
    for (const c of containers) {
      const limit = limits.get(c.name);
      if (limit && exceeds(limit, c.bytes)) return containerEphemeralStorageMessage(c.name, limit);
    }
    return undefined;
  }
}
