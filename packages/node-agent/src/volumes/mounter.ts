// The node's mount table behind an interface (house rule 6): tmpfs mounts for Secret, projected and
// `medium: Memory` emptyDir volumes, and the mount points under a pod's directory that must be
// unmounted before it is removed. `HostMounter` runs mount(8)/umount(8) and reads
// /proc/self/mountinfo (the agent shares the node's mount namespace: on a lab node it is started
// with `nsenter --net` only, so dockerd sees the same mounts); `FakeMounter` keeps the table in
// memory for unit tests (the directories themselves are real).
import { compareStrings } from '@skiff/api';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Mounter {
  /** mounts a tmpfs at `dir` (which exists); `sizeBytes` limits it */
  mountTmpfs(dir: string, sizeBytes?: number): Promise<void>;
  unmount(dir: string): Promise<void>;
  /** mount points at or below `dir`, deepest first */
  mountsUnder(dir: string): Promise<string[]>;
}

/** `dir` and the mount points of a mount table below it, deepest first */
export function pointsUnder(points: Iterable<string>, dir: string): string[] {
  const root = path.resolve(dir);
  return [...points].filter((p) => p === root || p.startsWith(`${root}/`)).sort((a, b) => b.length - a.length || compareStrings(b, a));
}

/** the mount points of a /proc/<pid>/mountinfo text (octal escapes decoded) */
export function parseMountInfo(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => Boolean(p))
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
}

export class HostMounter implements Mounter {
  async mountTmpfs(dir: string, sizeBytes?: number): Promise<void> {
    const args = ['-t', 'tmpfs'];
    if (sizeBytes !== undefined && sizeBytes > 0) args.push('-o', `size=${sizeBytes}`);
    await run('mount', [...args, 'tmpfs', dir]);
  }

  async unmount(dir: string): Promise<void> {
    await run('umount', [dir]);
  }

  async mountsUnder(dir: string): Promise<string[]> {
    return pointsUnder(parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8')), dir);
  }
}

export class FakeMounter implements Mounter {
  /** mount point → tmpfs size (0: unlimited) */
  readonly mounts = new Map<string, number>();

  async mountTmpfs(dir: string, sizeBytes?: number): Promise<void> {
    const p = path.resolve(dir);
    if (this.mounts.has(p)) throw new Error(`mount: ${p}: already mounted`);
    this.mounts.set(p, sizeBytes ?? 0);
  }

  async unmount(dir: string): Promise<void> {
    const p = path.resolve(dir);
    if (!this.mounts.delete(p)) throw new Error(`umount: ${p}: not mounted`);
  }

  async mountsUnder(dir: string): Promise<string[]> {
    return pointsUnder(this.mounts.keys(), dir);
  }
}
