// The Client over gRPC: one HTTP/2 connection to the apiserver, typed methods, ApiErrors out.
import * as grpc from '@grpc/grpc-js';
import { ApiError, lookupResource, type KObject, type Scale } from '@skiff/api';
import { codecFor } from '../grpc/codec.js';
import { resourcesServiceDefinition } from '../grpc/service.js';
import { fromGrpcError } from '../grpc/status.js';
import { readWriteAck } from '../grpc/write-ack.js';
import { bindRequestValue, encodeBindRequest } from '../grpc/bind-request.js';
import { LeanUnaryClient } from '../grpc/lean-unary-client.js';
import { ClientRateLimiter, type RateLimitOptions } from './rate-limit.js';
import type {
  Client,
  DeleteCollectionOptions,
  DeleteOptions,
  DeleteResult,
  DiscoveryInfo,
  ListOptions,
  ListResult,
  PatchOptions,
  PatchType,
  WatchBatch,
  WatchOptions,
  WriteOptions,
  WriteAck,
  WriteResult,
} from './types.js';

export interface ClientConfig {
  /** host:port of the apiserver. */
  server: string;
  /** Bearer token, sent on every call. */
  token?: string;
  /** Per-call deadline for unary calls (default 30 s). */
  timeoutMs?: number;
  /** Identifies the caller in the server's logs ("skiff-scheduler"). */
  userAgent?: string;
  /**
   * Client-side rate limit of every request (watch starts included): qps (default 50, <= 0 off)
   * and burst (default 100). See rate-limit.ts for why these defaults.
   */
  rateLimit?: RateLimitOptions;
}

const MAX_MESSAGE = 64 * 1024 * 1024;
/**
 * HTTP/2 receive window, per stream and for the connection. grpc-js keeps HTTP/2's default, 64 KiB
 * for the whole connection, so a client whose event loop is busy takes in at most 64 KiB per round
 * trip of WINDOW_UPDATE across all its watches and replies: the scheduler, binding some 700 pods/s
 * while its pod watch carries each pod twice, received its pods seconds after they were created.
 * client-go's transport (Go's net/http2) opens 4 MiB per stream and 1 GiB per connection; 4 MiB here.
 */
const FLOW_CONTROL_WINDOW = 4 * 1024 * 1024;
/** Delay before reconnecting to an unreachable apiserver: from `initial`, growing x1.6 per failed attempt, at most `max`. */
const RECONNECT_BACKOFF_MS = { initial: 100, max: 1000 } as const;
const KEEPALIVE = { timeMs: 30_000, timeoutMs: 10_000 } as const;
const MERGE_PATCH: PatchType = 'application/merge-patch+json';

export function createClient(config: ClientConfig): Client {
  return new GrpcClient(config);
}

class GrpcClient implements Client {
  private readonly raw: grpc.Client;
  private readonly def = resourcesServiceDefinition();
  private readonly limiter: ClientRateLimiter;
  /** The *Ack writes' calls (grpc/lean-unary-client.ts): their reply is read as a WriteAck, bytes in. */
  private readonly lean: LeanUnaryClient;

