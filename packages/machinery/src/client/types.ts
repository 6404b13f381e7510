// The typed client contract every component uses to talk to the apiserver. The gRPC implementation
// is in grpc-client.ts; tests may use any other implementation of the same interface.
import type { APIResourceInfo, KObject, Scale } from '@skiff/api';

export interface ListOptions {
  /** Empty or undefined: every namespace (for namespaced resources). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** "" most recent (from etcd), "0" any (watch cache), or an exact revision. */
  resourceVersion?: string;
}

export interface ListResult<T extends KObject = KObject> {
  items: T[];
  resourceVersion: string;
  continue: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** "" or "0": initial ADDED events for current objects first. Else: changes after this revision. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KObject = KObject> {
  type: WatchEventType;
  /** Unset for BOOKMARK. */
  object?: T;
}

/** All the events of one revision; resume from `resourceVersion` after processing all of them. */
export interface WatchBatch<T extends KObject = KObject> {
  resourceVersion: string;
  events: WatchEvent<T>[];
  initialEventsEnd: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
}

/** JSON merge patch (RFC 7386) or Kubernetes' strategic merge patch (lists merged by key). */
export type PatchType = 'application/merge-patch+json' | 'application/strategic-merge-patch+json';

export interface PatchOptions extends WriteOptions {
  /** "status" patches only the status. */
  subresource?: 'status';
  /** Default: JSON merge patch. */
  patchType?: PatchType;
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

/** Which objects DeleteCollection deletes (namespace and selectors as in a list) and how. */
export interface DeleteCollectionOptions extends WriteOptions {
  /** Empty or undefined: every namespace (for namespaced resources). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
}

export interface WriteResult<T extends KObject = KObject> {
  object: T;
  /** Warnings the server sent with the response (e.g. a deprecated apiVersion). */
  warnings: string[];
}

/**
 * What a write stored, for a caller that does not read the object: its identity and
 * resourceVersion, read from the reply without decoding the object (grpc/write-ack.ts).
 */
export interface WriteAck {
  kind: string;
  name: string;
  /** "" for cluster-scoped kinds. */
  namespace: string;
  uid: string;
  resourceVersion: string;
}

export interface DeleteResult<T extends KObject = KObject> {
  object: T;
  /** True while the object still exists, waiting for finalizers. */
  pending: boolean;
}

/** What discovery says of one resource type; defined beside the resource table in @skiff/api. */
export type { APIResourceInfo } from '@skiff/api';

export interface DiscoveryInfo {
  gitVersion: string;
  platform: string;
  resources: APIResourceInfo[];
}

/**
 * The API, typed. Every method rejects with an ApiError (from @skiff/api) carrying the server's
 * code, reason and field violations. `resource` is a resource name, short name or kind.
 */
export interface Client {
  create<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T>;
  /** Like create, also returning the server's warnings. */
  createWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>>;
  /** Like create, for a caller that does not read the stored object: the reply is not decoded (an Event's create). */
  createAck(obj: KObject, opts?: WriteOptions): Promise<WriteAck>;
  get<T extends KObject = KObject>(resource: string, namespace: string, name: string): Promise<T>;
  list<T extends KObject = KObject>(resource: string, opts?: ListOptions): Promise<ListResult<T>>;
  update<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T>;
  updateWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>>;
  updateStatus<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T>;
  /** A JSON merge patch (RFC 7386) unless opts.patchType says otherwise; subresource "status" patches only the status. */
  patch<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<T>;
  /** Like patch, also returning the server's warnings. */
  patchWithWarnings<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<WriteResult<T>>;
  /** Like patch, the reply not decoded (createAck). */
  patchAck(resource: string, namespace: string, name: string, patch: unknown, opts?: PatchOptions): Promise<WriteAck>;
  delete<T extends KObject = KObject>(resource: string, namespace: string, name: string, opts?: DeleteOptions): Promise<DeleteResult<T>>;
  /** Deletes every object the options select; one result per object, in list order. */
  deleteCollection<T extends KObject = KObject>(resource: string, opts?: DeleteCollectionOptions): Promise<DeleteResult<T>[]>;
  /**
   * Streams change batches until `signal` aborts (then the iterator ends quietly) or the server ends
   * the stream (the iterator throws the ApiError, e.g. OUT_OF_RANGE for a too-old resourceVersion,
   * or ends when the server closed cleanly).
   */
  watch<T extends KObject = KObject>(resource: string, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchBatch<T>>;
  /** Binds a pod to a node (FAILED_PRECONDITION if it already has one); `annotations` are set on the pod in the same write. */
  bind(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<KObject>;
  /** Like bind, the reply not decoded (createAck): the scheduler's Bind. */
  bindAck(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<WriteAck>;
  /** The scale subresource (deployments, replicasets): spec.replicas, status.replicas and the selector string. */
  getScale(resource: string, namespace: string, name: string): Promise<Scale>;
  /** Writes spec.replicas; scale.metadata.resourceVersion, when set, is a precondition (ABORTED). */
  updateScale(resource: string, scale: Scale, opts?: WriteOptions): Promise<Scale>;
  discovery(): Promise<DiscoveryInfo>;
  close(): void;
}
