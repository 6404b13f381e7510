// Eviction under node pressure (the kubelet's eviction manager): every housekeeping period the
// node's figures are compared with the hard (`--eviction-hard`) and soft (`--eviction-soft`)
// thresholds. A hard threshold acts as soon as it is met; a soft one once it has been met without a
// break for its grace period (`--eviction-soft-grace-period`). While a memory threshold acts
// (memory.available) the pods are ranked as the kubelet's rankMemoryPressure does (first those whose
// usage exceeds their requests, then by priority, lowest first, then by usage above requests,
// largest first) and the first one is evicted; nodefs (nodefs.available, nodefs.inodesFree) the
// same with disk usage and ephemeral-storage requests, after the node's own reclaim (unused images
// and dead containers) did not suffice. At most one pod per period, as the kubelet, never a critical
// one. The evicted pod fails with reason Evicted and the kubelet's message; its containers get the
// kubelet's grace period: 1 s for a hard threshold, for a soft one the pod's own
// terminationGracePeriodSeconds capped by `--eviction-max-pod-grace-period` (a negative cap: the
// pod's own).
import { toMilli, type Pod } from '@skiff/api';
import type { NodeFigures, Threshold } from '../node/pressure.js';
import { isCriticalPod } from './critical-pod.js';
import { IMMEDIATE_EVICTION_GRACE_SECONDS } from './local-storage.js';

export type StarvedResource = 'memory' | 'ephemeral-storage';

/** what a pod's containers use now (bytes); a container without a figure is left out */
export interface PodUsageFigures {
  containers: { name: string; memoryBytes?: number; diskBytes?: number }[];
}

export interface PressureEvictionOptions {
  /** hard and soft */
  thresholds: readonly Threshold[];
  figures: () => Promise<NodeFigures>;
  /** usage per pod uid */
  usage: () => Promise<Map<string, PodUsageFigures>>;
  pods: () => readonly Pod[];
  evict: (pod: Pod, message: string, graceSeconds: number) => void;
  /** frees what the node itself holds (images, dead containers) before a pod is evicted for disk */
  reclaimDisk?: () => Promise<void>;
  /** the cap on a soft eviction's grace period (`--eviction-max-pod-grace-period`, default 0) */
  maxPodGracePeriodSeconds?: number;
  /** ms; default Date.now */
  now?: () => number;
}

/** bytes as a binary-SI quantity, as Go's resource.Quantity prints it ("100Mi", "1536") */
export function binaryQuantity(bytes: number): string {
  const units = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let v = Math.round(bytes);
  let unit = '';
  for (const u of units) {
    if (v === 0 || v % 1024 !== 0) break;
    v /= 1024;
    unit = u;
  }
  return `${v}${unit}`;
}

interface Met {
  threshold: Threshold;
  resource: StarvedResource;
  /** the threshold as a quantity and what is available, for the message (none for inodes) */
  quantity?: number;
  available?: number;
}

function isHard(t: Threshold): boolean {
  return !t.gracePeriodMs;
}

/** the thresholds met by the figures (regardless of grace periods): memory first, then disk; hard before soft */
export function thresholdsMet(f: NodeFigures, thresholds: readonly Threshold[]): Met[] {
  const out: Met[] = [];
  const limit = (t: Threshold, capacity: number) => (t.percent !== undefined ? (capacity * t.percent) / 100 : (t.bytes ?? 0));
  for (const t of thresholds) {
    if (t.signal === 'memory.available' && f.memoryCapacityBytes > 0 && f.memoryAvailableBytes < limit(t, f.memoryCapacityBytes))
      out.push({ threshold: t, resource: 'memory', quantity: limit(t, f.memoryCapacityBytes), available: f.memoryAvailableBytes });
    if ((t.signal === 'nodefs.available' || t.signal === 'imagefs.available') && f.nodefsCapacityBytes > 0 && f.nodefsAvailableBytes < limit(t, f.nodefsCapacityBytes))
      out.push({ threshold: t, resource: 'ephemeral-storage', quantity: limit(t, f.nodefsCapacityBytes), available: f.nodefsAvailableBytes });
    if (t.signal === 'nodefs.inodesFree' && f.nodefsInodes > 0 && f.nodefsInodesFree < limit(t, f.nodefsInodes)) out.push({ threshold: t, resource: 'ephemeral-storage' });
  }
  const rank = (m: Met) => (m.resource === 'memory' ? 0 : 2) + (isHard(m.threshold) ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b));
}

