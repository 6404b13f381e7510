// The store of every resource type: the Kubernetes API conventions over etcd, as k8s.io/apiserver's
// generic registry store. create / update / updateStatus / patch / delete / deleteCollection; reads
// go to etcd (get, list) or the cache. Everything that differs per kind is the kind's Strategy
// (strategies.ts); this file has no kind-specific code.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  alreadyExists,
  conflict,
  fieldError,
  generateName,
  invalid,
  isApiError,
  lookupResource,
  notFound,
  finalizersForDeletion,
  qualifiedResource,
  resourceByKind,
  type KObject,
  type ResourceType,
} from '@skiff/api';
import type { Logger } from '@skiff/machinery';
import type { ApiServerConfig } from '../config.js';
import type { KeyLayout } from '../etcd/keys.js';
import { cmp, op, toKv, type EtcdStore, type StoredKv, type TxnResult } from '../etcd/store.js';
import type { WatchCache } from '../cache/watch-cache.js';
import type { RangeAllocator } from '../alloc/allocator.js';
import { admit, checkPatched, convertVersion, decodeStored, encodeForStorage } from './admission.js';
import { now } from './time.js';
import { sameStoredObject, specChanged } from './equality.js';
import { strategyFor } from './strategies.js';
import type { Strategy, StrategyContext } from './strategy.js';
import type { EventLeases } from './event-leases.js';
import { checkPreconditions, MODIFIED, type Preconditions } from './preconditions.js';
import { checkDeleteOptions, finishesDeletion, type DeleteCollectionRequest, type DeleteOptions, type DeleteRequest, type DeleteResult } from './delete-options.js';
import { checkPatchIdentity, parsePatch, patchApplier } from './patch-request.js';
import { KeyLock } from './key-lock.js';
import { clearSystemFields, omitEmptyMetadata, restoreSystemFields } from './object-meta.js';
import { listObjects, type ListPage } from './list.js';
import { makeFilter } from '../cache/filter.js';
import type { RequestContext } from '../grpc/user-info.js';
import { logWriteFailure, type WriteTarget } from './write-failure-log.js';

export interface RegistryDeps {
  store: EtcdStore;
  keys: KeyLayout;
  caches: Map<string, WatchCache>;
  clusterIPs: RangeAllocator<string>;
  nodePorts: RangeAllocator<number>;
  eventLeases: EventLeases;
  config: ApiServerConfig;
  log: Logger;
  /** Draws a name from generateName (@skiff/api's generateName; tests force collisions with their own). */
  drawGeneratedName?: (generateName: string) => string;
}

export interface PatchRequest {
  resource: string;
  namespace: string;
  name: string;
  patchType: string;
  patch: Buffer;
  subresource: string;
  dryRun: boolean;
}

export interface WriteResult {
  object: KObject;
  warnings: string[];
}

/** Objects a DeleteCollection deletes at once (Kubernetes' --delete-collection-workers is 1). */
const DELETE_COLLECTION_WORKERS = 8;

/** Kubernetes' RetryGenerateName: a generated name that is taken is drawn again, 8 attempts in all. */
const GENERATE_NAME_ATTEMPTS = 8;

/** The stored key-value a failed transaction read back (its failure branch is a get of the key). */
function readBack(res: TxnResult): StoredKv | undefined {
  const kv = res.responses[0]?.response_range?.kvs?.[0];
  return kv ? toKv(kv) : undefined;
}

interface Current {
  obj: KObject;
  rv: string;
}

export class Registry {
  private readonly ctx: StrategyContext;
  /** Updates of one object from this process take turns (see key-lock.ts). */
  private readonly writeTurns = new KeyLock<Current>();

