// The write and read paths of every resource type: the Kubernetes API conventions over etcd.
// create / update / updateStatus / patch / delete / bind; reads go to etcd (get, list) or the cache.
import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import {
  ApiError,
  alreadyExists,
  clone,
  conflict,
  fieldError,
  generateNameSuffix,
  invalid,
  lookupResource,
  notFound,
  resourceByKind,
  type KObject,
  type ResourceType,
} from '@skiff/api';
import type { Logger } from '@skiff/machinery';
import type { ApiServerConfig } from '../config.js';
import type { KeyLayout } from '../etcd/keys.js';
import { cmp, op, type EtcdStore, type StoredKv, type TxnOp } from '../etcd/store.js';
import type { WatchCache } from '../cache/watch-cache.js';
import type { RangeAllocator } from '../alloc/allocator.js';
import { allocatedIPs, allocatedPorts, emptyPlan, planServiceAllocations, type AllocationPlan } from '../alloc/service-allocations.js';
import { admit, checkPatched, convertVersion, decodeStored, encodeForStorage } from './admission.js';
import { applyMergePatch } from './merge-patch.js';
import { now } from './time.js';
import { deepEqual, specChanged, strategyFor } from './strategy.js';
import type { EventLeases } from './event-leases.js';
import { EventAggregator } from './event-aggregation.js';
import { listObjects, type ListPage } from './list.js';
import { makeFilter } from '../cache/filter.js';

export interface RegistryDeps {
  store: EtcdStore;
  keys: KeyLayout;
  caches: Map<string, WatchCache>;
  clusterIPs: RangeAllocator<string>;
  nodePorts: RangeAllocator<number>;
  eventLeases: EventLeases;
  config: ApiServerConfig;
  log: Logger;
}

export interface WriteResult {
  object: KObject;
  warnings: string[];
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteRequest {
  resource: string;
  namespace: string;
  name: string;
  propagationPolicy: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  dryRun: boolean;
}

const MAX_RETRIES = 16;

/** "deployments.apps", "pods": how Kubernetes names a resource in its error messages. */
function qualifiedResource(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}
/** Deeper than any object of the API can be: a patch beyond it is refused before any recursion. */
const MAX_PATCH_DEPTH = 64;

function parsePatch(name: string, bytes: Buffer): Record<string, unknown> {
  if (!isUtf8(bytes)) throw invalid('Patch', name, [fieldError('patch', 'Invalid', 'the patch is not valid UTF-8')]);
  let patch: unknown;
  try {
    patch = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw invalid('Patch', name, [fieldError('patch', 'Invalid', `not JSON: ${(e as Error).message}`)]);
  }
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw invalid('Patch', name, [fieldError('patch', 'Invalid', 'a merge patch must be a JSON object')]);
  }
  if (jsonDepth(patch, MAX_PATCH_DEPTH) > MAX_PATCH_DEPTH) {
    throw invalid('Patch', name, [fieldError('patch', 'Invalid', `nested deeper than ${MAX_PATCH_DEPTH} levels`)]);
  }
  return patch as Record<string, unknown>;
}

