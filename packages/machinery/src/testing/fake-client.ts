// The one in-memory Client for tests, doing what the apiserver does: the server's fields on create
// (uid, creationTimestamp, generation, generateName), structure checks, defaulting and validation
// from @skiff/api, resourceVersion preconditions (ABORTED), generation bumps on spec changes, the
// status subresource, finalizers and graceful deletion, label and field selectors parsed and
// matched by @skiff/api, paged lists, watches with history, Bind's precondition, and hooks to seed
// objects, inject errors (before the call, or after it took effect: a lost reply), hold back,
// break and compact watches. Not done: namespace existence checks, the
// apiserver's legacy apiVersion conversions, NodePort allocation.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type KObject,
  type ResourceType,
  alreadyExists,
  apiVersionOf,
  apiResources,
  applyDefaults,
  applyScale,
  bindToNode,
  hasScaleSubresource,
  noScaleSubresource,
  scaleOf,
  validateScale,
  type Scale,
  checkStructure,
  conflict,
  expired,
  PROPAGATION_POLICIES,
  finalizersForDeletion,
  fieldError,
  generateNameSuffix,
  invalid,
  lookupResource,
  notFound,
  objectKey,
  parseFieldSelector,
  validateBinding,
  parseLabelSelector,
  resourceByKind,
  validateObject,
} from '@skiff/api';
import type {
  Client,
  DeleteCollectionOptions,
  DeleteOptions,
  DeleteResult,
  DiscoveryInfo,
  ListOptions,
  ListResult,
  PatchOptions,
  WatchBatch,
  WatchOptions,
  WriteAck,
  WriteOptions,
  WriteResult,
} from '../client/types.js';
import { MERGE_PATCH, applyPatch, patchDocument } from './fake-patch.js';
import { FakeAllocator, fakeStrategies } from './fake-strategies.js';
import { type FakeWatcher, type HistoryEntry, type Matcher, eventFor, watchStream } from './fake-watch.js';

export type Verb = 'create' | 'get' | 'list' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'deleteCollection' | 'watch' | 'bind' | 'getScale' | 'updateScale' | 'discovery';

/** One call the fake received, for assertions. */
export interface FakeCall {
  verb: Verb;
  resource: string;
  namespace?: string;
  name?: string;
  /** The object or patch sent. */
  body?: unknown;
  opts?: unknown;
}

export interface FakeClientOptions {
  /** Stored defaulted but not validated (any state a test needs), each at its own revision. */
  objects?: KObject[];
  /** Source of timestamps. Default Date.now. */
  now?: () => number;
}

const WRITES: readonly Verb[] = ['create', 'update', 'updateStatus', 'patch', 'delete', 'deleteCollection', 'bind', 'updateScale'];

