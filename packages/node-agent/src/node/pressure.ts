// MemoryPressure and DiskPressure from the node's real figures, as the kubelet's eviction manager
// sets them from its thresholds, hard (defaults `memory.available<100Mi,nodefs.available<10%,
// imagefs.available<15%,nodefs.inodesFree<5%`) and soft (`--eviction-soft`: a condition is set as
// soon as a soft threshold is met, before its grace period ran out): memory.available is the kernel's MemAvailable, nodefs the filesystem of
// the agent's root directory. A condition stays True for the pressure transition period (5 min)
// after its threshold was last crossed, so it does not flap. (The node lifecycle controller turns
// the conditions into node.kubernetes.io/memory-pressure and disk-pressure NoSchedule taints.)
import { readFile, statfs } from 'node:fs/promises';
import { toMilli } from '@skiff/api';
import { parseGoDuration } from '../go-duration.js';

export const DEFAULT_EVICTION_HARD = 'memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,nodefs.inodesFree<5%';
export const PRESSURE_TRANSITION_PERIOD_MS = 5 * 60_000;

/** imagefs is taken as the filesystem of the agent's root directory too (a lab node's dockerd keeps its data there) */
export type EvictionSignal = 'memory.available' | 'nodefs.available' | 'imagefs.available' | 'nodefs.inodesFree';

/** a threshold is an absolute quantity or a percentage of the capacity */
export interface Threshold {
  signal: EvictionSignal;
  bytes?: number;
  percent?: number;
  /** a soft threshold (`--eviction-soft`) must be met this long before a pod is evicted; 0 or none: hard */
  gracePeriodMs?: number;
}

const SIGNALS: readonly EvictionSignal[] = ['memory.available', 'nodefs.available', 'imagefs.available', 'nodefs.inodesFree'];

function signalOf(name: string): EvictionSignal {
  if (!(SIGNALS as readonly string[]).includes(name)) throw new Error(`unsupported eviction signal ${JSON.stringify(name)}: one of ${SIGNALS.join(', ')}`);
  return name as EvictionSignal;
}

/** `memory.available<100Mi,nodefs.available<10%` → thresholds; throws with the bad part */
export function parseEvictionHard(spec: string): Threshold[] {
  if (spec.trim() === '') return [];
  const seen = new Set<string>();
  return spec.split(',').map((part) => {
    const m = /^\s*([a-zA-Z.]+)\s*<\s*([^\s]+)\s*$/.exec(part);
    if (!m) throw new Error(`invalid eviction threshold ${JSON.stringify(part)}: want SIGNAL<QUANTITY or SIGNAL<PERCENT%`);
    const signal = signalOf(m[1] as string);
    if (seen.has(signal)) throw new Error(`found duplicate eviction threshold for signal ${signal}`);
    seen.add(signal);
    const v = m[2] as string;
    if (v.endsWith('%')) {
      const percent = Number(v.slice(0, -1));
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw new Error(`invalid percentage in ${JSON.stringify(part)}`);
      return { signal, percent };
    }
    return { signal, bytes: Number(toMilli(v) / 1000n) };
  });
}

/**
 * `--eviction-soft` (as `--eviction-hard`) with `--eviction-soft-grace-period`
 * (`memory.available=1m30s,...`, Go durations): each soft threshold needs its grace period, as the
 * kubelet's ParseThresholdConfig says.
 */
export function parseEvictionSoft(spec: string, gracePeriods: string): Threshold[] {
  const periods = new Map<EvictionSignal, number>();
  for (const part of gracePeriods.trim() === '' ? [] : gracePeriods.split(',')) {
    const m = /^\s*([a-zA-Z.]+)\s*=\s*([^\s]+)\s*$/.exec(part);
    if (!m) throw new Error(`invalid eviction grace period ${JSON.stringify(part)}: want SIGNAL=DURATION`);
    const ms = parseGoDuration(m[2] as string);
    if (ms < 0) throw new Error(`invalid eviction grace period specified: ${m[2] as string}, must be a positive value`);
    periods.set(signalOf(m[1] as string), ms);
  }
  return parseEvictionHard(spec).map((t) => {
    const gracePeriodMs = periods.get(t.signal);
    if (gracePeriodMs === undefined) throw new Error(`grace period must be specified for the soft eviction threshold ${t.signal}`);
    return { ...t, gracePeriodMs };
  });
}

export interface NodeFigures {
  memoryAvailableBytes: number;
  memoryCapacityBytes: number;
  nodefsAvailableBytes: number;
  nodefsCapacityBytes: number;
  nodefsInodesFree: number;
  nodefsInodes: number;
}

function crossed(t: Threshold, available: number, capacity: number): boolean {
  const limit = t.percent !== undefined ? (capacity * t.percent) / 100 : (t.bytes ?? 0);
  return capacity > 0 && available < limit;
}

/** which pressures the figures show right now */
export function observePressure(f: NodeFigures, thresholds: readonly Threshold[]): { memory: boolean; disk: boolean } {
  let memory = false;
  let disk = false;
  for (const t of thresholds) {
    if (t.signal === 'memory.available') memory ||= crossed(t, f.memoryAvailableBytes, f.memoryCapacityBytes);
    if (t.signal === 'nodefs.available' || t.signal === 'imagefs.available') disk ||= crossed(t, f.nodefsAvailableBytes, f.nodefsCapacityBytes);
    if (t.signal === 'nodefs.inodesFree') disk ||= crossed(t, f.nodefsInodesFree, f.nodefsInodes);
  }
  return { memory, disk };
}

/** MemAvailable and MemTotal of /proc/meminfo, and the filesystem holding `dir` */
export async function readNodeFigures(dir: string): Promise<NodeFigures> {
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
  const fs = await statfs(dir);
  return {
    memoryAvailableBytes: kb('MemAvailable'),
    memoryCapacityBytes: kb('MemTotal'),
    nodefsAvailableBytes: fs.bavail * fs.bsize,
    nodefsCapacityBytes: fs.blocks * fs.bsize,
    nodefsInodesFree: fs.ffree,
    nodefsInodes: fs.files,
  };
}

/** Keeps a pressure reported for the transition period after it was last observed. */
export class PressureTracker {
  private lastMemoryMs = -Infinity;
  private lastDiskMs = -Infinity;

  constructor(private readonly transitionMs = PRESSURE_TRANSITION_PERIOD_MS) {}

  observe(nowMs: number, seen: { memory: boolean; disk: boolean }): { memoryPressure: boolean; diskPressure: boolean } {
    if (seen.memory) this.lastMemoryMs = nowMs;
    if (seen.disk) this.lastDiskMs = nowMs;
    return { memoryPressure: nowMs - this.lastMemoryMs < this.transitionMs, diskPressure: nowMs - this.lastDiskMs < this.transitionMs };
  }
}