  constructor(private readonly d: RegistryDeps) {
    this.ctx = {
      keys: d.keys,
      clusterIPs: d.clusterIPs,
      nodePorts: d.nodePorts,
      eventLeases: d.eventLeases,
      getObject: (kind, ns, name) => this.lookupObject(kind, ns, name),
      listObjects: (kind, fresh) => this.allObjects(kind, fresh),
    };
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

  private async read(t: ResourceType, namespace: string, name: string): Promise<Current> {
    const { kv } = await this.d.store.get(this.d.keys.objectKey(t, namespace, name));
    if (!kv) throw notFound(qualifiedResource(t), name);
    return { obj: decodeStored(kv.value, kv.modRevision), rv: kv.modRevision };
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
  private async checkNamespace(t: ResourceType, ns: string, name: string): Promise<void> {
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
      // As Kubernetes' NamespaceLifecycle admission: Forbidden, with the NamespaceTerminating cause.
      throw new ApiError('PERMISSION_DENIED', `${qualifiedResource(t)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
        reason: 'NamespaceTerminating',
        metadata: { namespace: ns, resource: t.resource, name },
      });
    }
  }

  /** Creates an object. Takes ownership of `obj` (the decoded request): it is defaulted in place. */
  async create(ctx: RequestContext, obj: KObject, dryRun = false): Promise<WriteResult> {
    const target = { resource: obj.kind ?? '', namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? obj.metadata?.generateName ?? '' };
    return this.asCaller(ctx, 'create', target, () => this.createObject(obj, dryRun));
  }

  private async createObject(obj: KObject, dryRun: boolean): Promise<WriteResult> {
    const t = this.kindOf(obj);
    const s = strategyFor(t);
    obj.metadata ??= {};
    const warnings: string[] = [];
    const w = convertVersion(t, obj);
    if (w) warnings.push(w);
    const m = obj.metadata;
    if (m.resourceVersion) {
      throw invalid(t.kind, m.name ?? m.generateName ?? '', [fieldError('metadata.resourceVersion', 'Invalid', 'resourceVersion should not be set on objects to be created', m.resourceVersion)]);
    }
    const ns = this.namespaceOf(t, m.namespace);
    if (t.namespaced) m.namespace = ns;
    else delete m.namespace;
    clearSystemFields(m);
    omitEmptyMetadata(m);
    const nameAttempts = !m.name && m.generateName ? GENERATE_NAME_ATTEMPTS : 1;
    const drawName = this.d.drawGeneratedName ?? generateName;
    if (nameAttempts > 1) m.name = drawName(m.generateName!);
    m.uid = randomUUID();
    m.creationTimestamp = now();
    if (t.generation) m.generation = 1;
    s.prepareForCreate(obj);
    admit(t, obj);
    await s.admission?.(obj, undefined, this.ctx);
    if (t.namespaced) await this.checkNamespace(t, ns, m.name ?? '');
    let key = this.d.keys.objectKey(t, ns, m.name!);
    for (let attempt = 0, nameAttempt = 1; ; attempt++) {
      // Extra operations may fill fields (allocations): each attempt starts from the admitted object.
      const attemptObj = s.writeOps ? structuredClone(obj) : obj;
      const extra = s.writeOps?.(attemptObj, undefined, this.ctx);
      const value = encodeForStorage(t, attemptObj, this.d.config.maxObjectBytes);
      if (dryRun) return { object: attemptObj, warnings };
      const lease = await s.storageLease?.(this.ctx);
      const res = await this.d.store.txn({
        compare: [cmp.absent(key), ...(extra?.compare ?? [])],
        success: [op.put(key, value, lease), ...(extra?.success ?? [])],
        keys: [key, ...(extra?.keys ?? [])],
        failure: [op.get(key)],
      });
      if (res.succeeded) {
        extra?.committed();
        attemptObj.metadata.resourceVersion = res.revision;
        return { object: attemptObj, warnings };
      }
      if (readBack(res)) {
        if (nameAttempt >= nameAttempts) throw alreadyExists(qualifiedResource(t), attemptObj.metadata.name!);
        nameAttempt++;
        m.name = drawName(m.generateName!);
        key = this.d.keys.objectKey(t, ns, m.name);
        continue;
      }
      if (!extra?.failed(attempt)) throw new ApiError('INTERNAL', `create of ${t.resource} "${m.name}" failed without a conflict`);
    }
  }

  /**
   * Read-modify-write with optimistic concurrency, as Kubernetes' GuaranteedUpdate: `tryUpdate` gets
   * the stored object and returns the new one (or throws). Preconditions that fail are a Conflict;
   * without a resourceVersion precondition a concurrent change is retried on the latest object
   * until the update applies. An update that changes nothing writes nothing.
   */
  async guaranteedUpdate(
    ctx: RequestContext,
    t: ResourceType,
    namespace: string,
    name: string,
    pre: Preconditions,
    dryRun: boolean,
    tryUpdate: (cur: KObject) => KObject | Promise<KObject>,
  ): Promise<KObject> {
    return this.asCaller(ctx, 'update', { resource: t.resource, namespace, name }, () => this.updateInTurn(t, namespace, name, pre, dryRun, tryUpdate));
  }

  private async updateInTurn(t: ResourceType, namespace: string, name: string, pre: Preconditions, dryRun: boolean, tryUpdate: (cur: KObject) => KObject | Promise<KObject>): Promise<KObject> {
    const key = this.d.keys.objectKey(t, namespace, name);
    return this.writeTurns.run(key, (handover) => this.updateLoop(t, key, namespace, name, pre, dryRun, tryUpdate, handover));
  }

  /** Where an update starts: the freshest copy this process has (watch cache or the last write), if any. */
  private startingPoint(t: ResourceType, namespace: string, name: string, pre: Preconditions, handedOver: Current | undefined): Current | undefined {
    const cached = this.cache(t).get(namespace ? `${namespace}/${name}` : name);
    let best: Current | undefined = cached ? { obj: cached.decode(), rv: cached.resourceVersion } : undefined;
    if (handedOver && (!best || BigInt(handedOver.rv) > BigInt(best.rv))) best = handedOver;
    return best && (!pre.resourceVersion || best.rv === pre.resourceVersion) ? best : undefined;
  }

  private async updateLoop(
    t: ResourceType,
    key: string,
    namespace: string,
    name: string,
    pre: Preconditions,
    dryRun: boolean,
    tryUpdate: (cur: KObject) => KObject | Promise<KObject>,
    handover: { latest?: Current; set(v: Current | undefined): void },
  ): Promise<KObject> {
    const s = strategyFor(t);
    // The first attempt starts from memory (no etcd read); a stale copy only costs a retry.
    let current = this.startingPoint(t, namespace, name, pre, handover.latest);
    for (let attempt = 0; ; attempt++) {
      const { obj: cur, rv } = current ?? (await this.read(t, namespace, name));
      current = undefined;
      checkPreconditions(t, name, pre, cur, rv);
      const updated = tryUpdate(cur);
      const next = updated instanceof Promise ? await updated : updated;
      // An object being deleted goes away once its last finalizer is removed and no grace period
      // remains (a pod on a node is deleted by its node agent with grace 0; a namespace once its
      // spec.finalizers are gone too).
      if (finishesDeletion(s, next, cur)) {
        if (dryRun) return next;
        const r = await this.removeFromStorage(s, key, cur, rv);
        if ('gone' in r) {
          handover.set(undefined);
          return r.gone;
        }
        current = this.afterConflict(t, name, pre, r.latest);
        continue;
      }
      const extra = s.writeOps?.(next, cur, this.ctx);
      if (sameStoredObject(next, cur)) return cur; // no-op writes do not move the resourceVersion, as in Kubernetes
      const value = encodeForStorage(t, next, this.d.config.maxObjectBytes);
      if (dryRun) return next;
      const lease = await s.storageLease?.(this.ctx);
      const res = await this.d.store.txn({
        compare: [cmp.modRevision(key, rv), ...(extra?.compare ?? [])],
        success: [op.put(key, value, lease), ...(extra?.success ?? [])],
        keys: [key, ...(extra?.keys ?? [])],
        failure: [op.get(key)],
      });
      if (res.succeeded) {
        extra?.committed();
        next.metadata.resourceVersion = res.revision;
        handover.set({ obj: next, rv: res.revision });
        return next;
      }
      const latest = readBack(res);
      if (latest?.modRevision === rv) {
        // The object did not change: one of the extra compares (an allocation) failed.
        if (!extra?.failed(attempt)) throw new ApiError('INTERNAL', `write of ${t.resource} "${name}" failed without a conflict`);
        current = { obj: cur, rv };
        continue;
      }
      current = this.afterConflict(t, name, pre, latest);
    }
  }

  /** The object changed under a write: a Conflict with a resourceVersion precondition, else retry on `latest`. */
  private afterConflict(t: ResourceType, name: string, pre: Preconditions, latest: StoredKv | undefined): Current {
    if (!latest) throw notFound(qualifiedResource(t), name);
    if (pre.resourceVersion) throw conflict(t.resource, name, MODIFIED);
    return { obj: decodeStored(latest.value, latest.modRevision), rv: latest.modRevision };
  }

  /** Update (spec and metadata) or UpdateStatus (status only) of a full object. Takes ownership of `obj`. */
  async update(ctx: RequestContext, obj: KObject, subresource: '' | 'status', dryRun = false): Promise<WriteResult> {
    const target = { resource: obj.kind ?? '', namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
    return this.asCaller(ctx, subresource === 'status' ? 'updateStatus' : 'update', target, () => this.updateObject(obj, subresource, dryRun));
  }

  private async updateObject(obj: KObject, subresource: '' | 'status', dryRun: boolean): Promise<WriteResult> {
    const t = this.kindOf(obj);
    const s = strategyFor(t);
    obj.metadata ??= {};
    const warnings: string[] = [];
    const w = convertVersion(t, obj);
    if (w) warnings.push(w);
    const ns = this.namespaceOf(t, obj.metadata.namespace);
    const name = obj.metadata.name;
    if (!name) throw invalid(t.kind, '', [fieldError('metadata.name', 'Required', 'name is required')]);
    const pre = { resourceVersion: obj.metadata.resourceVersion || undefined, uid: obj.metadata.uid || undefined };
    const object = await this.updateInTurn(t, ns, name, pre, dryRun, (cur) => this.prepareUpdate(t, s, subresource, obj, cur));
    return { object, warnings };
  }

  /**
   * The object to store for an update of `cur` with `incoming` (full replacement semantics); a
   * promise only when the strategy has an admission step.
   */
  private prepareUpdate(t: ResourceType, s: Strategy, subresource: '' | 'status', incoming: KObject, cur: KObject): KObject | Promise<KObject> {
    let next: KObject;
    if (subresource === 'status') {
      if (!t.statusSubresource) throw new ApiError('NOT_FOUND', `${t.resource} have no status subresource`);
      // Status writes change the status only (Kubernetes' PrepareForStatusUpdate).
      next = structuredClone(cur);
      if (incoming.status === undefined) delete next.status;
      else next.status = structuredClone(incoming.status);
    } else {
      next = structuredClone(incoming);
      next.metadata = { ...next.metadata };
    }
    const m = next.metadata;
    restoreSystemFields(t, next, cur);
    omitEmptyMetadata(m);
    if (subresource === '') s.prepareForUpdate(next, cur);
    admit(t, next, cur);
    if (t.generation) m.generation = (cur.metadata.generation ?? 1) + (subresource === '' && specChanged(next, cur) ? 1 : 0);
    else delete m.generation;
    if (subresource === '' && s.admission) return s.admission(next, cur, this.ctx).then(() => next);
    return next;
  }

  async patch(ctx: RequestContext, req: PatchRequest): Promise<WriteResult> {
    return this.asCaller(ctx, 'patch', req, () => this.patchObject(req));
  }

  private async patchObject(req: PatchRequest): Promise<WriteResult> {
    const t = this.resource(req.resource);
    const s = strategyFor(t);
    const apply = patchApplier(req.patchType, req.name);
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
    const meta = (typeof patch.metadata === 'object' && patch.metadata !== null ? patch.metadata : {}) as Record<string, unknown>;
    checkPatchIdentity(t, req.name, ns, meta);
    const pre: Preconditions = {
      resourceVersion: typeof meta.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined,
      uid: typeof meta.uid === 'string' && meta.uid ? meta.uid : undefined,
    };
    const object = await this.updateInTurn(t, ns, req.name, pre, req.dryRun, (cur) => {
      // The patch functions copy what they change and share the rest with `cur`, which prepareUpdate clones.
      const patched = apply(cur, patch, t.kind) as KObject;
      if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
        throw invalid(t.kind, req.name, [fieldError('patch', 'Invalid', 'the patched object is not an object')]);
      }
      patched.kind = cur.kind;
      patched.apiVersion = cur.apiVersion;
      patched.metadata = { ...(patched.metadata ?? {}), name: cur.metadata.name, resourceVersion: cur.metadata.resourceVersion };
      checkPatched(t, patched);
      return this.prepareUpdate(t, s, req.subresource as '' | 'status', patched, cur);
    });
    return { object, warnings };
  }

  async delete(ctx: RequestContext, req: DeleteRequest): Promise<DeleteResult> {
    return this.asCaller(ctx, 'delete', req, async () => {
      const t = this.resource(req.resource);
      checkDeleteOptions(req, req.name);
      return this.deleteOne(t, this.namespaceOf(t, req.namespace), req.name, req, req.preconditions ?? {});
    });
  }

  /**
   * Deletes every object of a resource that matches the selectors, each as by delete(), as
   * Kubernetes' DeleteCollection: not atomic; an object gone meanwhile is skipped.
   */
  async deleteCollection(ctx: RequestContext, req: DeleteCollectionRequest): Promise<DeleteResult[]> {
    return this.asCaller(ctx, 'deletecollection', { ...req, name: '' }, () => this.deleteSelected(req));
  }

  private async deleteSelected(req: DeleteCollectionRequest): Promise<DeleteResult[]> {
    const t = this.resource(req.resource);
    checkDeleteOptions(req, t.resource);
    const page = await this.list(req.resource, {
      namespace: req.namespace,
      labelSelector: req.labelSelector,
      fieldSelector: req.fieldSelector,
      limit: 0,
      continueToken: '',
      resourceVersion: '',
    });
    const results = await mapWithLimit(page.items, DELETE_COLLECTION_WORKERS, async (obj) => {
      try {
        return await this.deleteOne(t, obj.metadata.namespace ?? '', obj.metadata.name!, req, {});
      } catch (e) {
        if (isApiError(e, 'NOT_FOUND')) return undefined;
        throw e;
      }
    });
    return results.filter((r): r is DeleteResult => r !== undefined);
  }

  /**
   * Runs one write on behalf of `ctx.user` (the identity later admission and audit read); a write
   * that fails is logged with who asked for it.
   */
  private async asCaller<R>(ctx: RequestContext, verb: string, target: WriteTarget, write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } catch (e) {
      logWriteFailure(this.d.log, ctx, verb, target, e);
      throw e;
    }
  }

  private async deleteOne(t: ResourceType, ns: string, name: string, opts: DeleteOptions, pre: Preconditions): Promise<DeleteResult> {
    const s = strategyFor(t);
    const key = this.d.keys.objectKey(t, ns, name);
    let current: Current | undefined;
    for (;;) {
      const { obj: cur, rv } = current ?? (await this.read(t, ns, name));
      current = undefined;
      checkPreconditions(t, name, pre, cur, rv, 'delete');
      s.checkDelete?.(cur);
      const graceful = s.gracePeriod(cur, opts.gracePeriodSeconds);
      const finalizers = finalizersForDeletion(cur.metadata.finalizers, opts.propagationPolicy);
      if (finalizers.length === 0 && graceful === undefined && !s.holdsDeletion?.(cur)) {
        if (opts.dryRun) return { object: cur, pending: false };
        const r = await this.removeFromStorage(s, key, cur, rv);
        if ('gone' in r) return { object: r.gone, pending: false };
        current = this.afterDeleteConflict(t, name, r.latest);
        continue;
      }
      // Deferred: mark the object, the finalizers' owners (or the node agent) finish the deletion.
      const next = structuredClone(cur);
      const m = next.metadata;
      if (!m.deletionTimestamp) m.deletionTimestamp = now();
      if (graceful !== undefined) m.deletionGracePeriodSeconds = graceful;
      else if (m.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = 0;
      if (finalizers.length > 0) m.finalizers = finalizers;
      else delete m.finalizers;
      s.prepareForDeletion(next);
      if (t.generation) m.generation = (m.generation ?? 1) + (cur.metadata.deletionTimestamp ? 0 : 1);
      if (sameStoredObject(next, cur)) return { object: cur, pending: true };
      if (opts.dryRun) return { object: next, pending: true };
      const value = encodeForStorage(t, next, this.d.config.maxObjectBytes);
      const res = await this.d.store.txn({ compare: [cmp.modRevision(key, rv)], success: [op.put(key, value)], keys: [key], failure: [op.get(key)] });
      if (res.succeeded) {
        next.metadata.resourceVersion = res.revision;
        return { object: next, pending: true };
      }
      current = this.afterDeleteConflict(t, name, readBack(res));
    }
  }

  /** A delete retries on the latest object (its preconditions are checked again there). */
  private afterDeleteConflict(t: ResourceType, name: string, latest: StoredKv | undefined): Current {
    if (!latest) throw notFound(qualifiedResource(t), name);
    return { obj: decodeStored(latest.value, latest.modRevision), rv: latest.modRevision };
  }

  private async lookupObject(kind: string, namespace: string, name: string): Promise<KObject | undefined> {
    const t = resourceByKind(kind);
    if (!t) throw new ApiError('INTERNAL', `no resource type of kind ${kind}`);
    const cached = this.cache(t).get(t.namespaced ? `${namespace}/${name}` : name);
    if (cached) return cached.decode();
    const { kv } = await this.d.store.get(this.d.keys.objectKey(t, namespace, name));
    return kv ? decodeStored(kv.value, kv.modRevision) : undefined;
  }

  private async allObjects(kind: string, fresh: boolean): Promise<KObject[]> {
    const t = resourceByKind(kind);
    if (!t) throw new ApiError('INTERNAL', `no resource type of kind ${kind}`);
    const filter = makeFilter(t, '', '', '');
    const page = await listObjects(t, this.d.store, this.d.keys, this.cache(t), { namespace: '', filter, limit: 0, continueToken: '', resourceVersion: fresh ? '' : '0' });
    return page.items;
  }

  /** Removes the stored object if unchanged since `rv`, with the strategy's extra operations (freeing allocations). */
  private async removeFromStorage(s: Strategy, key: string, cur: KObject, rv: string): Promise<{ gone: KObject } | { latest: StoredKv | undefined }> {
    const extra = s.deleteOps?.(cur, this.ctx);
    const res = await this.d.store.txn({
      compare: [cmp.modRevision(key, rv), ...(extra?.compare ?? [])],
      success: [op.del(key), ...(extra?.success ?? [])],
      keys: [key, ...(extra?.keys ?? [])],
      failure: [op.get(key)],
    });
    if (!res.succeeded) return { latest: readBack(res) };
    extra?.committed();
    return { gone: { ...cur, metadata: { ...cur.metadata, resourceVersion: res.revision } } };
  }
}

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
