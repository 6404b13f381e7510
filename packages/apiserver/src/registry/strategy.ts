// Per-kind behaviour of writes, as Kubernetes' registry strategies: what the server resets on create,
// what a spec update keeps from the stored object, and what a status update keeps.
import type { KObject, ResourceType } from '@skiff/api';

export interface Strategy {
  /** Resets fields a client may not set on create (status of most kinds). */
  prepareForCreate(obj: KObject): void;
}

const clearStatus: Strategy = {
  prepareForCreate(obj) {
    delete obj.status;
  },
};

const keepAll: Strategy = { prepareForCreate() {} };

const strategies: Record<string, Strategy> = {
  Deployment: clearStatus,
  ReplicaSet: clearStatus,
  Service: clearStatus,
  Pod: {
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending' };
    },
  },
  Namespace: {
    prepareForCreate(obj) {
      obj.status = { phase: 'Active' };
      const spec = (obj.spec ?? {}) as { finalizers?: string[] };
      if (!spec.finalizers) spec.finalizers = ['kubernetes'];
      obj.spec = spec;
    },
  },
};

export function strategyFor(t: ResourceType): Strategy {
  return strategies[t.kind] ?? keepAll;
}

/** Whether the spec differs (generation is bumped on spec changes only). */
export function specChanged(a: KObject, b: KObject): boolean {
  return !deepEqual(a.spec ?? null, b.spec ?? null);
}

/** Structural equality of JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a);
  const ob = b as Record<string, unknown>;
  if (ka.length !== Object.keys(ob).length) return false;
  const oa = a as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && deepEqual(oa[k], ob[k]));
}
