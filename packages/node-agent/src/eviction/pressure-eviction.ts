// Eviction under node pressure (the kubelet's eviction manager, hard thresholds only): every
// housekeeping period the node's figures are compared with `--eviction-hard`; while a memory
// threshold is crossed (memory.available) the pods are ranked as the kubelet's rankMemoryPressure
// does (first those whose usage exceeds their requests, then by priority, lowest first, then by usage
// above requests, largest first) and the first one is evicted; nodefs (nodefs.available,
// nodefs.inodesFree) the same with disk usage and ephemeral-storage requests, after the node's own
// reclaim (unused images and dead containers) did not suffice. At most one pod per period, as the
// kubelet. The evicted pod fails with reason Evicted and the kubelet's message.
import { toMilli, type Pod } from '@skiff/api';
import type { NodeFigures, Threshold } from '../node/pressure.js';

export type StarvedResource = 'memory' | 'ephemeral-storage';

/** what a pod's containers use now (bytes); a container without a figure is left out */
export interface PodUsageFigures {
  containers: { name: string; memoryBytes?: number; diskBytes?: number }[];
}

export interface PressureEvictionOptions {
  thresholds: readonly Threshold[];
  figures: () => Promise<NodeFigures>;
  /** usage per pod uid */
  usage: () => Promise<Map<string, PodUsageFigures>>;
  pods: () => readonly Pod[];
  evict: (pod: Pod, message: string) => void;
  /** frees what the node itself holds (images, dead containers) before a pod is evicted for disk */
  reclaimDisk?: () => Promise<void>;
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
  resource: StarvedResource;
  /** the threshold as a quantity and what is available, for the message (none for inodes) */
  quantity?: number;
  available?: number;
}

/** which resource is starved: memory first, then disk */
export function thresholdsMet(f: NodeFigures, thresholds: readonly Threshold[]): Met[] {
  const out: Met[] = [];
  const limit = (t: Threshold, capacity: number) => (t.percent !== undefined ? (capacity * t.percent) / 100 : (t.bytes ?? 0));
  for (const t of thresholds) {
    if (t.signal === 'memory.available' && f.memoryCapacityBytes > 0 && f.memoryAvailableBytes < limit(t, f.memoryCapacityBytes))
      out.push({ resource: 'memory', quantity: limit(t, f.memoryCapacityBytes), available: f.memoryAvailableBytes });
    if ((t.signal === 'nodefs.available' || t.signal === 'imagefs.available') && f.nodefsCapacityBytes > 0 && f.nodefsAvailableBytes < limit(t, f.nodefsCapacityBytes))
      out.push({ resource: 'ephemeral-storage', quantity: limit(t, f.nodefsCapacityBytes), available: f.nodefsAvailableBytes });
    if (t.signal === 'nodefs.inodesFree' && f.nodefsInodes > 0 && f.nodefsInodesFree < limit(t, f.nodefsInodes)) out.push({ resource: 'ephemeral-storage' });
  }
  return out.sort((a, b) => (a.resource === b.resource ? 0 : a.resource === 'memory' ? -1 : 1));
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
  constructor(private readonly o: PressureEvictionOptions) {}

  /** Evicts at most one pod when a hard threshold is crossed; its message, if any. */
  async check(): Promise<string[]> {
    if (this.o.thresholds.length === 0) return [];
    let met = thresholdsMet(await this.o.figures(), this.o.thresholds);
    if (met.length === 0) return [];
    if (met[0]!.resource === 'ephemeral-storage' && this.o.reclaimDisk) {
      await this.o.reclaimDisk();
      met = thresholdsMet(await this.o.figures(), this.o.thresholds);
      if (met.length === 0) return [];
    }
    const first = met[0]!;
    const pods = this.o.pods().filter(active);
    if (pods.length === 0) return [];
    const usage = await this.o.usage();
    const victim = rankForEviction(pods, usage, first.resource)[0]!;
    const message = evictionMessage(first, victim, usage.get(victim.metadata.uid ?? ''));
    this.o.evict(victim, message);
    return [`${victim.metadata.namespace ?? ''}/${victim.metadata.name ?? ''}: ${message}`];
  }
}
