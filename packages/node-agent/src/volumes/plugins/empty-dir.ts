// emptyDir: a directory of the pod, writable by every user (0777, as the kubelet makes it), on the
// node's disk, or with `medium: Memory` a tmpfs sized by `sizeLimit` (unlimited without one: half
// the node's memory, tmpfs's default). A `sizeLimit` on disk is enforced by eviction
// (`gc/emptydir-eviction.ts`).
import { toMilli, type Volume } from '@skiff/api';
import { ensureDir, ensureTmpfs } from '../volume-dirs.js';
import type { SetUpResult, VolumeContext, VolumePlugin } from '../volume-plugin.js';

export function sizeLimitBytes(volume: Volume): number | undefined {
  const s = volume.emptyDir?.sizeLimit;
  return s ? Number(toMilli(s) / 1000n) : undefined;
}

export const emptyDirPlugin: VolumePlugin = {
  name: 'kubernetes.io~empty-dir',
  canSupport: (v) => v.emptyDir !== undefined && v.emptyDir !== null,
  async setUp(ctx: VolumeContext): Promise<SetUpResult> {
    const medium = ctx.volume.emptyDir?.medium ?? '';
    if (medium === 'Memory') await ensureTmpfs(ctx.mounter, ctx.dir, 0o777, sizeLimitBytes(ctx.volume));
    else if (medium === '') await ensureDir(ctx.dir, 0o777);
    else return { failed: `emptyDir medium ${JSON.stringify(medium)} is not supported on this node` };
    return { path: ctx.dir };
  },
};
