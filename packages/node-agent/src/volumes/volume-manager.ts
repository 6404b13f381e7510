// The node's volumes per pod (the kubelet's volume manager without attach/detach): every volume of
// a pod is set up by its plugin under <root>/pods/<uid>/volumes/<plugin>/<name> before the pod's
// containers start, and again on every sync (ConfigMap, Secret and downward API files follow their
// sources). When the pod is gone, every mount below its directory is unmounted and the directory
// removed; `cleanupOrphans` does the same for directories no pod claims (after an agent restart).
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Pod } from '@skiff/api';
import type { Mounter } from './mounter.js';
import { volumePlugins } from './registry.js';
import type { ConfigSource, NodeAllocatable, VolumePlugin } from './volume-plugin.js';

export const DEFAULT_ROOT_DIR = '/var/lib/skiff-agent';

export interface MountedVolume {
  /** the path on the node to bind into containers */
  path: string;
  /** the plugin mounts it read-only whatever the volumeMount says (configMap, secret, downwardAPI) */
  readOnly: boolean;
}

/** volume name → where it is on the node */
export type PodVolumes = Map<string, MountedVolume>;

export interface VolumeFailure {
  volume: string;
  message: string;
}

export type MountResult = { volumes: PodVolumes } | { failed: VolumeFailure[] };

export interface VolumeManagerOptions {
  rootDir: string;
  mounter: Mounter;
  sources: ConfigSource;
  node: () => NodeAllocatable;
  now: () => number;
  plugins?: readonly VolumePlugin[];
}

const SAFE_UID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class VolumeManager {
  private readonly plugins: readonly VolumePlugin[];

  constructor(private readonly o: VolumeManagerOptions) {
    this.plugins = o.plugins ?? volumePlugins;
  }

  get rootDir(): string {
    return this.o.rootDir;
  }

  /** <root>/pods/<uid>: everything of a pod on the node lives below it */
  podDir(uid: string): string {
    if (!SAFE_UID.test(uid)) throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
    return path.join(this.o.rootDir, 'pods', uid);
  }

  /** where a volume of a pod lives: <root>/pods/<uid>/volumes/<plugin>/<name> */
  volumeDir(uid: string, plugin: string, name: string): string {
    return path.join(this.podDir(uid), 'volumes', plugin, name);
  }

  /** Sets up (or refreshes) every volume of the pod; the failures when any could not be. */
  async mountPod(pod: Pod): Promise<MountResult> {
    const volumes: PodVolumes = new Map();
    const failed: VolumeFailure[] = [];
    const uid = pod.metadata.uid ?? '';
    for (const volume of pod.spec?.volumes ?? []) {
      const plugin = this.plugins.find((p) => p.canSupport(volume));
      if (!plugin) {
        failed.push({ volume: volume.name, message: `no volume plugin on this node serves volume ${JSON.stringify(volume.name)} (${Object.keys(volume).filter((k) => k !== 'name').join(', ')})` });
        continue;
      }
      const dir = this.volumeDir(uid, plugin.name, volume.name);
      try {
        const got = await plugin.setUp({ pod, volume, dir, mounter: this.o.mounter, sources: this.o.sources, node: this.o.node(), now: this.o.now });
        if ('failed' in got) failed.push({ volume: volume.name, message: got.failed });
        else volumes.set(volume.name, { path: got.path, readOnly: Boolean(got.readOnly) });
      } catch (e) {
        failed.push({ volume: volume.name, message: (e as Error).message });
      }
    }
    return failed.length > 0 ? { failed } : { volumes };
  }

  /** Unmounts everything below the pod's directory, then removes it; an absent one is fine. */
  async unmountPod(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    for (const point of await this.o.mounter.mountsUnder(dir)) await this.o.mounter.unmount(point);
    await rm(dir, { recursive: true, force: true });
  }

  /** the uids with a directory on the node */
  async podUids(): Promise<string[]> {
    try {
      return (await readdir(path.join(this.o.rootDir, 'pods'), { withFileTypes: true })).filter((e) => e.isDirectory() && SAFE_UID.test(e.name)).map((e) => e.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Removes the directories of pods `keep` does not claim; returns their uids. */
  async cleanupOrphans(keep: (uid: string) => boolean): Promise<string[]> {
    const removed: string[] = [];
    for (const uid of await this.podUids()) {
      if (keep(uid)) continue;
      await this.unmountPod(uid);
      removed.push(uid);
    }
    return removed;
  }
}
