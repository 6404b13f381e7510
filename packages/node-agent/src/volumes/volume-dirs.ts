// Directory helpers of the volume plugins: a directory made with its mode (whatever the umask), and
// a tmpfs at it unless one is mounted there already.
import { chmod, mkdir } from 'node:fs/promises';
import type { Mounter } from './mounter.js';

export async function ensureDir(dir: string, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  await chmod(dir, mode);
}

export async function ensureTmpfs(mounter: Mounter, dir: string, mode: number, sizeBytes?: number): Promise<void> {
  await ensureDir(dir, mode);
  if ((await mounter.mountsUnder(dir)).includes(dir)) return;
  await mounter.mountTmpfs(dir, sizeBytes);
  await chmod(dir, mode);
}