function qualified(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

function typeOf(resource: string): ResourceType {
  const t = lookupResource(resource);
  if (!t) throw new ApiError('NOT_FOUND', `the server could not find the requested resource (${resource})`);
  return t;
}

function scalable(resource: string): ResourceType {
  const t = typeOf(resource);
  if (!hasScaleSubresource(t.kind)) throw noScaleSubresource(t.resource);
  return t;
}

function kindOf(obj: KObject): ResourceType {
  const t = resourceByKind(obj.kind);
  if (!t) throw invalid(obj.kind ?? '', obj.metadata?.name ?? '', [fieldError('kind', 'NotSupported', 'unknown kind', obj.kind)]);
  return t;
}

function namespaceOf(t: ResourceType, ns: string | undefined): string {
  return t.namespaced ? ns || 'default' : '';
}

function keyOf(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Structural equality of JSON values, ignoring metadata.resourceVersion. */
function sameObject(a: KObject, b: KObject): boolean {
  const strip = (o: KObject): string => JSON.stringify(sortKeys({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } }));
  return strip(a) === strip(b);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

export class FakeClient implements Client {
  /** Every call, in order. */
  readonly calls: FakeCall[] = [];
  /** Warnings every write returns (createWithWarnings, updateWithWarnings, patchWithWarnings). */
  warnings: string[] = [];
  /** Runs on every object about to be stored by create, update or patch: throw to refuse it (an admission webhook). */
  admit: (obj: KObject) => void = () => {};

  private rv = 0;
  private compactedRV = 0;
  private readonly tables = new Map<string, Map<string, KObject>>();
  private readonly log: HistoryEntry[] = [];
  private readonly watchers = new Set<FakeWatcher>();
  private readonly injected: { verb: Verb; err: Error; times: number }[] = [];
  private readonly lostReplies: { verb: Verb; times: number }[] = [];
  /** Resources whose watch events are held back (pauseWatches), and the held batches in order. */
  private readonly paused = new Set<string>();
  private held: { w: FakeWatcher; batch: WatchBatch }[] = [];
  private readonly alloc = new FakeAllocator();
  private readonly now: () => number;

  constructor(opts: FakeClientOptions = {}) {
    this.now = opts.now ?? Date.now;
    for (const o of opts.objects ?? []) this.seed(o);
  }

  // ---- test hooks ----

  /**
   * Stores an object with the server's defaults but without validation, keeping the server fields it
   * has and filling uid, creationTimestamp and namespace when absent.
   */
  seed<T extends KObject>(obj: T): T {
    const t = kindOf(obj);
    const o = structuredClone(obj);
    o.apiVersion ||= apiVersionOf(t);
    if (t.namespaced) o.metadata.namespace ||= 'default';
    else delete o.metadata.namespace;
    o.metadata.uid ||= randomUUID();
    o.metadata.creationTimestamp ||= this.timestamp();
    if (t.generation) o.metadata.generation ??= 1;
    applyDefaults(o);
    const cur = this.table(t).get(objectKey(o));
    this.commit(t, cur ? 'MODIFIED' : 'ADDED', o, cur);
    return structuredClone(o);
  }

  /** The next `times` calls of `verb` reject with `err`. */
  injectError(verb: Verb, err: Error, times = 1): void {
    this.injected.push({ verb, err, times });
  }

  /**
   * The next `times` calls of `verb` (create, update or delete) take effect, then reject with
   * UNAVAILABLE, as when the apiserver dies after committing a write and before replying.
   */
  injectLostReply(verb: Verb, times = 1): void {
    this.lostReplies.push({ verb, times });
  }

  /**
   * Holds back the events of `resource` from open watches until resumeWatches(): the client's
   * informers lag behind what is stored, as when they re-list a moment after an apiserver restart.
   */
  pauseWatches(resource: string): void {
    this.paused.add(typeOf(resource).resource);
  }

  /** Delivers the held events, in order, and stops holding. */
  resumeWatches(): void {
    this.paused.clear();
    const held = this.held;
    this.held = [];
    for (const { w, batch } of held) if (this.watchers.has(w)) w.push(batch);
  }

  /** Ends every open watch with an ApiError (UNAVAILABLE: a lost connection; OUT_OF_RANGE: too old). */
  breakWatches(code: ApiError['code'] = 'UNAVAILABLE', message = 'watch stream broken'): void {
    const err = code === 'OUT_OF_RANGE' ? expired(message) : new ApiError(code, message);
    for (const w of [...this.watchers]) w.fail(err);
  }

  /** Forgets history up to now: a watch from an older revision fails with OUT_OF_RANGE. */
  compact(): void {
    this.compactedRV = this.rv;
    this.log.length = 0;
  }

  /** Sends a BOOKMARK at the current revision to watches that allow them. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (w.bookmarks) w.push({ resourceVersion: String(this.rv), events: [{ type: 'BOOKMARK' }], initialEventsEnd: false });
    }
  }

  watchCount(): number {
    return this.watchers.size;
  }

  /** The latest resourceVersion. */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** The calls that write. */
  writes(): FakeCall[] {
    return this.calls.filter((c) => WRITES.includes(c.verb));
  }

  /** The stored object (a copy), or undefined. */
  find<T extends KObject = KObject>(resource: string, namespace: string, name: string): T | undefined {
    const t = typeOf(resource);
    const o = this.table(t).get(keyOf(namespaceOf(t, namespace), name));
    return o ? (structuredClone(o) as T) : undefined;
  }

  /** Every stored object of a resource (copies), sorted by key. */
  objects<T extends KObject = KObject>(resource: string): T[] {
    return [...this.table(typeOf(resource)).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => structuredClone(o) as T);
  }

  // ---- Client ----

  async create<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.createWithWarnings(obj, opts)).object;
  }

  /** create, answered as the apiserver's reply read by readWriteAck (the call is recorded as a create). */
  async createAck(obj: KObject, opts?: WriteOptions): Promise<WriteAck> {
    return ackOf(await this.create(obj, opts));
  }

  async createWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    this.enter({ verb: 'create', resource: obj.kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', body: obj, opts });
    const t = kindOf(obj);
    const o = this.received(t, obj);
    const m = o.metadata;
    if (t.namespaced) m.namespace = namespaceOf(t, m.namespace);
    else delete m.namespace;
    for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) delete m[f];
    if (!m.name && m.generateName) m.name = m.generateName + generateNameSuffix();
    m.uid = randomUUID();
    m.creationTimestamp = this.timestamp();
    if (t.generation) m.generation = 1;
    fakeStrategies[t.kind]?.prepareForCreate?.(o, this.alloc);
    this.admission(t, o);
    if (this.table(t).has(objectKey(o))) throw alreadyExists(qualified(t), m.name!);
    if (!opts?.dryRun) this.commit(t, 'ADDED', o);
    this.replyLost('create');
    return { object: structuredClone(o) as T, warnings: [...this.warnings] };
  }

  async get<T extends KObject = KObject>(resource: string, namespace: string, name: string): Promise<T> {
    this.enter({ verb: 'get', resource, namespace, name });
    const t = typeOf(resource);
    return structuredClone(this.current(t, namespaceOf(t, namespace), name)) as T;
  }

  async list<T extends KObject = KObject>(resource: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.enter({ verb: 'list', resource, opts });
    const t = typeOf(resource);
    const matches = this.matcher(t, opts);
    let after = '';
    let rv = this.rv;
    if (opts.continue) {
      try {
        const token = JSON.parse(Buffer.from(opts.continue, 'base64url').toString()) as { rv: number; after: string };
        after = token.after;
        rv = token.rv;
      } catch {
        throw new ApiError('INVALID_ARGUMENT', 'continue key is not valid', { reason: 'BadRequest' });
      }
      if (rv < this.compactedRV) throw expired('The provided continue parameter is too old to display a consistent list result.');
    }
    const all = [...this.table(t).entries()].filter(([key, o]) => key > after && matches(o)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const page = opts.limit && opts.limit > 0 ? all.slice(0, opts.limit) : all;
    const more = page.length < all.length;
    const cont = more ? Buffer.from(JSON.stringify({ rv, after: page[page.length - 1]![0] })).toString('base64url') : '';
    const result: ListResult<T> = { items: page.map(([, o]) => structuredClone(o) as T), resourceVersion: String(rv), continue: cont };
    if (more) result.remainingItemCount = all.length - page.length;
    return result;
  }

  async update<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.updateWithWarnings(obj, opts)).object;
  }

  async updateWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    this.enter({ verb: 'update', resource: obj.kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', body: obj, opts });
    const object = this.replace('', obj, opts) as T;
    this.replyLost('update');
    return { object, warnings: [...this.warnings] };
  }

  async updateStatus<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    this.enter({ verb: 'updateStatus', resource: obj.kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', body: obj, opts });
    return this.replace('status', obj, opts) as T;
  }

  async patch<T extends KObject = KObject>(resource: string, namespace: string, name: string, patch: unknown, opts?: PatchOptions): Promise<T> {
    return (await this.patchWithWarnings<T>(resource, namespace, name, patch, opts)).object;
  }

  async patchAck(resource: string, namespace: string, name: string, patch: unknown, opts?: PatchOptions): Promise<WriteAck> {
    return ackOf(await this.patch(resource, namespace, name, patch, opts));
  }

  async patchWithWarnings<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<WriteResult<T>> {
    this.enter({ verb: 'patch', resource, namespace, name, body: patch, opts });
    const t = typeOf(resource);
    const subresource = opts?.subresource ?? '';
    const doc = patchDocument(t.kind, name, patch);
    if (doc.apiVersion !== undefined) {
      if (doc.apiVersion !== apiVersionOf(t)) throw invalid(t.kind, name, [fieldError('apiVersion', 'NotSupported', `${t.kind} is served as apiVersion ${apiVersionOf(t)}`, doc.apiVersion)]);
      delete doc.apiVersion;
    }
    const ns = namespaceOf(t, namespace);
    const cur = this.current(t, ns, name);
    const expectedRV = (doc.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    if (typeof expectedRV === 'string' && expectedRV !== cur.metadata.resourceVersion) throw this.conflict(t, name);
    const patched = applyPatch(cur, doc, opts?.patchType ?? MERGE_PATCH);
    patched.kind = cur.kind;
    patched.apiVersion = cur.apiVersion;
    patched.metadata = { ...(patched.metadata ?? {}), name: cur.metadata.name, resourceVersion: cur.metadata.resourceVersion };
    const errs = checkStructure(t.protoType, patched);
    if (errs.length > 0) throw invalid(t.kind, name, errs);
    const next = this.merge(t, subresource, patched, cur);
    return { object: this.store(t, cur, next, opts) as T, warnings: [...this.warnings] };
  }

  async delete<T extends KObject = KObject>(resource: string, namespace: string, name: string, opts: DeleteOptions = {}): Promise<DeleteResult<T>> {
    this.enter({ verb: 'delete', resource, namespace, name, opts });
    const res = await this.deleteOne<T>(typeOf(resource), namespace, name, opts);
    this.replyLost('delete');
    return res;
  }

  /** Deletes every selected object as Delete would, in list order (the selectors are checked first). */
  async deleteCollection<T extends KObject = KObject>(resource: string, opts: DeleteCollectionOptions = {}): Promise<DeleteResult<T>[]> {
    this.enter({ verb: 'deleteCollection', resource, opts });
    const t = typeOf(resource);
    const matches = this.matcher(t, opts);
    const selected = [...this.table(t).entries()].filter(([, o]) => matches(o)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const { namespace: _ns, labelSelector: _l, fieldSelector: _f, ...deleteOpts } = opts;
    const out: DeleteResult<T>[] = [];
    for (const [, o] of selected) out.push(await this.deleteOne<T>(t, o.metadata.namespace ?? '', o.metadata.name!, deleteOpts));
    return out;
  }

  private async deleteOne<T extends KObject>(t: ResourceType, namespace: string, name: string, opts: DeleteOptions): Promise<DeleteResult<T>> {
    const policy = opts.propagationPolicy ?? 'Background';
    if (!PROPAGATION_POLICIES.includes(policy)) {
      throw invalid('DeleteOptions', name, [fieldError('propagationPolicy', 'NotSupported', 'supported values: "Background", "Foreground", "Orphan"', policy)]);
    }
    if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) {
      throw invalid('DeleteOptions', name, [fieldError('gracePeriodSeconds', 'Invalid', 'must be >= 0', opts.gracePeriodSeconds)]);
    }
    const cur = this.current(t, namespaceOf(t, namespace), name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata.uid) {
      throw conflict(t.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(t.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
    }
    const graceful = fakeStrategies[t.kind]?.gracePeriod?.(cur, opts.gracePeriodSeconds);
    const strategy = fakeStrategies[t.kind];
    const finalizers = finalizersForDeletion(cur.metadata.finalizers, opts.propagationPolicy);
    if (finalizers.length === 0 && graceful === undefined && !strategy?.holdsDeletion?.(cur)) {
      if (!opts.dryRun) this.commit(t, 'DELETED', structuredClone(cur), cur);
      return { object: structuredClone(cur) as T, pending: false };
    }
    const next = structuredClone(cur);
    const m = next.metadata;
    m.deletionTimestamp ??= this.timestamp();
    if (graceful !== undefined) m.deletionGracePeriodSeconds = graceful;
    else if (m.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = 0;
    if (finalizers.length > 0) m.finalizers = finalizers;
    else delete m.finalizers;
    strategy?.prepareForDeletion?.(next);
    if (t.generation) m.generation = (m.generation ?? 1) + (cur.metadata.deletionTimestamp ? 0 : 1);
    if (sameObject(next, cur)) return { object: structuredClone(cur) as T, pending: true };
    if (!opts.dryRun) this.commit(t, 'MODIFIED', next, cur);
    return { object: structuredClone(next) as T, pending: true };
  }

  watch<T extends KObject = KObject>(resource: string, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchBatch<T>> {
    this.enter({ verb: 'watch', resource, opts });
    const t = typeOf(resource);
    return watchStream(
      {
        resource: t.resource,
        matches: this.matcher(t, opts),
        bookmarks: !!opts.allowWatchBookmarks,
        resourceVersion: opts.resourceVersion ?? '',
        current: () => [...this.table(t).values()],
        history: () => this.log,
        revision: () => this.rv,
        compactedRevision: () => this.compactedRV,
        register: (w) => this.watchers.add(w),
        unregister: (w) => this.watchers.delete(w),
      },
      signal,
    ) as AsyncIterable<WatchBatch<T>>;
  }

  async bind(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<KObject> {
    this.enter({ verb: 'bind', resource: 'pods', namespace, name: podName, body: { nodeName, preconditions, ...(annotations ? { annotations } : {}) } });
    const t = typeOf('pods');
    validateBinding({ metadata: { name: podName, namespace }, target: { kind: 'Node', name: nodeName } });
    const cur = this.current(t, namespaceOf(t, namespace), podName);
    if (preconditions?.resourceVersion && preconditions.resourceVersion !== cur.metadata.resourceVersion) throw this.conflict(t, podName);
    if (preconditions?.uid && preconditions.uid !== cur.metadata.uid) {
      throw conflict('pods', podName, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${cur.metadata.uid}`);
    }
    const next = bindToNode(cur, nodeName, this.timestamp(), annotations);
    return this.store(t, cur, next);
  }

  async bindAck(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<WriteAck> {
    return ackOf(await this.bind(namespace, podName, nodeName, preconditions, annotations));
  }

  async getScale(resource: string, namespace: string, name: string): Promise<Scale> {
    this.enter({ verb: 'getScale', resource, namespace, name });
    const t = scalable(resource);
    return scaleOf(this.current(t, namespaceOf(t, namespace), name));
  }

  /** As the apiserver's UpdateScale: spec.replicas through an ordinary update, the Scale's resourceVersion a precondition. */
  async updateScale(resource: string, scale: Scale, opts?: WriteOptions): Promise<Scale> {
    this.enter({ verb: 'updateScale', resource, namespace: scale.metadata?.namespace ?? '', name: scale.metadata?.name ?? '', body: scale, opts });
    const t = scalable(resource);
    validateScale(scale);
    const cur = this.current(t, namespaceOf(t, scale.metadata.namespace), scale.metadata.name!);
    const next = applyScale(cur, scale);
    if (scale.metadata.resourceVersion) next.metadata.resourceVersion = scale.metadata.resourceVersion;
    return scaleOf(this.replace('', next, opts));
  }

  async discovery(): Promise<DiscoveryInfo> {
    this.enter({ verb: 'discovery', resource: '' });
    return {
      gitVersion: 'v0.1.0-fake',
      platform: 'linux/amd64',
      resources: apiResources(),
    };
  }

  close(): void {
    for (const w of [...this.watchers]) w.fail(new ApiError('CANCELLED', 'client closed'));
  }

  // ---- internals ----

  private enter(call: FakeCall): void {
    this.calls.push(call);
    const i = this.injected.findIndex((x) => x.verb === call.verb);
    if (i < 0) return;
    const inj = this.injected[i]!;
    if (--inj.times <= 0) this.injected.splice(i, 1);
    throw inj.err;
  }

  /** Throws UNAVAILABLE if a lost reply is injected for `verb` (after the call took effect). */
  private replyLost(verb: Verb): void {
    const i = this.lostReplies.findIndex((x) => x.verb === verb);
    if (i < 0) return;
    if (--this.lostReplies[i]!.times <= 0) this.lostReplies.splice(i, 1);
    throw new ApiError('UNAVAILABLE', 'Connection dropped');
  }

  private timestamp(): string {
    return new Date(Math.floor(this.now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private table(t: ResourceType): Map<string, KObject> {
    let table = this.tables.get(t.resource);
    if (!table) this.tables.set(t.resource, (table = new Map()));
    return table;
  }

  /** The stored object (shared: copy before changing), or NOT_FOUND. */
  private current(t: ResourceType, namespace: string, name: string): KObject {
    const o = this.table(t).get(keyOf(namespace, name));
    if (!o) throw notFound(qualified(t), name);
    return o;
  }

  private conflict(t: ResourceType, name: string): ApiError {
    return conflict(t.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }

  private matcher(t: ResourceType, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string }): Matcher {
    const ns = t.namespaced ? (opts.namespace ?? '') : '';
    const labels = parseLabelSelector(opts.labelSelector ?? '');
    const fields = parseFieldSelector(opts.fieldSelector ?? '', t.kind);
    return (o) => (!ns || o.metadata.namespace === ns) && labels.matches(o.metadata.labels) && fields.matches(o);
  }

  /** A copy of an object a client sent: apiVersion checked (or filled), structure checked. */
  private received(t: ResourceType, obj: KObject): KObject {
    const o = structuredClone(obj);
    o.metadata ??= {};
    if (!o.apiVersion) o.apiVersion = apiVersionOf(t);
    if (o.apiVersion !== apiVersionOf(t)) {
      throw invalid(t.kind, o.metadata.name ?? '', [fieldError('apiVersion', 'NotSupported', `${t.kind} is served as apiVersion ${apiVersionOf(t)}`, o.apiVersion)]);
    }
    const errs = checkStructure(t.protoType, o);
    if (errs.length > 0) throw invalid(t.kind, o.metadata.name ?? '', errs);
    return o;
  }

  /** Defaulting, validation (every violation, with its path), then the test's admit hook. */
  private admission(t: ResourceType, obj: KObject, old?: KObject): void {
    applyDefaults(obj);
    const errors = validateObject(obj, old);
    if (errors.length > 0) throw invalid(t.kind, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errors);
    this.admit(obj);
  }

  /** Update or UpdateStatus of a full object. */
  private replace(subresource: '' | 'status', obj: KObject, opts?: WriteOptions): KObject {
    const t = kindOf(obj);
    const incoming = this.received(t, obj);
    const name = incoming.metadata.name;
    if (!name) throw invalid(t.kind, '', [fieldError('metadata.name', 'Required', 'name is required')]);
    const cur = this.current(t, namespaceOf(t, incoming.metadata.namespace), name);
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw this.conflict(t, name);
    return this.store(t, cur, this.merge(t, subresource, incoming, cur), opts);
  }

  /** The object to store for a write of `incoming` over `cur` (the apiserver's merge). */
  private merge(t: ResourceType, subresource: '' | 'status', incoming: KObject, cur: KObject): KObject {
    let next: KObject;
    if (subresource === 'status') {
      if (!t.statusSubresource) throw new ApiError('NOT_FOUND', `${t.resource} have no status subresource`);
      next = structuredClone(cur);
      next.status = structuredClone(incoming.status);
    } else {
      next = structuredClone(incoming);
      if (t.statusSubresource) next.status = structuredClone(cur.status);
    }
    const m = next.metadata;
    if (t.namespaced) m.namespace = cur.metadata.namespace;
    else delete m.namespace;
    m.uid = cur.metadata.uid;
    m.creationTimestamp = cur.metadata.creationTimestamp;
    if (cur.metadata.deletionTimestamp) m.deletionTimestamp = cur.metadata.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (cur.metadata.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = cur.metadata.deletionGracePeriodSeconds;
    const specChanged = JSON.stringify(sortKeys(next.spec ?? null)) !== JSON.stringify(sortKeys(cur.spec ?? null));
    if (t.generation) m.generation = (cur.metadata.generation ?? 1) + (subresource === '' && specChanged ? 1 : 0);
    else delete m.generation;
    const spec = next.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
    const old = cur.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
    if (spec && old?.clusterIP && !spec.clusterIP) {
      // A Service update that leaves clusterIP empty keeps the allocated one.
      spec.clusterIP = old.clusterIP;
      if (old.clusterIPs) spec.clusterIPs = old.clusterIPs;
    }
    this.admission(t, next, cur);
    return next;
  }

  /** Stores `next` over `cur`: a no-op keeps the resourceVersion; an object being deleted whose last finalizer went is deleted. */
  private store(t: ResourceType, cur: KObject, next: KObject, opts?: WriteOptions): KObject {
    const held = (o: KObject): boolean => (o.metadata.finalizers?.length ?? 0) > 0 || !!fakeStrategies[t.kind]?.holdsDeletion?.(o);
    const finishing = next.metadata.deletionTimestamp && held(cur) && !held(next) && !next.metadata.deletionGracePeriodSeconds;
    if (!finishing && sameObject(next, cur)) return structuredClone(cur);
    if (opts?.dryRun) return next;
    if (finishing) this.commit(t, 'DELETED', structuredClone(cur), cur);
    else this.commit(t, 'MODIFIED', next, cur);
    return structuredClone(finishing ? cur : next);
  }

  /** Stores the change at a new revision and fans it out to the watches. */
  private commit(t: ResourceType, type: HistoryEntry['type'], obj: KObject, old?: KObject): void {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const key = objectKey(obj);
    if (type === 'DELETED') this.table(t).delete(key);
    else this.table(t).set(key, obj);
    const entry: HistoryEntry = { rv, resource: t.resource, type, object: obj };
    if (old) entry.old = old;
    this.log.push(entry);
    for (const w of this.watchers) {
      if (w.resource !== t.resource) continue;
      const ev = eventFor(entry, w.matches);
      if (!ev) continue;
      const batch: WatchBatch = { resourceVersion: String(rv), events: [ev], initialEventsEnd: false };
      if (this.paused.has(t.resource)) this.held.push({ w, batch });
      else w.push(batch);
    }
  }
}

/** What the gRPC client's readWriteAck reads from a reply carrying `obj`. */
function ackOf(obj: KObject): WriteAck {
  const m = obj.metadata;
  return { kind: obj.kind, name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', resourceVersion: m.resourceVersion ?? '' };
}