  constructor(private readonly config: ClientConfig) {
    this.limiter = new ClientRateLimiter(config.rateLimit);
    this.lean = new LeanUnaryClient({
      server: config.server,
      token: config.token,
      userAgent: config.userAgent,
      windowBytes: FLOW_CONTROL_WINDOW,
      maxReceiveBytes: MAX_MESSAGE,
      keepaliveMs: KEEPALIVE.timeMs,
      keepaliveTimeoutMs: KEEPALIVE.timeoutMs,
    });
    this.raw = new grpc.Client(config.server, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE,
      'grpc.max_send_message_length': MAX_MESSAGE,
      'grpc.primary_user_agent': config.userAgent ?? 'skiff-client',
      'grpc.keepalive_time_ms': KEEPALIVE.timeMs,
      'grpc.keepalive_timeout_ms': KEEPALIVE.timeoutMs,
      // Reconnect soon after the apiserver is back (client-go dials again on the next request).
      // grpc-js's default backoff (1 s, x1.6 per failed attempt, up to 120 s) kept clients away
      // from a restarted apiserver for seconds after it was ready: the controller-manager's and
      // the scheduler's lease renewals still failed, and they lost leadership, in 5 of 6 kills.
      'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF_MS.initial,
      'grpc.max_reconnect_backoff_ms': RECONNECT_BACKOFF_MS.max,
      'grpc.enable_channelz': 0,
      'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
    });
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    if (this.config.token) md.set('authorization', `Bearer ${this.config.token}`);
    return md;
  }

  /**
   * One unary call through grpc-js: the request is encoded here, so a malformed one rejects before
   * sending; the reply is decoded by the method's deserializer.
   */
  private async unary<Res>(method: string, request: unknown): Promise<{ response: Res; warnings: string[] }> {
    const { m, bytes } = this.encode(method, request);
    await this.limiter.wait();
    return new Promise((resolve, reject) => {
      const warnings: string[] = [];
      const call = this.raw.makeUnaryRequest(
        m.path,
        (b: Buffer) => b,
        m.responseDeserialize as (b: Buffer) => Res,
        bytes,
        this.metadata(),
        { deadline: Date.now() + (this.config.timeoutMs ?? 30_000) },
        (err, response) => {
          if (err) reject(fromGrpcError(err));
          else resolve({ response: response as Res, warnings });
        },
      );
      call.on('metadata', (md: grpc.Metadata) => {
        for (const w of md.get('warning')) warnings.push(String(w));
      });
    });
  }

  /** The method and the request's bytes; a malformed request rejects here, before anything is sent. */
  private encode(method: string, request: unknown): { m: grpc.MethodDefinition<unknown, unknown>; bytes: Buffer } {
    const m = this.def[method];
    if (!m) throw new ApiError('INTERNAL', `no method ${method}`);
    try {
      return { m, bytes: m.requestSerialize(request) };
    } catch (e) {
      throw fromGrpcError(e);
    }
  }

  /** A write whose reply is read only for the object's identity, on the lean path. */
  private async ackCall(method: string, request: unknown): Promise<WriteAck> {
    const { m, bytes } = this.encode(method, request);
    await this.limiter.wait();
    let reply: Buffer;
    try {
      reply = (await this.lean.call(m.path, bytes, this.config.timeoutMs ?? 30_000)).response;
    } catch (e) {
      throw fromGrpcError(e);
    }
    return readWriteAck(reply);
  }

  async create<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.createWithWarnings(obj, opts)).object;
  }

  async createWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    const { response, warnings } = await this.unary<T>('Create', { object: obj, ...dry(opts) });
    return { object: response, warnings };
  }

  async createAck(obj: KObject, opts?: WriteOptions): Promise<WriteAck> {
    return this.ackCall('Create', { object: obj, ...dry(opts) });
  }

  async get<T extends KObject = KObject>(resource: string, namespace: string, name: string): Promise<T> {
    return (await this.unary<T>('Get', { resource, namespace, name })).response;
  }

  async list<T extends KObject = KObject>(resource: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    const { response } = await this.unary<{ items?: T[]; resourceVersion?: string; continue?: string; remainingItemCount?: number }>('List', {
      resource,
      namespace: opts.namespace ?? '',
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      limit: opts.limit ?? 0,
      continue: opts.continue ?? '',
      resourceVersion: opts.resourceVersion ?? '',
    });
    const out: ListResult<T> = { items: response.items ?? [], resourceVersion: response.resourceVersion ?? '', continue: response.continue ?? '' };
    if (response.remainingItemCount !== undefined) out.remainingItemCount = response.remainingItemCount;
    return out;
  }

  async update<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.updateWithWarnings(obj, opts)).object;
  }

  async updateWithWarnings<T extends KObject>(obj: T, opts?: WriteOptions): Promise<WriteResult<T>> {
    const { response, warnings } = await this.unary<T>('Update', { object: obj, ...dry(opts) });
    return { object: response, warnings };
  }

  async updateStatus<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T> {
    return (await this.unary<T>('UpdateStatus', { object: obj, ...dry(opts) })).response;
  }

  async patch<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<T> {
    return (await this.patchWithWarnings<T>(resource, namespace, name, patch, opts)).object;
  }

  async patchWithWarnings<T extends KObject = KObject>(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<WriteResult<T>> {
    const { response, warnings } = await this.unary<T>('Patch', patchRequest(resource, namespace, name, patch, opts));
    return { object: response, warnings };
  }

  async patchAck(resource: string, namespace: string, name: string, patch: unknown, opts?: PatchOptions): Promise<WriteAck> {
    return this.ackCall('Patch', patchRequest(resource, namespace, name, patch, opts));
  }

  async delete<T extends KObject = KObject>(resource: string, namespace: string, name: string, opts: DeleteOptions = {}): Promise<DeleteResult<T>> {
    const req: Record<string, unknown> = { resource, namespace, name, propagationPolicy: opts.propagationPolicy ?? '', ...dry(opts) };
    if (opts.preconditions) req.preconditions = opts.preconditions;
    if (opts.gracePeriodSeconds !== undefined) req.gracePeriodSeconds = opts.gracePeriodSeconds;
    const { response } = await this.unary<{ object: T; pending?: boolean }>('Delete', req);
    return { object: response.object, pending: !!response.pending };
  }

  async deleteCollection<T extends KObject = KObject>(resource: string, opts: DeleteCollectionOptions = {}): Promise<DeleteResult<T>[]> {
    const req: Record<string, unknown> = {
      resource,
      namespace: opts.namespace ?? '',
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      propagationPolicy: opts.propagationPolicy ?? '',
      ...dry(opts),
    };
    if (opts.gracePeriodSeconds !== undefined) req.gracePeriodSeconds = opts.gracePeriodSeconds;
    const { response } = await this.unary<{ items?: { object: T; pending?: boolean }[] }>('DeleteCollection', req);
    return (response.items ?? []).map((i) => ({ object: i.object, pending: !!i.pending }));
  }

  async *watch<T extends KObject = KObject>(resource: string, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchBatch<T>> {
    const m = this.def.Watch!;
    const req = m.requestSerialize({
      resource,
      namespace: opts.namespace ?? '',
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      resourceVersion: opts.resourceVersion ?? '',
      allowWatchBookmarks: !!opts.allowWatchBookmarks,
      sendInitialEvents: !!opts.sendInitialEvents,
    });
    if (!(await this.limiter.wait(signal))) return;
    const call = this.raw.makeServerStreamRequest(m.path, (b: Buffer) => b, m.responseDeserialize, req, this.metadata(), {});
    const onAbort = (): void => call.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const msg of call as AsyncIterable<{ resourceVersion?: string; events?: WatchBatch<T>['events']; initialEventsEnd?: boolean }>) {
        yield { resourceVersion: msg.resourceVersion ?? '', events: msg.events ?? [], initialEventsEnd: !!msg.initialEventsEnd };
      }
    } catch (e) {
      if (signal.aborted) return;
      throw fromGrpcError(e);
    } finally {
      signal.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  async bind(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<KObject> {
    return (await this.unary<KObject>('Bind', bindRequest(namespace, podName, nodeName, preconditions, annotations))).response;
  }

  async bindAck(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Promise<WriteAck> {
    return this.ackCall('Bind', bindRequest(namespace, podName, nodeName, preconditions, annotations));
  }

  async getScale(resource: string, namespace: string, name: string): Promise<Scale> {
    return (await this.unary<Scale>('GetScale', { resource, namespace, name })).response;
  }

  async updateScale(resource: string, scale: Scale, opts?: WriteOptions): Promise<Scale> {
    return (await this.unary<Scale>('UpdateScale', { resource, scale, ...dry(opts) })).response;
  }

  async discovery(): Promise<DiscoveryInfo> {
    const { response } = await this.unary<Partial<DiscoveryInfo>>('Discovery', {});
    return {
      gitVersion: response.gitVersion ?? '',
      platform: response.platform ?? '',
      resources: (response.resources ?? []).map((r) => ({
        name: r.name ?? '',
        singularName: r.singularName ?? '',
        kind: r.kind ?? '',
        group: r.group ?? '',
        version: r.version ?? '',
        namespaced: !!r.namespaced,
        shortNames: r.shortNames ?? [],
        verbs: r.verbs ?? [],
        subresources: r.subresources ?? [],
      })),
    };
  }

  close(): void {
    this.lean.close();
    this.raw.close();
  }
}

function dry(opts?: WriteOptions): { dryRun?: boolean } {
  return opts?.dryRun ? { dryRun: true } : {};
}

function patchRequest(resource: string, namespace: string, name: string, patch: unknown, opts?: PatchOptions): Record<string, unknown> {
  return {
    resource,
    namespace,
    name,
    patchType: opts?.patchType ?? MERGE_PATCH,
    patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    subresource: opts?.subresource ?? '',
    ...dry(opts),
  };
}

/** A BindRequest: its bytes written directly when plain (grpc/bind-request.ts), else the value for the codec. */
function bindRequest(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Buffer | Record<string, unknown> {
  return encodeBindRequest(namespace, podName, nodeName, preconditions, annotations) ?? bindRequestValue(namespace, podName, nodeName, preconditions, annotations);
}


/** Whether the resource name is one the API serves (client-side check before a call). */
export function knownResource(resource: string): boolean {
  return lookupResource(resource) !== undefined;
}

/** Encodes a request for a raw call (tests that send hand-made bytes use the same codec). */
export function encodeRequest(typeName: string, value: unknown): Buffer {
  return codecFor<unknown>(typeName).encode(value);
}
