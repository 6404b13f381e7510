// The supervisor's process table on disk (<state>/processes.json) and its status file, written
// atomically (a reader never sees half a file).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ProcessSpec } from '../process-spec.js';

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, path);
}

/** What `up` asks for; each write has a new generation, which the status echoes once applied. */
export interface ProcessTable {
  generation: number;
  processes: ProcessSpec[];
}

export function readTable(path: string): ProcessTable {
  if (!existsSync(path)) return { generation: 0, processes: [] };
  const t = JSON.parse(readFileSync(path, 'utf8')) as ProcessTable | ProcessSpec[];
  return Array.isArray(t) ? { generation: 0, processes: t } : t;
}

/** Writes the table with the next generation; returns it. */
export function writeTable(path: string, processes: ProcessSpec[]): number {
  const generation = readTable(path).generation + 1;
  writeJsonAtomic(path, { generation, processes } satisfies ProcessTable);
  return generation;
}

/** One process as the supervisor last saw it (<state>/supervisor-status.json). */
export interface ProcessStatus {
  name: string;
  pid?: number;
  ready: boolean;
  restarts: number;
  /** what stops it from starting, when it waits */
  waitingFor?: string;
  lastExit?: string;
}

export interface SupervisorStatus {
  /** the generation of the table last applied */
  generation: number;
  processes: ProcessStatus[];
}

export function readStatus(path: string): SupervisorStatus {
  if (!existsSync(path)) return { generation: 0, processes: [] };
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SupervisorStatus;
  } catch {
    return { generation: 0, processes: [] };
  }
}
