// Options shared by up, down and status, and how they resolve to names and paths.
import { resolve } from 'node:path';
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

export function resolveOptions(o: LabOptions): Resolved {
  const names = labNames(o.name ?? DEFAULT_LAB_NAME);
  return {
    names,
    stateDir: resolve(o.stateDir ?? defaultStateDir(names.lab)),
    runner: o.runner ?? new HostRunner(),
    log: o.log ?? (() => {}),
  };
}