/** Nesting depth of a JSON value, iteratively, stopping once past `limit`. */
function jsonDepth(v: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

export class Registry {
  private readonly events: EventAggregator;

  constructor(private readonly d: RegistryDeps) {
    this.events = new EventAggregator(() => this.cache(resourceByKind('Event')!));
  }

  resource(name: string): ResourceType {
    const t = lookupResource(name);
    if (!t) throw new ApiError('NOT_FOUND', `the server doesn't have a resource type "${name}"`, { metadata: { resource: name } });
    return t;
  }

  private kindOf(obj: KObject): ResourceType {
    const t = resourceByKind(obj.kind);
    if (!t) throw invalid(obj.kind ?? '', obj.metadata?.name ?? '', [fieldError('kind', 'NotSupported', 'unknown kind', obj.kind)]);
    return t;
  }

  cache(t: ResourceType): WatchCache {
    return this.d.caches.get(t.resource)!;
  }

  private namespaceOf(t: ResourceType, ns: string | undefined): string {
    return t.namespaced ? ns || 'default' : '';
  }

  private async read(t: ResourceType, namespace: string, name: string): Promise<{ obj: KObject; kv: StoredKv }> {
    const { kv } = await this.d.store.get(this.d.keys.objectKey(t, namespace, name));
    if (!kv) throw notFound(qualifiedResource(t), name);
    return { obj: decodeStored(kv.value, kv.modRevision), kv };
  }

  async get(resource: string, namespace: string, name: string): Promise<KObject> {
    const t = this.resource(resource);
    return (await this.read(t, this.namespaceOf(t, namespace), name)).obj;
  }

  async list(
    resource: string,
    q: { namespace: string; labelSelector: string; fieldSelector: string; limit: number; continueToken: string; resourceVersion: string },
  ): Promise<ListPage> {
    const t = this.resource(resource);
    const namespace = t.namespaced ? q.namespace : '';
    return listObjects(t, this.d.store, this.d.keys, this.cache(t), {
      namespace,
      filter: makeFilter(t, namespace, q.labelSelector, q.fieldSelector),
      limit: q.limit,
      continueToken: q.continueToken,
      resourceVersion: q.resourceVersion,
    });
  }

  /** The namespace must exist and not be terminating for objects to be created in it. */
  private async checkNamespace(ns: string): Promise<void> {
    const nsType = resourceByKind('Namespace')!;
    const cached = this.cache(nsType).get(ns);
    // A namespace that is not being deleted has no deletionTimestamp anywhere in its JSON.
    if (cached && !cached.mentions('"deletionTimestamp"')) return;
    let obj = cached?.decode();
    if (!obj) {
      const { kv } = await this.d.store.get(this.d.keys.objectKey(nsType, '', ns));
      if (!kv) throw new ApiError('NOT_FOUND', `namespaces "${ns}" not found`, { metadata: { resource: 'namespaces', name: ns } });
      obj = decodeStored(kv.value, kv.modRevision);
    }
    if (obj.metadata.deletionTimestamp) {
      throw new ApiError('FAILED_PRECONDITION', `namespace ${ns} is being terminated: unable to create new content in it`, {
        reason: 'NamespaceTerminating',
        metadata: { namespace: ns },
      });
    }
  }

  /** Creates an object. Takes ownership of `obj` (the decoded request): it is defaulted in place. */
  async create(obj: KObject, dryRun = false): Promise<WriteResult> {
    const t = this.kindOf(obj);
    obj.metadata ??= {};
    const warnings: string[] = [];
    const w = convertVersion(t, obj);
    if (w) warnings.push(w);
    const ns = this.namespaceOf(t, obj.metadata.namespace);
    if (t.namespaced) obj.metadata.namespace = ns;
    else delete obj.metadata.namespace;
    const m = obj.metadata;
    for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) delete m[f];
    if (!m.name && m.generateName) m.name = m.generateName + generateNameSuffix();
    m.uid = randomUUID();
    m.creationTimestamp = now();
    if (t.generation) m.generation = 1;
    strategyFor(t).prepareForCreate(obj);
    if (t.kind === 'Event') this.events.prepare(obj);
    admit(t, obj);
    if (t.namespaced) await this.checkNamespace(ns);
    if (t.kind === 'Event') {
      const existing = await this.events.findRepeat(obj);
      if (existing) return { object: await this.countRepeat(t, existing, obj, dryRun), warnings };
    }
    for (let attempt = 0; ; attempt++) {
      const attemptObj = t.kind === 'Service' ? clone(obj) : obj;
      const plan = t.kind === 'Service' ? planServiceAllocations(attemptObj, undefined, this.d.clusterIPs, this.d.nodePorts) : emptyPlan();
      const key = this.d.keys.objectKey(t, ns, attemptObj.metadata.name!);
      const value = encodeForStorage(t, attemptObj, this.d.config.maxObjectBytes);
      if (dryRun) return { object: attemptObj, warnings };
      const lease = t.kind === 'Event' ? await this.d.eventLeases.lease() : undefined;
      const txn = this.allocationTxn(plan, `${ns}/${attemptObj.metadata.name}`);
      txn.compare.unshift(cmp.absent(key));
      txn.success.unshift(op.put(key, value, lease));
      txn.keys.unshift(key);
      txn.failure = [op.get(key)];
      const res = await this.d.store.txn(txn);
      if (res.succeeded) {
        this.commitPlan(plan);
        attemptObj.metadata.resourceVersion = res.revision;
        return { object: attemptObj, warnings };
      }
      if ((res.responses[0]?.response_range?.kvs?.length ?? 0) > 0) throw alreadyExists(qualifiedResource(t), attemptObj.metadata.name!);
      this.retryAllocation(plan, attempt);
    }
  }

  /** Transaction parts that create the plan's allocation keys (only if absent) and free the others. */
  private allocationTxn(plan: AllocationPlan, owner: string): TxnOp {
    const t: TxnOp = { compare: [], success: [], keys: [] };
    for (const ip of plan.allocateIPs) {
      const k = this.d.keys.clusterIPKey(ip);
      t.compare.push(cmp.absent(k));
      t.success.push(op.put(k, owner));
      t.keys.push(k);
    }
    for (const p of plan.allocatePorts) {
      const k = this.d.keys.nodePortKey(p);
      t.compare.push(cmp.absent(k));
      t.success.push(op.put(k, owner));
      t.keys.push(k);
    }
    for (const ip of plan.freeIPs) {
      const k = this.d.keys.clusterIPKey(ip);
      t.success.push(op.del(k));
      t.keys.push(k);
    }
    for (const p of plan.freePorts) {
      const k = this.d.keys.nodePortKey(p);
      t.success.push(op.del(k));
      t.keys.push(k);
    }
    return t;
  }

  private commitPlan(plan: AllocationPlan): void {
    for (const ip of plan.allocateIPs) this.d.clusterIPs.markTaken(ip);
    for (const p of plan.allocatePorts) this.d.nodePorts.markTaken(p);
    for (const ip of plan.freeIPs) this.d.clusterIPs.markFree(ip);
    for (const p of plan.freePorts) this.d.nodePorts.markFree(p);
  }

  /** A write failed on an allocation key: someone else holds the value. */
  private retryAllocation(plan: AllocationPlan, attempt: number): void {
    for (const ip of plan.allocateIPs) this.d.clusterIPs.markTaken(ip);
    for (const p of plan.allocatePorts) this.d.nodePorts.markTaken(p);
    const requested = plan.allocateIPs.some((ip) => !plan.autoIPs.has(ip)) || plan.allocatePorts.some((p) => !plan.autoPorts.has(p));
    if (requested) {
      throw invalid('Service', '', [fieldError('spec', 'Invalid', 'a requested clusterIP or nodePort is already allocated')]);
    }
    if (attempt >= MAX_RETRIES) throw new ApiError('UNAVAILABLE', 'could not allocate a ClusterIP/NodePort after many attempts; retry');
  }

  private async countRepeat(t: ResourceType, existingKey: string, incoming: KObject, dryRun: boolean): Promise<KObject> {
    const { namespace, name } = { namespace: incoming.metadata.namespace!, name: existingKey.slice(existingKey.indexOf('/') + 1) };
    return this.guaranteedUpdate(t, namespace, name, undefined, dryRun, (cur) => {
      const next = clone(cur) as KObject & { count?: number; lastTimestamp?: string; message?: string };
      next.count = (next.count ?? 1) + 1;
      next.lastTimestamp = (incoming as { lastTimestamp?: string }).lastTimestamp ?? now();
      return next;
    });
  }

  /**
   * Read-modify-write with optimistic concurrency: `mutate` gets the stored object and returns the
   * new one (or throws). With `expectedRV` a concurrent change is a Conflict; without, it retries.
   */
  private async guaranteedUpdate(
    t: ResourceType,
    namespace: string,
    name: string,
    expectedRV: string | undefined,
    dryRun: boolean,
    mutate: (cur: KObject) => KObject,
    afterMutate?: (next: KObject, cur: KObject) => void,
  ): Promise<KObject> {
    const key = this.d.keys.objectKey(t, namespace, name);
    for (let attempt = 0; ; attempt++) {
      // The first attempt starts from the watch cache (no etcd read); a stale copy only costs a retry.
      const cached = attempt === 0 ? this.cache(t).get(namespace ? `${namespace}/${name}` : name) : undefined;
      const fresh = cached && (!expectedRV || cached.resourceVersion === expectedRV);
      const { obj: cur, kv } = fresh ? { obj: cached.decode(), kv: { modRevision: cached.resourceVersion } } : await this.read(t, namespace, name);
      if (expectedRV && expectedRV !== kv.modRevision) throw conflict(t.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
      const next = mutate(cur);
      afterMutate?.(next, cur);
      // An object being deleted goes away once its last finalizer is removed and no grace period
      // remains (a pod on a node is deleted by its node agent with grace 0).
      if (next.metadata.deletionTimestamp && (cur.metadata.finalizers?.length ?? 0) > 0 && !next.metadata.finalizers?.length && !next.metadata.deletionGracePeriodSeconds) {
        if (dryRun) return next;
        const done = await this.deleteNow(t, key, cur, kv.modRevision);
        if (done) return done;
        if (expectedRV) throw conflict(t.resource, name, 'the object has been modified');
        continue;
      }
      if (deepEqual({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }, { ...cur, metadata: { ...cur.metadata, resourceVersion: undefined } })) {
        return cur; // no-op writes do not bump the resourceVersion, as Kubernetes
      }
      const plan = t.kind === 'Service' ? planServiceAllocations(next, cur, this.d.clusterIPs, this.d.nodePorts) : emptyPlan();
      const value = encodeForStorage(t, next, this.d.config.maxObjectBytes);
      if (dryRun) return next;
      const lease = t.kind === 'Event' ? await this.d.eventLeases.lease() : undefined;
      const txn = this.allocationTxn(plan, `${namespace}/${name}`);
      txn.compare.unshift(cmp.modRevision(key, kv.modRevision));
      txn.success.unshift(op.put(key, value, lease));
      txn.keys.unshift(key);
      const res = await this.d.store.txn(txn);
      if (res.succeeded) {
        this.commitPlan(plan);
        next.metadata.resourceVersion = res.revision;
        return next;
      }
      if (plan.allocateIPs.length || plan.allocatePorts.length) this.retryAllocation(plan, attempt);
      if (fresh && attempt === 0) continue;
      if (expectedRV) throw conflict(t.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
      if (attempt >= MAX_RETRIES) throw new ApiError('UNAVAILABLE', `too many concurrent writes to ${t.resource} "${name}"; retry`);
    }
  }

  /** Update (spec and metadata) or UpdateStatus (status only) of a full object. Takes ownership of `obj`. */
  async update(obj: KObject, subresource: '' | 'status', dryRun = false): Promise<WriteResult> {
    const t = this.kindOf(obj);
    obj.metadata ??= {};
    const warnings: string[] = [];
    const w = convertVersion(t, obj);
    if (w) warnings.push(w);
    const ns = this.namespaceOf(t, obj.metadata.namespace);
    const name = obj.metadata.name;
    if (!name) throw invalid(t.kind, '', [fieldError('metadata.name', 'Required', 'name is required')]);
    const object = await this.guaranteedUpdate(t, ns, name, obj.metadata.resourceVersion || undefined, dryRun, (cur) =>
      this.merge(t, subresource, obj, cur),
    );
    return { object, warnings };
  }

  /** The object to store for an update of `cur` with `incoming` (full replacement semantics). */
  private merge(t: ResourceType, subresource: '' | 'status', incoming: KObject, cur: KObject): KObject {
    let next: KObject;
    if (subresource === 'status') {
      if (!t.statusSubresource) throw new ApiError('NOT_FOUND', `${t.resource} have no status subresource`);
      next = clone(cur);
      next.status = clone(incoming.status);
    } else {
      next = clone(incoming);
      if (t.statusSubresource) next.status = clone(cur.status);
      next.metadata = { ...next.metadata };
    }
    const m = next.metadata;
    m.namespace = cur.metadata.namespace;
    if (!t.namespaced) delete m.namespace;
    m.uid = cur.metadata.uid;
    m.creationTimestamp = cur.metadata.creationTimestamp;
    if (cur.metadata.deletionTimestamp) m.deletionTimestamp = cur.metadata.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (cur.metadata.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = cur.metadata.deletionGracePeriodSeconds;
    if (t.generation) m.generation = (cur.metadata.generation ?? 1) + (subresource === '' && specChanged(next, cur) ? 1 : 0);
    else delete m.generation;
    if (t.kind === 'Service') {
      // An update that leaves clusterIP empty keeps the allocated one.
      const spec = (next.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[] };
      const old = (cur.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[] };
      if (!spec.clusterIP && old.clusterIP) {
        spec.clusterIP = old.clusterIP;
        if (old.clusterIPs) spec.clusterIPs = old.clusterIPs;
      }
      next.spec = spec;
    }
    admit(t, next, cur);
    return next;
  }

  async patch(req: { resource: string; namespace: string; name: string; patchType: string; patch: Buffer; subresource: string; dryRun: boolean }): Promise<WriteResult> {
    const t = this.resource(req.resource);
    if (req.patchType && req.patchType !== 'application/merge-patch+json') {
      throw invalid('Patch', req.name, [fieldError('patchType', 'NotSupported', 'only application/merge-patch+json is supported', req.patchType)]);
    }
    if (req.subresource !== '' && req.subresource !== 'status') {
      throw invalid('Patch', req.name, [fieldError('subresource', 'NotSupported', 'only "" and "status"', req.subresource)]);
    }
    const patch = parsePatch(req.name, req.patch);
    const warnings: string[] = [];
    // A patch may name the apiVersion the client knows the object by: legacy ones are accepted with
    // a warning (as on create), others refused. The stored apiVersion never changes.
    if (patch.apiVersion !== undefined) {
      const probe = { apiVersion: patch.apiVersion, kind: t.kind, metadata: { name: req.name } } as KObject;
      if (typeof patch.apiVersion !== 'string') throw invalid(t.kind, req.name, [fieldError('apiVersion', 'Invalid', 'must be a string')]);
      const w = convertVersion(t, probe);
      if (w) warnings.push(w);
      delete patch.apiVersion;
    }
    const ns = this.namespaceOf(t, req.namespace);
    const p = patch as { metadata?: { resourceVersion?: string } };
    const expectedRV = typeof p.metadata?.resourceVersion === 'string' ? p.metadata.resourceVersion : undefined;
    const object = await this.guaranteedUpdate(t, ns, req.name, expectedRV, req.dryRun, (cur) => {
      // The merge copies what it changes and shares the rest with `cur`, which merge() clones.
      const patched = applyMergePatch(cur, patch) as KObject;
      if (typeof patched !== 'object' || patched === null) throw invalid(t.kind, req.name, [fieldError('patch', 'Invalid', 'the patched object is not an object')]);
      patched.kind = cur.kind;
      patched.apiVersion = cur.apiVersion;
      patched.metadata = { ...(patched.metadata ?? {}), name: cur.metadata.name, resourceVersion: cur.metadata.resourceVersion };
      checkPatched(t, patched);
      return this.merge(t, req.subresource as '' | 'status', patched, cur);
    });
    return { object, warnings };
  }

  async delete(req: DeleteRequest): Promise<{ object: KObject; pending: boolean }> {
    const t = this.resource(req.resource);
    const ns = this.namespaceOf(t, req.namespace);
    const policy = (req.propagationPolicy || 'Background') as PropagationPolicy;
    if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
      throw invalid('DeleteOptions', req.name, [fieldError('propagationPolicy', 'NotSupported', 'supported values: "Background", "Foreground", "Orphan"', req.propagationPolicy)]);
    }
    if (req.gracePeriodSeconds !== undefined && req.gracePeriodSeconds < 0) {
      throw invalid('DeleteOptions', req.name, [fieldError('gracePeriodSeconds', 'Invalid', 'must be >= 0', req.gracePeriodSeconds)]);
    }
    const key = this.d.keys.objectKey(t, ns, req.name);
    for (let attempt = 0; ; attempt++) {
      const { obj: cur, kv } = await this.read(t, ns, req.name);
      if (req.preconditions?.uid && req.preconditions.uid !== cur.metadata.uid) {
        throw conflict(t.resource, req.name, `Precondition failed: UID in precondition: ${req.preconditions.uid}, UID in object meta: ${cur.metadata.uid}`);
      }
      if (req.preconditions?.resourceVersion && req.preconditions.resourceVersion !== kv.modRevision) {
        throw conflict(t.resource, req.name, `Precondition failed: ResourceVersion in precondition: ${req.preconditions.resourceVersion}, ResourceVersion in object meta: ${kv.modRevision}`);
      }
      const graceful = this.gracefulDeletion(t, cur, req.gracePeriodSeconds);
      const finalizers = new Set(cur.metadata.finalizers ?? []);
      if (policy === 'Orphan') finalizers.add('orphan');
      if (policy === 'Foreground') finalizers.add('foregroundDeletion');
      if (t.kind === 'Namespace' && !(await this.namespaceEmpty(req.name))) finalizers.add('kubernetes');
      if (finalizers.size === 0 && graceful === undefined) {
        if (req.dryRun) return { object: cur, pending: false };
        const gone = await this.deleteNow(t, key, cur, kv.modRevision);
        if (gone) return { object: gone, pending: false };
        if (attempt >= MAX_RETRIES) throw new ApiError('UNAVAILABLE', `too many concurrent writes to ${t.resource} "${req.name}"; retry`);
        continue;
      }
      // Deferred: mark the object, the finalizers' owners (or the node agent) finish the deletion.
      const next = clone(cur);
      const m = next.metadata;
      if (!m.deletionTimestamp) m.deletionTimestamp = now();
      if (graceful !== undefined) m.deletionGracePeriodSeconds = graceful;
      else if (m.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = 0;
      if (finalizers.size > 0) m.finalizers = [...finalizers];
      if (t.kind === 'Namespace') next.status = { ...((next.status as object) ?? {}), phase: 'Terminating' };
      if (t.generation) m.generation = (m.generation ?? 1) + (cur.metadata.deletionTimestamp ? 0 : 1);
      if (deepEqual(next, cur)) return { object: cur, pending: true };
      if (req.dryRun) return { object: next, pending: true };
      const value = encodeForStorage(t, next, this.d.config.maxObjectBytes);
      const res = await this.d.store.txn({ compare: [cmp.modRevision(key, kv.modRevision)], success: [op.put(key, value)], keys: [key] });
      if (res.succeeded) {
        next.metadata.resourceVersion = res.revision;
        return { object: next, pending: true };
      }
      if (attempt >= MAX_RETRIES) throw new ApiError('UNAVAILABLE', `too many concurrent writes to ${t.resource} "${req.name}"; retry`);
    }
  }

  /** Pods on a node get a grace period: the node agent stops them, then deletes with grace 0. */
  private gracefulDeletion(t: ResourceType, cur: KObject, requested: number | undefined): number | undefined {
    if (t.kind !== 'Pod') return undefined;
    const spec = (cur.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (cur.status as { phase?: string } | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return undefined;
    const grace = requested ?? cur.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    if (grace === 0) return undefined;
    return cur.metadata.deletionGracePeriodSeconds !== undefined ? Math.min(grace, cur.metadata.deletionGracePeriodSeconds) : grace;
  }

  private async namespaceEmpty(ns: string): Promise<boolean> {
    for (const [, c] of this.d.caches) {
      if (!c.type.namespaced) continue;
      await c.whenReady();
      if (c.list(makeFilter(c.type, ns, '', '')).items.length > 0) return false;
    }
    return true;
  }

  /** Deletes the stored object if unchanged since modRevision, freeing its allocations. */
  private async deleteNow(t: ResourceType, key: string, cur: KObject, modRevision: string): Promise<KObject | undefined> {
    const plan = emptyPlan();
    if (t.kind === 'Service') {
      plan.freeIPs = allocatedIPs(cur);
      plan.freePorts = allocatedPorts(cur);
    }
    const txn = this.allocationTxn(plan, '');
    txn.compare.unshift(cmp.modRevision(key, modRevision));
    txn.success.unshift(op.del(key));
    txn.keys.unshift(key);
    const res = await this.d.store.txn(txn);
    if (!res.succeeded) return undefined;
    this.commitPlan(plan);
    return { ...cur, metadata: { ...cur.metadata, resourceVersion: res.revision } };
  }

  async bind(binding: { metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string }; target?: { kind?: string; name?: string } }): Promise<KObject> {
    const t = resourceByKind('Pod')!;
    const name = binding.metadata?.name ?? '';
    const node = binding.target?.name ?? '';
    const errs = [];
    if (!name) errs.push(fieldError('metadata.name', 'Required', 'the pod to bind'));
    if (!node) errs.push(fieldError('target.name', 'Required', 'the node to bind to'));
    if (binding.target?.kind && binding.target.kind !== 'Node') errs.push(fieldError('target.kind', 'NotSupported', 'must be "Node"', binding.target.kind));
    if (errs.length > 0) throw invalid('Binding', name, errs);
    const ns = this.namespaceOf(t, binding.metadata?.namespace);
    return this.guaranteedUpdate(t, ns, name, binding.metadata?.resourceVersion || undefined, false, (cur) => {
      if (binding.metadata?.uid && binding.metadata.uid !== cur.metadata.uid) {
        throw conflict('pods', name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${cur.metadata.uid}`);
      }
      const spec = (cur.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) {
        throw new ApiError('FAILED_PRECONDITION', `pod ${name} is already assigned to node "${spec.nodeName}"`, { reason: 'Conflict', metadata: { node: spec.nodeName } });
      }
      if (cur.metadata.deletionTimestamp) throw new ApiError('FAILED_PRECONDITION', `pod ${name} is being deleted, cannot be assigned to a host`, { reason: 'Conflict' });
      const next = clone(cur);
      (next.spec as { nodeName?: string }).nodeName = node;
      const status = ((next.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] });
      status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastTransitionTime: now() }];
      next.status = status;
      return next;
    });
  }
}
