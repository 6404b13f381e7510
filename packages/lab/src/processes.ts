// Processes the lab started: found by pidfile, or, for leftovers whose pidfile is gone, by what ties
// them to this lab alone (its node namespaces, its cgroup parents, paths under its state dir).
// Never by a process name pattern.
import { readdir, readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export async function readPidfile(file: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const s = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export async function cmdline(pid: number): Promise<string[]> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a.length > 0);
  } catch {
    return [];
  }
}

/** Inode of a network namespace file (/run/netns/NAME or /proc/PID/ns/net); undefined when absent. */
export async function netnsInode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch {
    return undefined;
  }
}

/** The pid in `pidfile` when that process is alive and its command line names the pidfile. */
export async function pidFromPidfile(pidfile: string): Promise<number | undefined> {
  const pid = await readPidfile(pidfile);
  if (pid === undefined || !(await isAlive(pid))) return undefined;
  const args = await cmdline(pid);
  return args.some((a) => a.includes(pidfile)) ? pid : undefined;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when all are gone (or after a last KILL wait). */
export async function terminate(pids: readonly number[], graceMs: number): Promise<void> {
  const signal = (p: number, s: NodeJS.Signals) => {
    try {
      process.kill(p, s);
    } catch {}
  };
  for (const p of pids) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = [...pids];
  while (left.length > 0) {
    left = (await Promise.all(left.map(async (p) => ((await isAlive(p)) ? p : -1)))).filter((p) => p > 0);
    if (left.length === 0) return;
    if (Date.now() > deadline) break;
    await sleep(25);
  }
  for (const p of left) signal(p, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (left.length > 0 && Date.now() < killDeadline) {
    left = (await Promise.all(left.map(async (p) => ((await isAlive(p)) ? p : -1)))).filter((p) => p > 0);
    await sleep(25);
  }
}

export interface LabProcessMarks {
  /** inodes of the lab's node namespaces */
  netnsInodes: Set<number>;
  /** cgroup parent names of the lab's engines */
  cgroupParents: string[];
  /** a process whose command line names this path (or one under it) belongs to the lab */
  pathPrefix: string;
}

function ancestors(): Set<number> {
  return new Set([process.pid, process.ppid]);
}

/** Every live process tied to the lab by namespace, cgroup or a path argument under its node dirs. */
export async function findLabProcesses(marks: LabProcessMarks): Promise<number[]> {
  const skip = ancestors();
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    if (skip.has(pid) || !(await isAlive(pid))) continue;
    const ino = await netnsInode(`/proc/${pid}/ns/net`);
    if (ino !== undefined && marks.netnsInodes.has(ino)) {
      found.push(pid);
      continue;
    }
    if ((await cmdline(pid)).some((a) => a.includes(marks.pathPrefix))) {
      found.push(pid);
      continue;
    }
    let cg = '';
    try {
      cg = await readFile(`/proc/${pid}/cgroup`, 'utf8');
    } catch {}
    if (marks.cgroupParents.some((c) => cg.includes(`/${c}/`))) found.push(pid);
  }
  return found;
}
