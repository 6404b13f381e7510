// A container's volumeMounts to bind mounts (the kubelet's makeMounts): each names a pod volume;
// `subPath` (or `subPathExpr`, with `$(VAR)` expanded from the container's environment; a
// variable without a value fails as the kubelet's "missing value for VAR") binds a path inside it instead (made as a directory when missing, symlinks resolved,
// and refused when it leaves the volume); read-only when the mount says so or the volume is one
// the kubelet always mounts read-only (configMap, secret, downwardAPI). `mountPropagation` is not
// in Skiff's API: every bind is private, Docker's default.
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from '@skiff/api';
import { expand } from '../spec/expansion.js';
import type { Mount } from '../runtime/runtime.js';
import type { PodVolumes } from './volume-manager.js';

export type MountsResult = { mounts: Mount[] } | { failed: string };

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** subPathExpr expanded against the container's env, or why not */
export function expandSubPathExpr(expr: string, env: readonly { name: string; value: string }[]): { subPath: string } | { failed: string } {
  const values = new Map(env.map((e) => [e.name, e.value]));
  const missing = new Set<string>();
  const subPath = expand(expr, (name) => {
    const v = values.get(name);
    if (!v) missing.add(name);
    return v ?? '';
  });
  return missing.size > 0 ? { failed: `missing value for ${[...missing].sort().join(', ')}` } : { subPath };
}

export async function containerMounts(container: Container, volumes: PodVolumes, env: readonly { name: string; value: string }[] = []): Promise<MountsResult> {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) return { failed: `cannot find volume ${JSON.stringify(m.name)} to mount into container ${JSON.stringify(container.name)}` };
    let hostPath = v.path;
    let subPath = m.subPath;
    if (m.subPathExpr) {
      const got = expandSubPathExpr(m.subPathExpr, env);
      if ('failed' in got) return got;
      subPath = got.subPath;
    }
    if (subPath) {
      if (path.isAbsolute(subPath) || subPath.split('/').includes('..')) return { failed: `invalid subPath ${JSON.stringify(subPath)} of volumeMount ${JSON.stringify(m.name)}` };
      const root = await realpath(v.path);
      const target = path.join(v.path, subPath);
      try {
        hostPath = await realpath(target);
      } catch {
        await mkdir(target, { recursive: true, mode: 0o755 });
        hostPath = await realpath(target);
      }
      if (!within(root, hostPath)) return { failed: `subpath ${JSON.stringify(hostPath)} not within volume path ${JSON.stringify(root)}` };
    }
    mounts.push({ hostPath, containerPath: m.mountPath, readOnly: Boolean(m.readOnly) || v.readOnly });
  }
  return { mounts };
}
