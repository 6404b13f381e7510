// An in-memory Client for unit tests: one global resourceVersion counter, uid and creationTimestamp
// on create, optimistic concurrency, watch with batches and history (resume from a revision, or
// OUT_OF_RANGE once compacted), paged lists, `k=v,k!=v` label selectors and `a.b=v` field
// selectors, plus hooks to inject errors and to break watches.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type KObject,
  alreadyExists,
  conflict,
  expired,
  lookupResource,
  notFound,
  objectKey,
  resourceByKind,
  resourceTypes,
  apiVersionOf,
} from '@skiff/api';
import type {
  Client,
  DeleteOptions,
  DeleteResult,
  DiscoveryInfo,
  ListOptions,
  ListResult,
  WatchBatch,
  WatchEvent,
  WatchOptions,
  WriteOptions,
  WriteResult,
} from './client/types.js';

type Verb = 'create' | 'get' | 'list' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'watch' | 'bind';

interface HistoryEntry {
  rv: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KObject;
  old?: KObject;
}

interface Watcher {
  resource: string;
  opts: WatchOptions;
  push(batch: WatchBatch): void;
  fail(err: ApiError): void;
}

type Requirement = { key: string; op: '=' | '!='; value: string };

/** Parses `k=v,k==v,k!=v` (equality-based selectors only). */
export function parseSimpleSelector(sel: string | undefined): Requirement[] {
  if (!sel) return [];
  return sel.split(',').map((part) => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*([^\s]*)\s*$/.exec(part);
    if (!m) throw new ApiError('INVALID_ARGUMENT', `unable to parse requirement: ${part}`);
    return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

function fieldValue(obj: KObject, path: string): string {
  let v: unknown = obj;
  for (const p of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined || v === null ? '' : String(v);
}

function matches(obj: KObject, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string }): boolean {
  if (opts.namespace && obj.metadata.namespace !== opts.namespace) return false;
  const labels = obj.metadata.labels ?? {};
  for (const r of parseSimpleSelector(opts.labelSelector)) {
    if ((labels[r.key] === r.value) !== (r.op === '=')) return false;
  }
  for (const r of parseSimpleSelector(opts.fieldSelector)) {
    if ((fieldValue(obj, r.key) === r.value) !== (r.op === '=')) return false;
  }
  return true;
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A resource name as the fake stores it: the registry's plural name, or the name lower-cased. */
function resourceName(resource: string): string {
  return lookupResource(resource)?.resource ?? resource.toLowerCase();
}

function resourceOf(obj: KObject): string {
  return resourceByKind(obj.kind)?.resource ?? `${obj.kind.toLowerCase()}s`;
}

function isNamespaced(resource: string): boolean {
  return lookupResource(resource)?.namespaced ?? true;
}

export interface FakeClientOptions {
  /** Source of creationTimestamp/deletionTimestamp. Default Date.now. */
  now?: () => number;
}

export class FakeClient implements Client {
  private rv = 0;
  private compactedRV = 0;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly injected: { verb: Verb; err: ApiError; times: number }[] = [];
  private readonly now: () => number;
  /** Every call, in order: verb, resource and options, for assertions. */
  readonly calls: { verb: Verb; resource: string; opts?: unknown }[] = [];

  constructor(opts: FakeClientOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  // ---- test hooks ----

  /** The next `times` calls of `verb` reject with `err`. */
  injectError(verb: Verb, err: ApiError, times = 1): void {
    this.injected.push({ verb, err, times });
  }

  /** Ends every open watch with an ApiError (e.g. UNAVAILABLE for a lost connection, OUT_OF_RANGE). */
  breakWatches(code: ApiError['code'] = 'UNAVAILABLE', message = 'watch stream broken'): void {
    const err = code === 'OUT_OF_RANGE' ? expired(message) : new ApiError(code, message);
    for (const w of [...this.watchers]) w.fail(err);
  }

  /** Forgets history up to now: resuming a watch from an older revision fails with OUT_OF_RANGE. */
  compact(): void {
    this.compactedRV = this.rv;
    this.history.length = 0;
  }

  /** Sends a BOOKMARK at the current revision to watches that allow them. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (w.opts.allowWatchBookmarks) w.push({ resourceVersion: String(this.rv), events: [{ type: 'BOOKMARK' }], initialEventsEnd: false });
    }
  }

  /** Open watch streams. */
  watchCount(): number {
    return this.watchers.size;
  }

  /** The current (latest) resourceVersion. */
  resourceVersion(): string {
    return String(this.rv);
  }

  // ---- Client ----

  async create<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.createWithWarnings(obj, opts)).object;
  }

  async createWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    const resource = resourceOf(obj);
    this.enter('create', resource, opts);
    const o = structuredClone(obj);
    if (!isNamespaced(resource)) delete o.metadata.namespace;
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + randomUUID().slice(0, 5);
    if (!o.metadata.name) throw new ApiError('INVALID_ARGUMENT', 'metadata.name: Required value');
    const key = objectKey(o);
    if (this.table(resource).has(key)) throw alreadyExists(resource, o.metadata.name);
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    o.metadata.generation = 1;
    delete o.metadata.deletionTimestamp;
    if (!opts?.dryRun) this.commit(resource, 'ADDED', o);
    return { object: structuredClone(o), warnings: [] };
  }

  async get<T extends KObject = KObject>(resource: string, namespace: string, name: string): Promise<T> {
    const r = resourceName(resource);
    this.enter('get', r);
    return this.find(r, namespace, name) as T;
  }

  async list<T extends KObject = KObject>(resource: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    const r = resourceName(resource);
    this.enter('list', r, opts);
    if (!isNamespaced(r)) opts = { ...opts, namespace: '' };
    let after = '';
    let rv = this.rv;
    if (opts.continue) {
      const token = JSON.parse(Buffer.from(opts.continue, 'base64url').toString()) as { rv: number; after: string };
      after = token.after;
      rv = token.rv;
    }
    const all = [...this.table(r).entries()]
      .filter(([key, o]) => key > after && matches(o, opts))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const page = opts.limit && opts.limit > 0 ? all.slice(0, opts.limit) : all;
    const more = page.length < all.length;
    const cont = more ? Buffer.from(JSON.stringify({ rv, after: page[page.length - 1]![0] })).toString('base64url') : '';
    const result: ListResult<T> = { items: page.map(([, o]) => structuredClone(o) as T), resourceVersion: String(rv), continue: cont };
    if (more) result.remainingItemCount = all.length - page.length;
    return result;
  }

  async update<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.write('update', obj, opts)) as T;
  }

  async updateWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    return { object: (await this.write('update', obj, opts)) as T, warnings: [] };
  }

  async updateStatus<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.write('updateStatus', obj, opts)) as T;
  }

  async patch<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: WriteOptions & { subresource?: 'status' },
  ): Promise<T> {
    const r = resourceName(resource);
    this.enter('patch', r, opts);
    const current = this.find(r, namespace, name);
    const merged = mergePatch(current, patch) as KObject;
    const p = patch as { metadata?: { resourceVersion?: string } } | null;
    if (!p?.metadata?.resourceVersion) merged.metadata.resourceVersion = current.metadata.resourceVersion;
    return (await this.write(opts?.subresource === 'status' ? 'updateStatus' : 'update', merged, opts, false)) as T;
  }

  async patchWithWarnings<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: WriteOptions & { subresource?: 'status' },
  ): Promise<WriteResult<T>> {
    return { object: await this.patch<T>(resource, namespace, name, patch, opts), warnings: [] };
  }

  async delete<T extends KObject = KObject>(resource: string, namespace: string, name: string, opts?: DeleteOptions): Promise<DeleteResult<T>> {
    const r = resourceName(resource);
    this.enter('delete', r, opts);
    const key = isNamespaced(r) && namespace ? `${namespace}/${name}` : name;
    const current = this.table(r).get(key);
    if (!current) throw notFound(r, name);
    const pre = opts?.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(r, name, 'the UID in the precondition does not match');
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(r, name, 'the ResourceVersion in the precondition does not match');
    }
    if (current.metadata.finalizers?.length) {
      const o = structuredClone(current);
      o.metadata.deletionTimestamp ??= new Date(this.now()).toISOString();
      if (!opts?.dryRun && !current.metadata.deletionTimestamp) this.commit(r, 'MODIFIED', o, current);
      return { object: structuredClone(o) as T, pending: true };
    }
    if (!opts?.dryRun) this.commit(r, 'DELETED', structuredClone(current), current);
    return { object: structuredClone(current) as T, pending: false };
  }

  watch<T extends KObject = KObject>(resource: string, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchBatch<T>> {
    const r = resourceName(resource);
    this.enter('watch', r, opts);
    return this.stream(r, isNamespaced(r) ? opts : { ...opts, namespace: '' }, signal) as AsyncIterable<WatchBatch<T>>;
  }

  async bind(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }): Promise<KObject> {
    this.enter('bind', 'pods');
    const pod = this.find('pods', namespace, podName);
    if (preconditions?.uid && preconditions.uid !== pod.metadata.uid) throw conflict('pods', podName, 'uid mismatch');
    if (preconditions?.resourceVersion && preconditions.resourceVersion !== pod.metadata.resourceVersion) {
      throw conflict('pods', podName, 'resourceVersion mismatch');
    }
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    if (spec.nodeName) throw new ApiError('FAILED_PRECONDITION', `pod ${podName} is already assigned to node "${String(spec.nodeName)}"`);
    pod.spec = { ...spec, nodeName };
    return this.write('update', pod, undefined, false);
  }

  async discovery(): Promise<DiscoveryInfo> {
    return {
      gitVersion: 'v0.0.0-fake',
      platform: `${process.platform}/${process.arch}`,
      resources: resourceTypes.map((t) => ({
        name: t.resource,
        singularName: t.singular,
        kind: t.kind,
        group: t.group,
        version: apiVersionOf(t).split('/').pop()!,
        namespaced: t.namespaced,
        shortNames: t.shortNames,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        subresources: t.statusSubresource ? ['status'] : [],
      })),
    };
  }

  close(): void {
    for (const w of [...this.watchers]) w.fail(new ApiError('CANCELLED', 'client closed'));
  }

  // ---- internals ----

  private enter(verb: Verb, resource: string, opts?: unknown): void {
    this.calls.push({ verb, resource, opts });
    const i = this.injected.findIndex((x) => x.verb === verb);
    if (i < 0) return;
    const inj = this.injected[i]!;
    if (--inj.times <= 0) this.injected.splice(i, 1);
    throw inj.err;
  }

  /** A copy of the stored object, or NOT_FOUND. */
  private find(resource: string, namespace: string, name: string): KObject {
    const obj = this.table(resource).get(isNamespaced(resource) && namespace ? `${namespace}/${name}` : name);
    if (!obj) throw notFound(resource, name);
    return structuredClone(obj);
  }

  private table(resource: string): Map<string, KObject> {
    let t = this.objects.get(resource);
    if (!t) this.objects.set(resource, (t = new Map()));
    return t;
  }

  private async write(verb: 'update' | 'updateStatus', obj: KObject, opts?: WriteOptions, record = true): Promise<KObject> {
    const resource = resourceOf(obj);
    if (record) this.enter(verb, resource, opts);
    const key = objectKey(obj);
    const current = this.table(resource).get(key);
    if (!current) throw notFound(resource, obj.metadata.name ?? '');
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict(resource, obj.metadata.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const statusSub = lookupResource(resource)?.statusSubresource ?? false;
    let o = structuredClone(obj);
    if (statusSub && verb === 'update') o.status = structuredClone(current.status);
    if (statusSub && verb === 'updateStatus') o = { ...structuredClone(current), status: structuredClone(obj.status) };
    o.metadata.uid = current.metadata.uid;
    o.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp) o.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    const specChanged = JSON.stringify(o.spec) !== JSON.stringify(current.spec);
    o.metadata.generation = (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    if (opts?.dryRun) return o;
    if (o.metadata.deletionTimestamp && !o.metadata.finalizers?.length) {
      this.commit(resource, 'DELETED', o, current);
    } else {
      this.commit(resource, 'MODIFIED', o, current);
    }
    return structuredClone(o);
  }

  /** Stores the change at a new revision and fans it out to the watches. */
  private commit(resource: string, type: HistoryEntry['type'], obj: KObject, old?: KObject): void {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const key = objectKey(obj);
    if (type === 'DELETED') this.table(resource).delete(key);
    else this.table(resource).set(key, obj);
    const entry: HistoryEntry = { rv, resource, type, object: obj };
    if (old) entry.old = old;
    this.history.push(entry);
    for (const w of this.watchers) {
      if (w.resource !== resource) continue;
      const ev = eventFor(entry, w.opts);
      if (ev) w.push({ resourceVersion: String(rv), events: [ev], initialEventsEnd: false });
    }
  }

  private async *stream(resource: string, opts: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchBatch> {
    const buffered: WatchBatch[] = [];
    let failure: ApiError | undefined;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    const watcher: Watcher = {
      resource,
      opts,
      push: (b) => {
        buffered.push(b);
        notify();
      },
      fail: (e) => {
        failure = e;
        this.watchers.delete(watcher);
        notify();
      },
    };
    const start = opts.resourceVersion ?? '';
    if (start === '' || start === '0') {
      const events: WatchEvent[] = [...this.table(resource).values()]
        .filter((o) => matches(o, opts))
        .map((o) => ({ type: 'ADDED', object: structuredClone(o) }));
      buffered.push({ resourceVersion: String(this.rv), events, initialEventsEnd: true });
    } else {
      const from = Number(start);
      if (!Number.isFinite(from) || from < this.compactedRV) {
        throw expired(`too old resource version: ${start} (${this.compactedRV})`);
      }
      for (const entry of this.history) {
        if (entry.rv <= from || entry.resource !== resource) continue;
        const ev = eventFor(entry, opts);
        if (ev) buffered.push({ resourceVersion: String(entry.rv), events: [ev], initialEventsEnd: false });
      }
    }
    this.watchers.add(watcher);
    const onAbort = (): void => notify();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal.aborted) return;
        const next = buffered.shift();
        if (next) {
          yield next;
          continue;
        }
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.watchers.delete(watcher);
    }
  }
}

/** The event a watch with these options sees for a change (selector transitions become ADDED/DELETED). */
function eventFor(entry: HistoryEntry, opts: WatchOptions): WatchEvent | undefined {
  const now = matches(entry.object, opts);
  const before = entry.old ? matches(entry.old, opts) : false;
  const object = structuredClone(entry.object);
  if (entry.type === 'ADDED') return now ? { type: 'ADDED', object } : undefined;
  if (entry.type === 'DELETED') return before || now ? { type: 'DELETED', object } : undefined;
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}
