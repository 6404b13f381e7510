// secret: the Secret's keys (or `items`) as files on a tmpfs of the pod (never on the node's
// disk), published atomically on every sync; mounted read-only. A missing Secret or key fails
// the mount unless `optional`.
import { writePayload } from '../atomic-writer.js';
import { secretPayload } from '../payloads.js';
import { ensureTmpfs } from '../volume-dirs.js';
import type { SetUpResult, VolumeContext, VolumePlugin } from '../volume-plugin.js';

export const secretPlugin: VolumePlugin = {
  name: 'kubernetes.io~secret',
  canSupport: (v) => v.secret !== undefined && v.secret !== null,
  async setUp(ctx: VolumeContext): Promise<SetUpResult> {
    const src = ctx.volume.secret ?? {};
    const secret = await ctx.sources.secret(ctx.pod.metadata.namespace ?? '', src.secretName ?? '');
    const got = secretPayload(secret, { ...src, name: src.secretName ?? '' }, src.defaultMode);
    if ('failed' in got) return got;
    await ensureTmpfs(ctx.mounter, ctx.dir, 0o755);
    await writePayload(ctx.dir, got.payload, new Date(ctx.now()));
    return { path: ctx.dir, readOnly: true };
  },
};
