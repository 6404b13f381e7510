// projected: ConfigMaps, Secrets and downward API files of several sources in one directory, on a
// tmpfs (it may hold secrets), published atomically on every sync; mounted read-only. Each source
// is laid out as its own volume kind would be; `defaultMode` is the projected volume's.
// (serviceAccountToken sources are not in Skiff's API: there are no service account tokens.)
import { writePayload, type Payload } from '../atomic-writer.js';
import { configMapPayload, downwardAPIPayload, secretPayload, DEFAULT_MODE, type PayloadResult } from '../payloads.js';
import { ensureTmpfs } from '../volume-dirs.js';
import type { SetUpResult, VolumeContext, VolumePlugin } from '../volume-plugin.js';

async function sourcePayload(ctx: VolumeContext, src: NonNullable<NonNullable<VolumeContext['volume']['projected']>['sources']>[number], mode: number): Promise<PayloadResult> {
  const ns = ctx.pod.metadata.namespace ?? '';
  if (src.configMap) return configMapPayload(await ctx.sources.configMap(ns, src.configMap.name ?? ''), src.configMap, mode);
  if (src.secret) return secretPayload(await ctx.sources.secret(ns, src.secret.name ?? ''), src.secret, mode);
  if (src.downwardAPI) return downwardAPIPayload(ctx.pod, src.downwardAPI.items, ctx.node, mode);
  return { failed: 'a projected volume source names no ConfigMap, Secret or downward API' };
}

export const projectedPlugin: VolumePlugin = {
  name: 'kubernetes.io~projected',
  canSupport: (v) => v.projected !== undefined && v.projected !== null,
  async setUp(ctx: VolumeContext): Promise<SetUpResult> {
    const projected = ctx.volume.projected ?? {};
    const mode = projected.defaultMode ?? DEFAULT_MODE;
    const payload: Payload = new Map();
    for (const src of projected.sources ?? []) {
      const got = await sourcePayload(ctx, src, mode);
      if ('failed' in got) return got;
      for (const [p, f] of got.payload) payload.set(p, f);
    }
    await ensureTmpfs(ctx.mounter, ctx.dir, 0o755);
    await writePayload(ctx.dir, payload, new Date(ctx.now()));
    return { path: ctx.dir, readOnly: true };
  },
};
