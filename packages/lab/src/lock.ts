// One `up` or `down` at a time per lab: a lock file in the state dir holding the owner's pid. A lock
// whose owner is gone is taken over.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError } from './errors.js';
import { isAlive } from './processes.js';

export const LOCK_FILE = 'lock';

export interface LabLock {
  release(): Promise<void>;
}

/** Taking a free lock is synchronous: a few small file operations, no thread-pool round trips on
 * the way to the engines' start. */
export async function lockLab(stateDir: string, timeoutMs = 120_000): Promise<LabLock> {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return { release: () => unlink(file).catch(() => {}) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(owner) || owner <= 0 || !(await isAlive(owner))) {
      await unlink(file).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) throw new LabError(`lab in ${stateDir} is busy: pid ${owner} holds ${file}`);
    await sleep(100);
  }
}
