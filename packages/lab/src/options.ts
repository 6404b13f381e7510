// Options shared by up, down and status, and how they resolve to names and paths.
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HostRunner, type Runner } from './exec.js';
import { DEFAULT_LAB_NAME, labNames, type LabNames } from './names.js';
import { defaultStateDir } from './state.js';

export type LabLog = (msg: string, fields?: Record<string, unknown>) => void;

export interface LabOptions {
  /** lab (cluster) name; default `default` */
  name?: string;
  /** state and logs; default /var/lib/skiff/lab/<name> */
  stateDir?: string;
  runner?: Runner;
  log?: LabLog;
}

export interface Resolved {
  names: LabNames;
  stateDir: string;
  runner: Runner;
  log: LabLog;
}

export const LOG_FILE = 'lab.log';

/** Every log line also goes to `<stateDir>/lab.log` while the state dir exists. */
function withLogFile(stateDir: string, log: LabLog): LabLog {
  return (msg, fields = {}) => {
    log(msg, fields);
    const line = JSON.stringify({ time: new Date().toISOString(), msg, ...fields });
    try {
      appendFileSync(join(stateDir, LOG_FILE), line + '\n', { flag: 'a' });
    } catch {}
  };
}

export function resolveOptions(o: LabOptions): Resolved {
  const names = labNames(o.name ?? DEFAULT_LAB_NAME);
  const stateDir = resolve(o.stateDir ?? defaultStateDir(names.lab));
  return {
    names,
    stateDir,
    runner: o.runner ?? new HostRunner(),
    log: withLogFile(stateDir, o.log ?? (() => {})),
  };
}
