// hostPath: a path of the node itself, checked against its `type` as the kubelet does
// (DirectoryOrCreate makes a 0755 directory, FileOrCreate an empty 0644 file, both without making
// parents for the file; Directory, File, Socket, CharDevice and BlockDevice must already be that).
// With no type nothing is checked; a missing path is made a directory, as Docker's binds do.
import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { SetUpResult, VolumeContext, VolumePlugin } from '../volume-plugin.js';

const CHECKS: Record<string, [is: (s: Stats) => boolean, what: string]> = {
  Directory: [(s) => s.isDirectory(), 'is not a directory'],
  DirectoryOrCreate: [(s) => s.isDirectory(), 'is not a directory'],
  File: [(s) => s.isFile(), 'is not a file'],
  FileOrCreate: [(s) => s.isFile(), 'is not a file'],
  Socket: [(s) => s.isSocket(), 'is not a socket file'],
  CharDevice: [(s) => s.isCharacterDevice(), 'is not a character device'],
  BlockDevice: [(s) => s.isBlockDevice(), 'is not a block device'],
};

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export const hostPathPlugin: VolumePlugin = {
  name: 'kubernetes.io~host-path',
  canSupport: (v) => v.hostPath !== undefined && v.hostPath !== null,
  async setUp(ctx: VolumeContext): Promise<SetUpResult> {
    const p = ctx.volume.hostPath?.path ?? '';
    const type = ctx.volume.hostPath?.type ?? '';
    let st = await statOrUndefined(p);
    if (!st && (type === '' || type === 'DirectoryOrCreate')) {
      await mkdir(p, { recursive: true, mode: 0o755 });
      st = await stat(p);
    } else if (!st && type === 'FileOrCreate') {
      try {
        await (await open(p, 'a', 0o644)).close();
      } catch (e) {
        return { failed: `hostPath type check failed: ${p}: ${(e as Error).message}` };
      }
      st = await stat(p);
    }
    const check = CHECKS[type];
    if (!check) return { path: p };
    if (!st) return { failed: `hostPath type check failed: ${p} ${check[1]}` };
    return check[0](st) ? { path: p } : { failed: `hostPath type check failed: ${p} ${check[1]}` };
  },
};
