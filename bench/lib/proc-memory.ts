// Where a process's resident memory lies, from /proc: its anonymous pages (the JS heap, malloc,
// thread stacks: the process's own) and its file-backed pages (mostly the node binary's code and
// data, shared by every Node process on the machine). Two Skiff processes on one node share those
// file pages, so adding their RSS counts them twice; `nodeMemoryMb` counts them once.
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** VmRSS, MB (MiB) */
  rssMb: number;
  /** RssAnon: the process's own pages */
  anonMb: number;
  /** RssFile: pages of mapped files (the node binary, shared libraries), shared with other processes */
  fileMb: number;
}

const MB = 1024;

/** The KB figures of /proc/PID/status, read once: `kb('VmRSS')` (NaN for a field it lacks). */
export function procStatusKb(pid: number): (field: string) => number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
}

export function procMemory(pid: number): ProcMemory {
  const kb = procStatusKb(pid);
  return { rssMb: kb('VmRSS') / MB, anonMb: kb('RssAnon') / MB, fileMb: (kb('RssFile') + kb('RssShmem')) / MB };
}

/** Resident KB of each mapped file of a process (/proc/PID/smaps). */
function fileRssKb(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let file: string | undefined;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (m) {
      // inode 0: anonymous or a pseudo mapping ([heap], [stack]), counted in RssAnon
      file = m[1] !== '0' && m[2]!.startsWith('/') ? m[2]! : undefined;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && file) out.set(file, (out.get(file) ?? 0) + Number(rss[1]));
  }
  return out;
}

/**
 * The resident memory of processes that run together on one node, with the pages of a file they
 * all map counted once: the sum of their anonymous pages plus, per mapped file, the most any of them
 * has resident (a lower bound of the union of their file pages; their RSS sum is the upper one).
 */
export function nodeMemoryMb(pids: number[]): number {
  let anonKb = 0;
  const files = new Map<string, number>();
  for (const pid of pids) {
    anonKb += procMemory(pid).anonMb * MB;
    for (const [f, kb] of fileRssKb(pid)) files.set(f, Math.max(files.get(f) ?? 0, kb));
  }
  let fileKb = 0;
  for (const kb of files.values()) fileKb += kb;
  return (anonKb + fileKb) / MB;
}
