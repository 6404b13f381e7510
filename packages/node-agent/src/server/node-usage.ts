// The machine's usage from /proc, as the node totals of `skiffctl top nodes`: cpu from two reads of
// /proc/stat's first line (busy = every field but idle and iowait, in USER_HZ ticks of 10 ms) over a
// window, memory as MemTotal - MemAvailable from /proc/meminfo.
import { readFile } from 'node:fs/promises';

export type ReadProc = (path: string) => Promise<string>;
export const readProc: ReadProc = (path) => readFile(path, 'utf8');

const NS_PER_TICK = 10_000_000;

export interface CpuTicks {
  busy: number;
  total: number;
}

export function parseProcStat(text: string): CpuTicks {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('/proc/stat has no cpu line');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const total = f.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

export function parseMeminfo(text: string): { totalBytes: number; workingSetBytes: number } {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal') ?? 0;
  const available = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Cached') ?? 0);
  return { totalBytes: total, workingSetBytes: Math.max(0, total - available) };
}

/** nanocores from two /proc/stat reads `windowSeconds` apart */
export function cpuNanoCores(before: CpuTicks, after: CpuTicks, windowSeconds: number): number {
  if (!(windowSeconds > 0)) return 0;
  return Math.max(0, Math.round(((after.busy - before.busy) * NS_PER_TICK) / windowSeconds));
}