/** the grace period the evicted pod's containers get */
export function evictionGraceSeconds(t: Threshold, pod: Pod, maxPodGracePeriodSeconds: number): number {
  if (isHard(t)) return IMMEDIATE_EVICTION_GRACE_SECONDS;
  const own = pod.spec?.terminationGracePeriodSeconds;
  if (maxPodGracePeriodSeconds < 0) return own ?? 30;
  return own === undefined ? maxPodGracePeriodSeconds : Math.min(maxPodGracePeriodSeconds, own);
}

function request(pod: Pod, container: string, resource: StarvedResource): number {
  const q = pod.spec?.containers.find((c) => c.name === container)?.resources?.requests?.[resource];
  return q ? Number(toMilli(q) / 1000n) : 0;
}

function used(u: PodUsageFigures['containers'][number], resource: StarvedResource): number | undefined {
  return resource === 'memory' ? u.memoryBytes : u.diskBytes;
}

/** usage minus requests of the whole pod (containers with a figure) */
function aboveRequests(pod: Pod, usage: PodUsageFigures | undefined, resource: StarvedResource): number {
  let total = 0;
  for (const c of usage?.containers ?? []) {
    const u = used(c, resource);
    if (u !== undefined) total += u - request(pod, c.name, resource);
  }
  return total;
}

/** The kubelet's ranking: exceeds requests first, then lower priority, then more usage above requests. */
export function rankForEviction(pods: readonly Pod[], usage: Map<string, PodUsageFigures>, resource: StarvedResource): Pod[] {
  const key = (p: Pod) => {
    const above = aboveRequests(p, usage.get(p.metadata.uid ?? ''), resource);
    return { exceeds: above > 0 ? 0 : 1, priority: p.spec?.priority ?? 0, above };
  };
  return pods
    .map((p) => ({ p, k: key(p) }))
    .sort((a, b) => a.k.exceeds - b.k.exceeds || a.k.priority - b.k.priority || b.k.above - a.k.above)
    .map((x) => x.p);
}

/** The kubelet's evictionMessage. */
export function evictionMessage(met: Met, pod: Pod, usage: PodUsageFigures | undefined): string {
  let message = `The node was low on resource: ${met.resource}. `;
  if (met.quantity !== undefined && met.available !== undefined) message += `Threshold quantity: ${binaryQuantity(met.quantity)}, available: ${binaryQuantity(met.available)}. `;
  for (const c of usage?.containers ?? []) {
    if (!pod.spec?.containers.some((s) => s.name === c.name)) continue;
    const u = used(c, met.resource);
    const r = request(pod, c.name, met.resource);
    if (u !== undefined && u > r) message += `Container ${c.name} was using ${binaryQuantity(u)}, request is ${binaryQuantity(r)}, has larger consumption of ${met.resource}. `;
  }
  return message;
}

function active(p: Pod): boolean {
  const phase = p.status?.phase;
  return !p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export class PressureEviction {
  /** when each threshold met now was first seen met (one that stops being met starts over) */
  private firstObservedMs = new Map<Threshold, number>();

  constructor(private readonly o: PressureEvictionOptions) {}

  /** Evicts at most one pod when a hard threshold, or a soft one past its grace period, is met; its message, if any. */
  async check(): Promise<string[]> {
    if (this.o.thresholds.length === 0) return [];
    const now = (this.o.now ?? Date.now)();
    const observed = thresholdsMet(await this.o.figures(), this.o.thresholds);
    const first = new Map<Threshold, number>();
    for (const m of observed) first.set(m.threshold, this.firstObservedMs.get(m.threshold) ?? now);
    this.firstObservedMs = first;
    let met = observed.filter((m) => now - (first.get(m.threshold) ?? now) >= (m.threshold.gracePeriodMs ?? 0));
    if (met.length === 0) return [];
    if (met[0]!.resource === 'ephemeral-storage' && this.o.reclaimDisk) {
      await this.o.reclaimDisk();
      // as the kubelet: after the node's own reclaim, only thresholds still met (whatever their grace) evict
      const after = thresholdsMet(await this.o.figures(), this.o.thresholds);
      met = met.flatMap((m) => after.filter((a) => a.threshold === m.threshold));
      if (met.length === 0) return [];
    }
    const target = met[0]!;
    const pods = this.o.pods().filter(active);
    if (pods.length === 0) return [];
    const usage = await this.o.usage();
    const victim = rankForEviction(pods, usage, target.resource).find((p) => !isCriticalPod(p));
    if (!victim) return [];
    const message = evictionMessage(target, victim, usage.get(victim.metadata.uid ?? ''));
    this.o.evict(victim, message, evictionGraceSeconds(target.threshold, victim, this.o.maxPodGracePeriodSeconds ?? 0));
    return [`${victim.metadata.namespace ?? ''}/${victim.metadata.name ?? ''}: ${message}`];
  }
}
