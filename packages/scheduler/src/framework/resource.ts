// Resource amounts as plain numbers (milli-CPU, bytes, counts) for the hot path; parsed once per pod
// and per node from the API's quantities (packages/api quantity.ts), as Kubernetes' framework.Resource.
import { parseQuantity, type Container, type Pod, type ResourceList } from '@skiff/api';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** The requests of a container without a cpu request count as this much for scoring (Kubernetes). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** The requests of a container without a memory request count as this much for scoring (200Mi). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  /** Only meaningful for allocatable: the number of pods the node takes. */
  allowedPodNumber = 0;
  /** Extended resources (example.com/gpu), whole units. */
  scalar: Map<string, number> | undefined;

  get(name: string): number {
    switch (name) {
      case CPU:
        return this.milliCPU;
      case MEMORY:
        return this.memory;
      case EPHEMERAL_STORAGE:
        return this.ephemeralStorage;
      case PODS:
        return this.allowedPodNumber;
      default:
        return this.scalar?.get(name) ?? 0;
    }
  }

  private set(name: string, v: number): void {
    switch (name) {
      case CPU:
        this.milliCPU = v;
        return;
      case MEMORY:
        this.memory = v;
        return;
      case EPHEMERAL_STORAGE:
        this.ephemeralStorage = v;
        return;
      case PODS:
        this.allowedPodNumber = v;
        return;
      default:
        (this.scalar ??= new Map()).set(name, v);
    }
  }

  /** this += sign * other (pods count excluded). */
  addScaled(other: Resource, sign: 1 | -1): void {
    this.milliCPU += sign * other.milliCPU;
    this.memory += sign * other.memory;
    this.ephemeralStorage += sign * other.ephemeralStorage;
    if (other.scalar) for (const [k, v] of other.scalar) this.set(k, this.get(k) + sign * v);
  }

  /** this = max(this, other) per resource. */
  setMax(other: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, other.milliCPU);
    this.memory = Math.max(this.memory, other.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, other.ephemeralStorage);
    if (other.scalar) for (const [k, v] of other.scalar) this.set(k, Math.max(this.get(k), v));
  }

  clone(): Resource {
    const r = new Resource();
    r.milliCPU = this.milliCPU;
    r.memory = this.memory;
    r.ephemeralStorage = this.ephemeralStorage;
    r.allowedPodNumber = this.allowedPodNumber;
    if (this.scalar) r.scalar = new Map(this.scalar);
    return r;
  }

  /** this = other, in place (a snapshot's NodeInfo reuses its objects). */
  copyFrom(other: Resource): void {
    this.milliCPU = other.milliCPU;
    this.memory = other.memory;
    this.ephemeralStorage = other.ephemeralStorage;
    this.allowedPodNumber = other.allowedPodNumber;
    if (other.scalar?.size) this.scalar = new Map(other.scalar);
    else if (this.scalar) this.scalar = undefined;
  }

  /** Reads a ResourceList: cpu in milli-units, everything else in whole units (rounded up). */
  static fromList(list: ResourceList | undefined): Resource {
    const r = new Resource();
    for (const [name, q] of Object.entries(list ?? {})) {
      const quantity = parseQuantity(q);
      r.set(name, Number(name === CPU ? quantity.milli() : quantity.value()));
    }
    return r;
  }
}

/** A pod's requests as Kubernetes counts them, and the same with non-zero defaults (for scoring). */
export interface PodRequests {
  requests: Resource;
  nonZero: Resource;
}

/**
 * A pod's requests as Kubernetes counts them (resourcehelper.PodRequests): per resource, the larger
 * of the sum over app containers and the largest init container; plus spec.overhead. `nonZero` is the
 * scoring view: containers without a cpu or memory request count as 100m / 200Mi. Both in one pass
 * over the containers, each quantity parsed once.
 */
export function podRequestsAndNonZero(pod: Pod): PodRequests {
  const requests = new Resource();
  const nonZero = new Resource();
  const add = (c: Container, init: boolean): void => {
    const list = c.resources?.requests;
    const r = Resource.fromList(list);
    const cpu = list?.[CPU] === undefined ? DEFAULT_MILLI_CPU_REQUEST : r.milliCPU;
    const memory = list?.[MEMORY] === undefined ? DEFAULT_MEMORY_REQUEST : r.memory;
    if (init) {
      requests.setMax(r);
      nonZero.setMax(r);
      nonZero.milliCPU = Math.max(nonZero.milliCPU, cpu);
      nonZero.memory = Math.max(nonZero.memory, memory);
    } else {
      requests.addScaled(r, 1);
      nonZero.addScaled(r, 1);
      nonZero.milliCPU += cpu - r.milliCPU;
      nonZero.memory += memory - r.memory;
    }
  };
  for (const c of pod.spec?.containers ?? []) add(c, false);
  for (const c of pod.spec?.initContainers ?? []) add(c, true);
  if (pod.spec?.overhead) {
    const o = Resource.fromList(pod.spec.overhead);
    requests.addScaled(o, 1);
    nonZero.addScaled(o, 1);
  }
  return { requests, nonZero };
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const r = Resource.fromList(c.resources?.requests);
  if (nonZero) {
    const req = c.resources?.requests ?? {};
    if (req[CPU] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (req[MEMORY] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * A pod's requests as Kubernetes counts them (resourcehelper.PodRequests): per resource, the larger
 * of the sum over app containers and the largest init container; plus spec.overhead. With `nonZero`,
 * containers without a cpu or memory request count as 100m / 200Mi (the scoring view).
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const sum = new Resource();
  for (const c of pod.spec?.containers ?? []) sum.addScaled(containerRequests(c, nonZero), 1);
  for (const c of pod.spec?.initContainers ?? []) sum.setMax(containerRequests(c, nonZero));
  if (pod.spec?.overhead) sum.addScaled(Resource.fromList(pod.spec.overhead), 1);
  return sum;
}
