// Starting, reloading and stopping the supervisor daemon of a state folder.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatePaths } from '../state-dir.js';
import { liveCmdline, readPidfile, removePidfile, terminate } from './proc.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** The supervisor's command line for a state folder. */
export function supervisorArgv(paths: StatePaths): string[] {
  return [process.execPath, MAIN, 'supervise', '--state-dir', paths.dir];
}

function isSupervisor(paths: StatePaths, cmd: readonly string[]): boolean {
  return cmd.includes('supervise') && cmd.includes(paths.dir);
}

/** The pid of the state folder's supervisor when it runs. */
export function supervisorPid(paths: StatePaths): number | undefined {
  const pid = readPidfile(paths.supervisorPid);
  if (pid === undefined) return undefined;
  const cmd = liveCmdline(pid);
  return cmd && isSupervisor(paths, cmd) ? pid : undefined;
}

/** Tells a running supervisor to re-read its table, or starts one; says which. */
export function ensureSupervisor(paths: StatePaths): 'reloaded' | 'started' {
  const pid = supervisorPid(paths);
  if (pid !== undefined) {
    process.kill(pid, 'SIGHUP');
    return 'reloaded';
  }
  const argv = supervisorArgv(paths);
  const fd = openSync(paths.supervisorLog, 'a');
  try {
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
  } finally {
    closeSync(fd);
  }
  return 'started';
}

/** Stops the supervisor, which stops its processes first; true when one ran. */
export async function stopSupervisor(paths: StatePaths, graceMs: number): Promise<boolean> {
  const pid = supervisorPid(paths);
  if (pid === undefined) {
    removePidfile(paths.supervisorPid);
    return false;
  }
  await terminate(pid, graceMs, (cmd) => isSupervisor(paths, cmd));
  removePidfile(paths.supervisorPid);
  return true;
}
