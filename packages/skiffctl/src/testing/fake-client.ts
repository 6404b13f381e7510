// A small in-memory Client for skiffctl's unit tests: objects by resource/namespace/name, server
// fields set on create, merge patch, simple label/field selectors, paging, recorded calls, and
// scripted watch batches. (Not a faithful apiserver: just enough to test the commands.)
import { ApiError, alreadyExists, apiVersionOf, checkStructure, invalid, lookupResource, notFound, resourceTypes, type KObject, type ResourceType } from '@skiff/api';
import type {
  Client,
  DeleteOptions,
  DeleteResult,
  DiscoveryInfo,
  ListOptions,
  ListResult,
  WatchBatch,
  WatchOptions,
  WriteOptions,
  WriteResult,
} from '@skiff/machinery';

export interface Call {
  method: string;
  resource?: string;
  namespace?: string;
  name?: string;
  body?: unknown;
  opts?: unknown;
}

export class FakeClient implements Client {
  readonly objects = new Map<string, KObject>();
  readonly calls: Call[] = [];
  /** Batches each watch() yields, then it waits for the signal. */
  watchBatches: WatchBatch[] = [];
  /** Warnings createWithWarnings and patchWithWarnings return. */
  warnings: string[] = [];
  /** Called with every object about to be stored by create or patch: throw to refuse it. */
  admit: (obj: KObject) => void = () => {};
  private rv = 100;
  private uid = 0;

  constructor(objects: KObject[] = []) {
    for (const o of objects) this.objects.set(this.key(this.type(o.kind), o.metadata.namespace ?? '', o.metadata.name ?? ''), structuredClone(o));
  }

  private type(resource: string): ResourceType {
    const t = lookupResource(resource);
    if (!t) throw new ApiError('NOT_FOUND', `the server could not find the requested resource (${resource})`);
    return t;
  }

  private key(t: ResourceType, ns: string, name: string): string {
    return `${t.resource}/${t.namespaced ? ns || 'default' : ''}/${name}`;
  }

  /** Writes calls record themselves; gets and lists too (tests check that nothing was written). */
  writes(): Call[] {
    return this.calls.filter((c) => ['create', 'update', 'patch', 'delete'].includes(c.method));
  }

  find(resource: string, namespace: string, name: string): KObject | undefined {
    return this.objects.get(this.key(this.type(resource), namespace, name));
  }

