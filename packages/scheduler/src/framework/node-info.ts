// A node with the pods the scheduler knows on it and what they use (Kubernetes' framework.NodeInfo).
// Every change bumps `generation` from one process-wide counter, which lets the cache copy only the
// NodeInfos changed since the last snapshot.
import type { Node, Pod, Taint } from '@skiff/api';
import { podInfoOf, type HostPort, type PodInfo } from './pod-info.js';
import { Resource } from './resource.js';

let generationCounter = 0;

/** The next value of the process-wide generation counter. */
export function nextGeneration(): number {
  return ++generationCounter;
}

/** Host ports in use: "PROTOCOL/port" -> the IPs bound ("0.0.0.0" for all). */
export class HostPortUsage {
  private readonly used = new Map<string, string[]>();

  add(p: HostPort): void {
    const k = `${p.protocol}/${p.port}`;
    const ips = this.used.get(k);
    if (ips) ips.push(p.ip);
    else this.used.set(k, [p.ip]);
  }

  remove(p: HostPort): void {
    const k = `${p.protocol}/${p.port}`;
    const ips = this.used.get(k);
    if (!ips) return;
    const i = ips.indexOf(p.ip);
    if (i >= 0) ips.splice(i, 1);
    if (ips.length === 0) this.used.delete(k);
  }

  /** Whether `p` clashes: same protocol and port, and the same IP or either side on 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    const ips = this.used.get(`${p.protocol}/${p.port}`);
    if (!ips) return false;
    return p.ip === '0.0.0.0' || ips.some((ip) => ip === p.ip || ip === '0.0.0.0');
  }

  get size(): number {
    return this.used.size;
  }

  clone(): HostPortUsage {
    const c = new HostPortUsage();
    c.copyFrom(this);
    return c;
  }

  /** this = other, in place. */
  copyFrom(other: HostPortUsage): void {
    if (this.used.size === 0 && other.used.size === 0) return;
    this.used.clear();
    for (const [k, v] of other.used) this.used.set(k, [...v]);
  }
}

/** "nginx" -> "nginx:latest" as the kubelet stores it; a tag or digest is kept. */
export function normalizedImageName(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  const tail = name.slice(lastSlash + 1);
  return tail.includes(':') || tail.includes('@') ? name : `${name}:latest`;
}

/**
 * The numbers the resource filter and scores read for every node of a cycle, as one row of doubles
 * in `NodeInfo.row` (indexes below): reading them from the Resource objects took a pointer to each
 * object and to each boxed double (memory sizes), scattered over the heap, for a few comparisons
 * per node; the row is one small block. Kept equal to `allocatable`, `pods.length`, `requested`
 * and `nonZeroRequested` by every change of the NodeInfo.
 */
export const ROW = {
  allowedPods: 0,
  pods: 1,
  allocatableMilliCPU: 2,
  allocatableMemory: 3,
  allocatableEphemeralStorage: 4,
  requestedMilliCPU: 5,
  requestedMemory: 6,
  requestedEphemeralStorage: 7,
  nonZeroMilliCPU: 8,
  nonZeroMemory: 9,
} as const;
const ROW_LENGTH = 10;

/** `to` = `from`, reusing `to`'s array. */
function copyArray<T>(to: T[], from: readonly T[]): void {
  to.length = from.length;
  for (let i = 0; i < from.length; i++) to[i] = from[i];
}

export class NodeInfo {
  node: Node | undefined;
  /** node.spec.unschedulable (cordoned), read once per node change: the filters read it per node and cycle. */
  unschedulable = false;
  /** node.spec.taints (undefined when none), as `unschedulable`. */
  taints: Taint[] | undefined;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortUsage();
  /** Sum of the pods' requests. */
  requested = new Resource();
  /** Sum with 100m / 200Mi for containers without requests: what scoring uses. */
  nonZeroRequested = new Resource();
  allocatable = new Resource();
  /** Normalized image name -> size in bytes, from node.status.images. */
  imageSizes = new Map<string, number>();
  /** allocatable, pods.length, requested and nonZeroRequested as one row of doubles (ROW). */
  readonly row = new Float64Array(ROW_LENGTH);
  generation = nextGeneration();

  constructor(node?: Node, pods: Pod[] = []) {
    if (node) this.setNode(node);
    for (const p of pods) this.addPod(p);
  }

  get name(): string {
    return this.node?.metadata.name ?? '';
  }

  setNode(node: Node): void {
    this.node = node;
    this.unschedulable = !!node.spec?.unschedulable;
    this.taints = node.spec?.taints?.length ? node.spec.taints : undefined;
    this.allocatable = Resource.fromList(node.status?.allocatable);
    this.syncRow();
    this.imageSizes = new Map();
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) this.imageSizes.set(normalizedImageName(n), img.sizeBytes ?? 0);
    }
    this.generation = nextGeneration();
  }

  addPod(pod: Pod): void {
    this.addPodInfo(podInfoOf(pod));
  }

  addPodInfo(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.hasAffinity) this.podsWithAffinity.push(pi);
    if (pi.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.push(pi);
    this.update(pi, 1);
  }

  /** Removes the pod with this key; false when it is not on the node. */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const pi = this.pods[i];
    this.pods.splice(i, 1);
    this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.key !== key);
    this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.key !== key);
    this.update(pi, -1);
    return true;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    this.requested.addScaled(pi.requests, sign);
    this.nonZeroRequested.addScaled(pi.nonZeroRequests, sign);
    this.syncRow();
    for (const p of pi.hostPorts) {
      if (sign > 0) this.usedPorts.add(p);
      else this.usedPorts.remove(p);
    }
    this.generation = nextGeneration();
  }

  /** A copy for a snapshot: arrays and sums are copied, pod objects shared (read-only). */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.copyFrom(this);
    return c;
  }

  /**
   * this = other, in place: the arrays and sums are copied into this NodeInfo's own (pod objects,
   * the Node, allocatable and images shared, read-only). The cache updates its snapshot this way, so
   * a cycle allocates nothing for the NodeInfos that changed since the last one.
   */
  copyFrom(other: NodeInfo): void {
    this.node = other.node;
    this.unschedulable = other.unschedulable;
    this.taints = other.taints;
    copyArray(this.pods, other.pods);
    copyArray(this.podsWithAffinity, other.podsWithAffinity);
    copyArray(this.podsWithRequiredAntiAffinity, other.podsWithRequiredAntiAffinity);
    this.usedPorts.copyFrom(other.usedPorts);
    this.requested.copyFrom(other.requested);
    this.nonZeroRequested.copyFrom(other.nonZeroRequested);
    this.allocatable = other.allocatable;
    this.imageSizes = other.imageSizes;
    this.row.set(other.row);
    this.generation = other.generation;
  }

  private syncRow(): void {
    const r = this.row;
    const a = this.allocatable;
    const q = this.requested;
    r[ROW.allowedPods] = a.allowedPodNumber;
    r[ROW.pods] = this.pods.length;
    r[ROW.allocatableMilliCPU] = a.milliCPU;
    r[ROW.allocatableMemory] = a.memory;
    r[ROW.allocatableEphemeralStorage] = a.ephemeralStorage;
    r[ROW.requestedMilliCPU] = q.milliCPU;
    r[ROW.requestedMemory] = q.memory;
    r[ROW.requestedEphemeralStorage] = q.ephemeralStorage;
    r[ROW.nonZeroMilliCPU] = this.nonZeroRequested.milliCPU;
    r[ROW.nonZeroMemory] = this.nonZeroRequested.memory;
  }
}
