// A container's local ephemeral storage on a Docker engine: the writable layer's size as the engine
// measures it (`SizeRw` of an inspect with size=1: a walk of the layer, so only asked for containers
// with an ephemeral-storage limit) and the bytes of its json-file log with the rotated ones beside it.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ContainerDiskUsage } from '../runtime.js';
import { engineCall } from './engine-errors.js';

/** bytes of a log file and its rotations (`<log>.1`, `<log>.2`...); 0 when none can be read */
export async function logFilesBytes(logPath: string): Promise<number> {
  const dir = path.dirname(logPath);
  const base = path.basename(logPath);
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name !== base && !name.startsWith(`${base}.`)) continue;
    const st = await stat(path.join(dir, name)).catch(() => undefined);
    if (st?.isFile()) total += st.size;
  }
  return total;
}

export async function engineDiskUsage(c: Docker.Container): Promise<ContainerDiskUsage> {
  // dockerode passes the options as the query (its types know only abortSignal)
  const withSize: Docker.ContainerInspectOptions & { size: boolean } = { size: true };
  const info = (await engineCall(`inspect ${c.id}`, () => c.inspect(withSize))) as { SizeRw?: number; LogPath?: string };
  return { rootfsBytes: info.SizeRw ?? 0, logsBytes: info.LogPath ? await logFilesBytes(info.LogPath) : 0 };
}
