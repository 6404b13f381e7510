// Finds a command on the PATH the way a shell would, without starting one.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `cmd` on the PATH, or undefined. */
export async function which(cmd: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? DEFAULT_PATH).split(':')) {
    if (dir.length === 0) continue;
    const p = join(dir, cmd);
    if (await isExecutable(p)) return p;
  }
  return undefined;
}
