// Calls of the streaming verbs (streams.proto) over gRPC: skiffctl and any program use it against
// the apiserver (skiff.v1.Resources); the apiserver uses it against a node's agent
// (skiff.v1.NodeAgent, with the agent's token). Errors come out as ApiErrors (fromGrpcError).
import * as grpc from '@grpc/grpc-js';
import { ApiError } from '@skiff/api';
import { RESOURCES_SERVICE, serviceDefinition } from '../grpc/service.js';
import { fromGrpcError } from '../grpc/status.js';
import type { PodExecRequest, PodExecResponse, PodLogsRequest, PodLogsResponse, PodPortForwardRequest, PodPortForwardResponse } from './stream-types.js';

export interface StreamClientConfig {
  /** host:port */
  server: string;
  /** Bearer token, sent on every call. */
  token?: string;
  /** The service called: skiff.v1.Resources (default) or skiff.v1.NodeAgent. */
  service?: string;
  userAgent?: string;
  /** Deadline of unary calls (default 30 s); streams have none. */
  timeoutMs?: number;
}

export type Duplex<Req, Res> = grpc.ClientDuplexStream<Req, Res>;

export class StreamClient {
  private readonly raw: grpc.Client;
  private readonly def: grpc.ServiceDefinition;

  constructor(private readonly config: StreamClientConfig) {
    this.def = serviceDefinition(config.service ?? RESOURCES_SERVICE);
    this.raw = new grpc.Client(config.server, grpc.credentials.createInsecure(), {
      'grpc.primary_user_agent': config.userAgent ?? 'skiff-client',
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.enable_channelz': 0,
    });
  }

  private method(name: string): grpc.MethodDefinition<unknown, unknown> {
    const m = this.def[name];
    if (!m) throw new ApiError('INTERNAL', `no method ${name}`);
    return m;
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    if (this.config.token) md.set('authorization', `Bearer ${this.config.token}`);
    return md;
  }

  /** A server stream of log chunks; cancel() ends it. Errors arrive as the stream's 'error' (a grpc ServiceError). */
  logs(request: PodLogsRequest): grpc.ClientReadableStream<PodLogsResponse> {
    const m = this.method('PodLogs');
    return this.raw.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize as (b: Buffer) => PodLogsResponse, request, this.metadata());
  }

  exec(): Duplex<PodExecRequest, PodExecResponse> {
    const m = this.method('PodExec');
    return this.raw.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize as (b: Buffer) => PodExecResponse, this.metadata());
  }

  portForward(): Duplex<PodPortForwardRequest, PodPortForwardResponse> {
    const m = this.method('PodPortForward');
    return this.raw.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize as (b: Buffer) => PodPortForwardResponse, this.metadata());
  }

  /** A unary call (TopPods, TopNodes; NodeStats on an agent) with the warnings of its response. */
  unary<Res>(name: string, request: unknown): Promise<{ response: Res; warnings: string[] }> {
    const m = this.method(name);
    return new Promise((resolve, reject) => {
      const warnings: string[] = [];
      const call = this.raw.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize as (b: Buffer) => Res, request, this.metadata(), { deadline: Date.now() + (this.config.timeoutMs ?? 30_000) }, (err, response) => {
        if (err) reject(fromGrpcError(err));
        else resolve({ response: response as Res, warnings });
      });
      call.on('metadata', (md: grpc.Metadata) => {
        for (const w of md.get('warning')) warnings.push(String(w));
      });
    });
  }

  close(): void {
    this.raw.close();
  }
}

/** The log chunks of a logs stream as an async iterable; ApiErrors out; aborting the signal cancels the call. */
export async function* logChunks(call: grpc.ClientReadableStream<PodLogsResponse>, signal?: AbortSignal): AsyncGenerator<PodLogsResponse> {
  const onAbort = () => call.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of call as AsyncIterable<PodLogsResponse>) yield chunk;
  } catch (e) {
    if ((e as grpc.ServiceError).code === grpc.status.CANCELLED && signal?.aborted) return;
    throw fromGrpcError(e);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    call.cancel();
  }
}
