// Local storage eviction of the kubelet's eviction manager, for emptyDir volumes on the node's disk:
// a pod whose emptyDir holds more than its `sizeLimit` is evicted (its containers stopped at once,
// phase Failed, reason Evicted, the kubelet's message). A `medium: Memory` emptyDir needs no check:
// its tmpfs is sized by the limit. Container `ephemeral-storage` limits are not checked.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { toMilli, type Pod } from '@skiff/api';
import { emptyDirPlugin } from '../volumes/plugins/empty-dir.js';
import type { VolumeManager } from '../volumes/volume-manager.js';

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
  return `Usage of EmptyDir volume ${JSON.stringify(volume)} exceeds the limit ${JSON.stringify(sizeLimit)}. `;
}

export interface LocalStorageEvictionOptions {
  pods: () => readonly Pod[];
  volumes: VolumeManager;
  evict: (pod: Pod, message: string) => void;
  usage?: (dir: string) => Promise<number>;
}

export class LocalStorageEviction {
  constructor(private readonly o: LocalStorageEvictionOptions) {}

  /** Evicts every running pod above an emptyDir limit; returns their messages. */
  async check(): Promise<string[]> {
    const out: string[] = [];
    for (const pod of this.o.pods()) {
      const phase = pod.status?.phase;
      if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') continue;
      for (const v of pod.spec?.volumes ?? []) {
        const limit = v.emptyDir?.sizeLimit;
        if (!limit || (v.emptyDir?.medium ?? '') !== '') continue;
        const used = await (this.o.usage ?? diskUsage)(this.o.volumes.volumeDir(pod.metadata.uid ?? '', emptyDirPlugin.name, v.name));
        if (BigInt(used) * 1000n <= toMilli(limit)) continue;
        const message = emptyDirMessage(v.name, limit);
        this.o.evict(pod, message);
        out.push(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}: ${message}`);
        break;
      }
    }
    return out;
  }
}
