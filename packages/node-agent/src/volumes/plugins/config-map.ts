// configMap: the ConfigMap's keys (or `items`) as files on the node's disk, published atomically
// on every sync so the files follow the object; mounted read-only. A missing ConfigMap or key
// fails the mount (the pod waits in ContainerCreating) unless `optional`.
import { writePayload } from '../atomic-writer.js';
import { configMapPayload } from '../payloads.js';
import { ensureDir } from '../volume-dirs.js';
import type { SetUpResult, VolumeContext, VolumePlugin } from '../volume-plugin.js';

export const configMapPlugin: VolumePlugin = {
  name: 'kubernetes.io~configmap',
  canSupport: (v) => v.configMap !== undefined && v.configMap !== null,
  async setUp(ctx: VolumeContext): Promise<SetUpResult> {
    const src = ctx.volume.configMap ?? {};
    const cm = await ctx.sources.configMap(ctx.pod.metadata.namespace ?? '', src.name ?? '');
    const got = configMapPayload(cm, src, src.defaultMode);
    if ('failed' in got) return got;
    await ensureDir(ctx.dir, 0o755);
    await writePayload(ctx.dir, got.payload, new Date(ctx.now()));
    return { path: ctx.dir, readOnly: true };
  },
};
