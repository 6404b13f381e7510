// Typed clients, as client-go's clientset: one client per kind, bound to a namespace
// (`clients.pods('default').get('web')`), taking and returning the kind's type from @skiff/api.
// They sit on the generic Client; any Client (gRPC, the fake) works underneath.
import { ApiError, type KObject, type ResourceType, apiVersionOf, fieldError, lookupResource } from '@skiff/api';
import type {
  Client,
  DeleteCollectionOptions,
  DeleteOptions,
  DeleteResult,
  ListOptions,
  ListResult,
  PatchOptions,
  WatchBatch,
  WatchOptions,
  WriteAck,
  WriteOptions,
} from './types.js';

/** One kind in one namespace ("" for cluster-scoped kinds, or every namespace for list and watch). */
export interface TypedClient<T extends KObject> {
  readonly type: ResourceType;
  /** "" for cluster-scoped kinds and for an all-namespaces client. */
  readonly namespace: string;
  /** Fills apiVersion, kind and the namespace when absent; a different namespace is refused. */
  create(obj: T, opts?: WriteOptions): Promise<T>;
  /** Like create, for a caller that does not read the stored object: the reply is not decoded. */
  createAck(obj: T, opts?: WriteOptions): Promise<WriteAck>;
  get(name: string): Promise<T>;
  list(opts?: Omit<ListOptions, 'namespace'>): Promise<ListResult<T>>;
  watch(opts: Omit<WatchOptions, 'namespace'>, signal: AbortSignal): AsyncIterable<WatchBatch<T>>;
  /** A write with obj.metadata.resourceVersion fails ABORTED (a conflict) when the object changed since. */
  update(obj: T, opts?: WriteOptions): Promise<T>;
  updateStatus(obj: T, opts?: WriteOptions): Promise<T>;
  patch(name: string, patch: unknown, opts?: PatchOptions): Promise<T>;
  delete(name: string, opts?: DeleteOptions): Promise<DeleteResult<T>>;
  /** Deletes every object of the client's namespace (all namespaces if none) that the selectors match. */
  deleteCollection(opts?: Omit<DeleteCollectionOptions, 'namespace'>): Promise<DeleteResult<T>[]>;
}

export interface PodClient<T extends KObject> extends TypedClient<T> {
  /** Binds the pod to a node (FAILED_PRECONDITION when it already has one); `annotations` are set on the pod in the same write. */
  bind(name: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<T>;
  /** Like bind, the reply not decoded (the scheduler's Bind). */
  bindAck(name: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<WriteAck>;
}

function typeOf(resource: string): ResourceType {
  const t = lookupResource(resource);
  if (!t) throw new ApiError('NOT_FOUND', `the server could not find the requested resource (${resource})`);
  return t;
}

class Typed<T extends KObject> implements TypedClient<T> {
  readonly type: ResourceType;
  readonly namespace: string;

  constructor(
    protected readonly client: Client,
    resource: string,
    namespace: string,
  ) {
    this.type = typeOf(resource);
    this.namespace = this.type.namespaced ? namespace : '';
  }

  /** The object as sent: type fields filled, namespace checked against the client's. */
  private prepare(obj: T): T {
    const ns = obj.metadata?.namespace ?? '';
    if (this.type.namespaced && this.namespace && ns && ns !== this.namespace) {
      throw new ApiError('INVALID_ARGUMENT', `the namespace of the provided object (${ns}) does not match the namespace sent on the request (${this.namespace})`, {
        reason: 'BadRequest',
        fields: [fieldError('metadata.namespace', 'Invalid', 'does not match the namespace of the request', ns)],
      });
    }
    const out = { ...obj, apiVersion: obj.apiVersion || apiVersionOf(this.type), kind: obj.kind || this.type.kind };
    if (out.kind !== this.type.kind) {
      throw new ApiError('INVALID_ARGUMENT', `a ${this.type.kind} client cannot write a ${out.kind}`, { reason: 'BadRequest', fields: [fieldError('kind', 'Invalid', `must be ${this.type.kind}`, out.kind)] });
    }
    if (this.type.namespaced && !ns && this.namespace) out.metadata = { ...obj.metadata, namespace: this.namespace };
    return out;
  }

  protected requireNamespace(verb: string): string {
    if (this.type.namespaced && !this.namespace) {
      throw new ApiError('INVALID_ARGUMENT', `${verb} of a ${this.type.kind} needs a namespace: use ${this.type.resource}(namespace)`, { reason: 'BadRequest' });
    }
    return this.namespace;
  }

  async create(obj: T, opts?: WriteOptions): Promise<T> {
    return this.client.create(this.prepare(obj), opts);
  }

  async createAck(obj: T, opts?: WriteOptions): Promise<WriteAck> {
    return this.client.createAck(this.prepare(obj), opts);
  }

  async get(name: string): Promise<T> {
    return this.client.get<T>(this.type.resource, this.requireNamespace('get'), name);
  }

  async list(opts: Omit<ListOptions, 'namespace'> = {}): Promise<ListResult<T>> {
    return this.client.list<T>(this.type.resource, { ...opts, namespace: this.namespace });
  }

  watch(opts: Omit<WatchOptions, 'namespace'>, signal: AbortSignal): AsyncIterable<WatchBatch<T>> {
    return this.client.watch<T>(this.type.resource, { ...opts, namespace: this.namespace }, signal);
  }

  async update(obj: T, opts?: WriteOptions): Promise<T> {
    return this.client.update(this.prepare(obj), opts);
  }

  async updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    return this.client.updateStatus(this.prepare(obj), opts);
  }

  async patch(name: string, patch: unknown, opts?: PatchOptions): Promise<T> {
    return this.client.patch<T>(this.type.resource, this.requireNamespace('patch'), name, patch, opts);
  }

  async delete(name: string, opts?: DeleteOptions): Promise<DeleteResult<T>> {
    return this.client.delete<T>(this.type.resource, this.requireNamespace('delete'), name, opts);
  }

  async deleteCollection(opts: Omit<DeleteCollectionOptions, 'namespace'> = {}): Promise<DeleteResult<T>[]> {
    return this.client.deleteCollection<T>(this.type.resource, { ...opts, namespace: this.namespace });
  }
}

class TypedPods<T extends KObject> extends Typed<T> implements PodClient<T> {
  async bind(name: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<T> {
    return (await this.client.bind(this.requireNamespace('bind'), name, nodeName, preconditions, annotations)) as T;
  }

  async bindAck(name: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<WriteAck> {
    return this.client.bindAck(this.requireNamespace('bind'), name, nodeName, preconditions, annotations);
  }
}

/** A typed client for any served resource (name, short name or kind). */
export function typedClient<T extends KObject>(client: Client, resource: string, namespace = ''): TypedClient<T> {
  return new Typed<T>(client, resource, namespace);
}

/** The typed pods client (with bind). */
export function podClient<T extends KObject>(client: Client, namespace = ''): PodClient<T> {
  return new TypedPods<T>(client, 'pods', namespace);
}
