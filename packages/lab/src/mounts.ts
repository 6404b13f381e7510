// Mounts dockerd leaves under its data root and exec root (overlay mounts, netns bind mounts):
// unmounted by path prefix under the lab's state dir, deepest first.
import { readFile } from 'node:fs/promises';
import type { Runner } from './exec.js';

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function mountsUnder(mountinfo: string, prefix: string): string[] {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === prefix || p.startsWith(base));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function unmountUnder(runner: Runner, prefix: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const points = mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), prefix);
    if (points.length === 0) return;
    for (const p of points) {
      const r = await runner.run('umount', [p], { allowFail: true });
      if (r.code !== 0) await runner.run('umount', ['-l', p], { allowFail: true });
    }
  }
}
