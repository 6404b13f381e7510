// The cgroup directories a node's engine creates under its cgroup parent (cgroup v1: one per
// controller; v2: one), removed deepest first once the engine and its containers are gone.
import { readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function removeTree(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (await isDir(p)) await removeTree(p);
  }
  try {
    await rmdir(dir);
  } catch {}
}

export async function removeCgroupParent(parent: string): Promise<void> {
  const dirs = [join(ROOT, parent)];
  for (const c of await readdir(ROOT).catch(() => [] as string[])) dirs.push(join(ROOT, c, parent));
  for (const d of dirs) if (await isDir(d)) await removeTree(d);
}
