// What the apiserver does per kind on a write, for the fake: the status a create resets (as the
// apiserver's registry strategies), the clusterIP a Service gets, the grace period a pod on a node
// gets when deleted, what holds a namespace being deleted. One row per kind; kinds without a row
// have no special behaviour.
import type { KObject } from '@skiff/api';

export interface FakeStrategy {
  /** Resets what a client may not set on create. */
  prepareForCreate?(obj: KObject, alloc: FakeAllocator): void;
  /** Seconds of graceful deletion for this object (undefined: deleted at once). */
  gracePeriod?(obj: KObject, requested: number | undefined): number | undefined;
  /** Whether the object's own spec holds its deletion (a namespace's spec.finalizers). */
  holdsDeletion?(obj: KObject): boolean;
  /** Changes to an object being marked for deletion (a namespace turns Terminating). */
  prepareForDeletion?(obj: KObject): void;
}

/** Hands out cluster IPs from 10.96.0.10 up (the apiserver allocates from 10.96.0.0/12). */
export class FakeAllocator {
  private next = 10;

  clusterIP(): string {
    const n = this.next++;
    return `10.96.${n >> 8}.${n & 255}`;
  }
}

const clearStatus: FakeStrategy = {
  prepareForCreate(obj) {
    delete obj.status;
  },
};

export const fakeStrategies: Readonly<Record<string, FakeStrategy>> = {
  Deployment: clearStatus,
  ReplicaSet: clearStatus,
  Service: {
    prepareForCreate(obj, alloc) {
      delete obj.status;
      const spec = (obj.spec ?? {}) as { type?: string; clusterIP?: string; clusterIPs?: string[] };
      if (spec.type !== 'ExternalName' && !spec.clusterIP) {
        spec.clusterIP = alloc.clusterIP();
        spec.clusterIPs = [spec.clusterIP];
      }
      obj.spec = spec;
    },
  },
  Pod: {
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending' };
    },
    gracePeriod(obj, requested) {
      const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
      const phase = (obj.status as { phase?: string } | undefined)?.phase;
      if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return undefined;
      const grace = requested ?? obj.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
      if (grace === 0) return undefined;
      return obj.metadata.deletionGracePeriodSeconds !== undefined ? Math.min(grace, obj.metadata.deletionGracePeriodSeconds) : grace;
    },
  },
  Namespace: {
    prepareForDeletion(obj) {
      obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
    },
    holdsDeletion(obj) {
      return (((obj.spec ?? {}) as { finalizers?: string[] }).finalizers?.length ?? 0) > 0;
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Active' };
      const spec = (obj.spec ?? {}) as { finalizers?: string[] };
      spec.finalizers ??= ['kubernetes'];
      obj.spec = spec;
    },
  },
};
