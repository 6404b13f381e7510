// What differs per kind in the write path, as the strategies of Kubernetes' generic registry store
// (k8s.io/apiserver pkg/registry/rest: RESTCreateStrategy, RESTUpdateStrategy, RESTDeleteStrategy,
// and the store's hooks). The store (registry.ts) calls these and nothing kind-specific; a kind is a
// folder under kinds/ with its strategy, and one line in strategies.ts.
import { fieldsOf, type KObject } from '@skiff/api';
import type { ICompare, IRequestOp } from 'etcd3/lib/rpc.js';
import type { KeyLayout } from '../etcd/keys.js';
import type { RangeAllocator } from '../alloc/allocator.js';
import type { EventLeases } from './event-leases.js';

/** What the store lends a strategy: the allocators, key layout, leases and object lookups. */
export interface StrategyContext {
  keys: KeyLayout;
  clusterIPs: RangeAllocator<string>;
  nodePorts: RangeAllocator<number>;
  eventLeases: EventLeases;
  /** An object of a kind ("" namespace when cluster-scoped): from the watch cache, else from etcd. */
  getObject(kind: string, namespace: string, name: string): Promise<KObject | undefined>;
  /** Every object of a kind: from etcd when `fresh` (a consistent read), else from the watch cache. */
  listObjects(kind: string, fresh: boolean): Promise<KObject[]>;
}

/**
 * etcd operations committed in the same transaction as the object's own put or delete (allocation
 * keys created only if absent, freed keys deleted).
 */
export interface ExtraOps {
  compare: ICompare[];
  success: IRequestOp[];
  keys: string[];
  /** Called once the transaction succeeded. */
  committed(): void;
  /**
   * Called when it failed: a value the request asked for that turns out taken throws (INVALID);
   * values the server chose are avoided on the next attempt. Returns whether the extra compares
   * may be what failed (so the store retries even when the object itself did not change).
   */
  failed(attempt: number): boolean;
}

export interface Strategy {
  /** The kind this strategy is for (its registry line). */
  readonly kind: string;

  /** Resets what a client may not set on create (status of kinds with a status subresource). */
  prepareForCreate(obj: KObject): void;
  /**
   * Before an update of spec and metadata is validated: `next` is the client's object (with the
   * server's metadata fields restored), `old` the stored one. Kinds with a status subresource keep
   * the stored status here.
   */
  prepareForUpdate(next: KObject, old: KObject): void;

  /**
   * Admission that reads other objects, as Kubernetes' admission plugins (a pod's priority from its
   * PriorityClass): on create (`old` undefined) and on updates of spec and metadata, after
   * defaulting and validation. May set fields of `obj`; throws to refuse.
   */
  admission?(obj: KObject, old: KObject | undefined, ctx: StrategyContext): Promise<void>;

  /**
   * Extra etcd operations of a create (`old` undefined) or update; may fill server-assigned fields
   * of `next` (a Service's ClusterIP and NodePorts). Called on every attempt of the write.
   */
  writeOps?(next: KObject, old: KObject | undefined, ctx: StrategyContext): ExtraOps;
  /** Extra etcd operations of the removal of `obj` from storage (freeing its allocations). */
  deleteOps?(obj: KObject, ctx: StrategyContext): ExtraOps;
  /** The etcd lease to write the object with (Events expire), if any. */
  storageLease?(ctx: StrategyContext): Promise<string>;

  /**
   * Graceful deletion: the grace period to mark the object with instead of removing it (a pod on a
   * node, which its node agent stops first), or undefined to remove it at once.
   */
  gracePeriod(obj: KObject, requested: number | undefined): number | undefined;
  /** Throws to refuse the deletion of `obj` (a built-in PriorityClass). */
  checkDelete?(obj: KObject): void;
  /**
   * Whether the object's own spec holds its deletion besides metadata.finalizers (a Namespace's
   * spec.finalizers): a delete then only marks it, and the write that releases it removes it.
   */
  holdsDeletion?(obj: KObject): boolean;
  /** Changes to an object being marked for deletion (a namespace turns Terminating). */
  prepareForDeletion(obj: KObject): void;

  /** The values of the fields a field selector may name (metadata.name, spec.nodeName, ...). */
  selectableFields(obj: KObject): Record<string, string>;
  /** Fields the watch cache keeps an index of, for exact-match selectors (a node's pods). */
  readonly indexedFields: readonly string[];
}

/** The defaults of every strategy; a kind's strategy spreads this and overrides what differs. */
export function baseStrategy(kind: string): Strategy {
  return {
    kind,
    prepareForCreate() {},
    prepareForUpdate() {},
    gracePeriod: () => undefined,
    prepareForDeletion() {},
    selectableFields: (obj) => fieldsOf(kind, obj),
    indexedFields: [],
  };
}

/**
 * The defaults of a kind with a status subresource (Kubernetes' strategies of Pod, Service,
 * Deployment, ...): status is cleared on create and kept from storage on spec updates.
 */
export function statusSubresourceStrategy(kind: string): Strategy {
  return {
    ...baseStrategy(kind),
    prepareForCreate(obj) {
      delete obj.status;
    },
    prepareForUpdate(next, old) {
      keepStatus(next, old);
    },
  };
}

/** A spec update keeps the stored status (Kubernetes' `newObj.Status = oldObj.Status`). */
export function keepStatus(next: KObject, old: KObject): void {
  if (old.status === undefined) delete next.status;
  else next.status = structuredClone(old.status);
}