  async create<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.createWithWarnings(obj, opts)).object;
  }

  async createWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    this.calls.push({ method: 'create', resource: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '', body: obj, opts });
    const t = this.type(obj.kind);
    const errs = checkStructure(t.protoType, obj);
    if (errs.length > 0) throw invalid(obj.kind, obj.metadata.name ?? '', errs);
    const o = structuredClone(obj);
    this.admit(o);
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}x${++this.uid}`;
    const k = this.key(t, o.metadata.namespace ?? '', o.metadata.name ?? '');
    if (this.objects.has(k)) throw alreadyExists(t.group ? `${t.resource}.${t.group}` : t.resource, o.metadata.name ?? '');
    o.apiVersion = apiVersionOf(t);
    if (t.namespaced) o.metadata.namespace = o.metadata.namespace || 'default';
    o.metadata.uid = `uid-${++this.uid}`;
    o.metadata.resourceVersion = String(++this.rv);
    o.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
    if (t.kind === 'Service') {
      const spec = (o.spec ?? {}) as Record<string, unknown>;
      if (!spec.clusterIP) spec.clusterIP = '10.96.0.10';
      o.spec = spec;
    }
    if (!opts?.dryRun) this.objects.set(k, o);
    return { object: structuredClone(o) as T, warnings: [...this.warnings] };
  }

  async get<T extends KObject = KObject>(resource: string, namespace: string, name: string): Promise<T> {
    this.calls.push({ method: 'get', resource, namespace, name });
    const t = this.type(resource);
    const o = this.objects.get(this.key(t, namespace, name));
    if (!o) throw notFound(t.group ? `${t.resource}.${t.group}` : t.resource, name);
    return structuredClone(o) as T;
  }

  async list<T extends KObject = KObject>(resource: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.calls.push({ method: 'list', resource, opts });
    const t = this.type(resource);
    const all = [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${t.resource}/`))
      .map(([, o]) => o)
      .filter((o) => !opts.namespace || !t.namespaced || o.metadata.namespace === opts.namespace)
      .filter((o) => matchLabels(o, opts.labelSelector))
      .filter((o) => matchFields(o, opts.fieldSelector))
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    const start = opts.continue ? Number(opts.continue) : 0;
    const end = opts.limit ? start + opts.limit : all.length;
    const items = all.slice(start, end).map((o) => structuredClone(o) as T);
    return { items, resourceVersion: String(this.rv), continue: end < all.length ? String(end) : '' };
  }

  async update<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.updateWithWarnings(obj, opts)).object;
  }

  async updateWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    this.calls.push({ method: 'update', resource: obj.kind, name: obj.metadata.name ?? '', body: obj, opts });
    const t = this.type(obj.kind);
    const k = this.key(t, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (!this.objects.has(k)) throw notFound(t.resource, obj.metadata.name ?? '');
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.rv);
    if (!opts?.dryRun) this.objects.set(k, o);
    return { object: structuredClone(o) as T, warnings: [] };
  }

  async updateStatus<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return this.update(obj, opts);
  }

  async patch<T extends KObject = KObject>(resource: string, namespace: string, name: string, patch: unknown, opts?: WriteOptions): Promise<T> {
    this.calls.push({ method: 'patch', resource, namespace, name, body: patch, opts });
    const t = this.type(resource);
    const k = this.key(t, namespace, name);
    const cur = this.objects.get(k);
    if (!cur) throw notFound(t.resource, name);
    const next = mergePatch(cur, patch) as KObject;
    const errs = checkStructure(t.protoType, next);
    if (errs.length > 0) throw invalid(t.kind, name, errs);
    this.admit(next);
    next.metadata.resourceVersion = String(++this.rv);
    if (!opts?.dryRun) this.objects.set(k, next);
    return structuredClone(next) as T;
  }

  async patchWithWarnings<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: WriteOptions,
  ): Promise<WriteResult<T>> {
    return { object: await this.patch<T>(resource, namespace, name, patch, opts), warnings: [...this.warnings] };
  }

  async delete<T extends KObject = KObject>(resource: string, namespace: string, name: string, opts?: DeleteOptions): Promise<DeleteResult<T>> {
    this.calls.push({ method: 'delete', resource, namespace, name, opts });
    const t = this.type(resource);
    const k = this.key(t, namespace, name);
    const cur = this.objects.get(k);
    if (!cur) throw notFound(t.group ? `${t.resource}.${t.group}` : t.resource, name);
    if (!opts?.dryRun) this.objects.delete(k);
    return { object: cur as T, pending: false };
  }

  async *watch<T extends KObject = KObject>(resource: string, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchBatch<T>> {
    this.calls.push({ method: 'watch', resource, opts });
    const batches = this.watchBatches;
    this.watchBatches = [];
    for (const b of batches) yield b as WatchBatch<T>;
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async bind(namespace: string, podName: string, nodeName: string): Promise<KObject> {
    return this.patch('pods', namespace, podName, { spec: { nodeName } });
  }

  async discovery(): Promise<DiscoveryInfo> {
    this.calls.push({ method: 'discovery' });
    return {
      gitVersion: 'v0.1.0-fake',
      platform: 'linux/amd64',
      resources: resourceTypes.map((t) => ({
        name: t.resource,
        singularName: t.singular,
        kind: t.kind,
        group: t.group,
        version: t.version,
        namespaced: t.namespaced,
        shortNames: t.shortNames,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        subresources: t.statusSubresource ? ['status'] : [],
      })),
    };
  }

  close(): void {}
}

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? structuredClone(target as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function matchLabels(o: KObject, sel: string | undefined): boolean {
  if (!sel) return true;
  const labels = o.metadata.labels ?? {};
  return sel.split(',').every((term) => {
    const [k, v] = term.split(/!?=/) as [string, string | undefined];
    if (v === undefined) return k.startsWith('!') ? !(k.slice(1) in labels) : k in labels;
    return term.includes('!=') ? labels[k] !== v : labels[k] === v;
  });
}

function matchFields(o: KObject, sel: string | undefined): boolean {
  if (!sel) return true;
  return sel.split(',').every((term) => {
    const [path, v] = term.split(/==?/) as [string, string];
    let cur: unknown = o;
    for (const p of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[p];
    return String(cur ?? '') === v;
  });
}
