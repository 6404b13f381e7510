// downwardAPI: the pod's own fields and its containers' resources as files on a tmpfs (as the
// kubelet wraps it), rewritten atomically on every sync so label and annotation changes follow;
// mounted read-only.
import { writePayload } from '../atomic-writer.js';
import { downwardAPIPayload } from '../payloads.js';
import { ensureTmpfs } from '../volume-dirs.js';
import type { SetUpResult, VolumeContext, VolumePlugin } from '../volume-plugin.js';

export const downwardAPIPlugin: VolumePlugin = {
  name: 'kubernetes.io~downward-api',
  canSupport: (v) => v.downwardAPI !== undefined && v.downwardAPI !== null,
  async setUp(ctx: VolumeContext): Promise<SetUpResult> {
    const src = ctx.volume.downwardAPI ?? {};
    const got = downwardAPIPayload(ctx.pod, src.items, ctx.node, src.defaultMode);
    if ('failed' in got) return got;
    await ensureTmpfs(ctx.mounter, ctx.dir, 0o755);
    await writePayload(ctx.dir, got.payload, new Date(ctx.now()));
    return { path: ctx.dir, readOnly: true };
  },
};
