// The hot unary methods (Create, Update, Get ...) answered on the HTTP/2 stream itself: the
// server-side counterpart of etcd/etcd-wire.ts.
//
// Through grpc-js a unary call passes its interceptor chain, a BaseServerInterceptingCall (metadata
// parsed into a Metadata object, a stream decoder, a read queue, a decompression promise per
// message), handleUnary's listener and a ServerUnaryCallImpl (an EventEmitter) before the handler
// runs, and the same layers again to answer. For a create that is a large part of the apiserver's
// CPU beside the registry's own work (packages/apiserver/README.md has the figures). Here the
// request's bytes are read off the stream, decoded with the method's own deserializer, handed to the
// same handler function grpc-js would call, and the answer is written back with the headers and
// trailers grpc-js writes, byte for byte: status codes and messages, trailers-only error responses,
// deadlines (grpc-timeout, the same parsing and DEADLINE_EXCEEDED), the receive limit, a second or a
// missing request message, custom response metadata (warnings).
//
// grpc-js's channelz call counters do not count these calls (nothing in the apiserver reads them).
//
// Only what is plain goes this way; everything else stays with grpc-js unchanged: other methods
// (streams, health, reflection), a request with a grpc-encoding other than identity (grpc-js
// inflates gzip/deflate and refuses other encodings) and a content-type that is not gRPC. A server
// with interceptors (the token authentication) gets the lean path only when the caller hands in the
// same check as `authenticate` (grpc/auth.ts gives both from one function): it runs where grpc-js
// runs the interceptor, before the request is read, and its status is sent as the interceptor's is.
//
// grpc-js does not offer this as API: `install` takes the 'stream' listener grpc-js put on its
// HTTP/2 server and puts a dispatcher in its place, which hands every stream it does not take to
// that same listener. It checks that grpc-js's internals are what it expects (the version in
// package.json is pinned by the lock file) and throws otherwise; the server then logs it and serves
// every call through grpc-js.
import * as grpc from '@grpc/grpc-js';
import type http2 from 'node:http2';
import { grpcFrame } from '@skiff/machinery';

type Unary = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => void;

export interface LeanMethod {
  definition: grpc.MethodDefinition<unknown, unknown>;
  handler: Unary;
}

/**
 * What the server's interceptors check, for a call served here: undefined lets it through, a status
 * refuses it (sent as grpc-js sends a status an interceptor gives). `call` is the object the handler
 * gets.
 */
export type LeanAuthenticate = (call: object, path: string, headers: http2.IncomingHttpHeaders) => Status | undefined;

/** The server's limits, read from its options with grpc-js's defaults. */
interface LeanOptions {
  maxReceiveMessageLength: number;
  maxSendMessageLength: number;
  authenticate: LeanAuthenticate | undefined;
}

const GRPC_STATUS = 'grpc-status';
const GRPC_MESSAGE = 'grpc-message';
// As grpc-js's server-interceptors.ts (defaultResponseHeaders, defaultCompressionHeaders).
const RESPONSE_HEADERS = Object.freeze({
  ':status': 200,
  'content-type': 'application/grpc+proto',
  'grpc-accept-encoding': 'identity,deflate,gzip',
  'grpc-encoding': 'identity',
});
const TRAILERS_ONLY_HEADERS = Object.freeze({ ':status': 200, 'content-type': 'application/grpc+proto' });
const RESPOND_OPTIONS = Object.freeze({ waitForTrailers: true });
const END_STREAM = Object.freeze({ endStream: true });
const OK_TRAILERS = Object.freeze({ [GRPC_STATUS]: 0, [GRPC_MESSAGE]: 'OK' });
const DEADLINE_REGEX = /(\d{1,8})\s*([HMSmun])/;
const UNIT_MS: Record<string, number> = { H: 3600000, M: 60000, S: 1000, m: 1, u: 0.001, n: 0.000001 };
const ignore = (): void => {};

export interface Status {
  code: number;
  details: string;
  metadata?: grpc.Metadata | null;
}

/** The status grpc-js makes of what a handler passes to its callback (server-call.ts serverErrorToStatus). */
function errorToStatus(error: NonNullable<Parameters<grpc.sendUnaryData<unknown>>[0]>): Status {
  const e = error as Partial<grpc.ServiceError> & { message?: string };
  const status: Status = { code: grpc.status.UNKNOWN, details: 'message' in e && e.message !== undefined ? e.message : 'Unknown Error', metadata: e.metadata ?? null };
  if (typeof e.code === 'number' && Number.isInteger(e.code)) {
    status.code = e.code;
    if (typeof e.details === 'string') status.details = e.details;
  }
  return status;
}

/** One call: what grpc-js's ServerUnaryCall offers a unary handler of the apiserver. */
class LeanCall {
  private md: grpc.Metadata | undefined;
  metadataSent = false;
  done = false;
  deadlineTimer: NodeJS.Timeout | undefined;
  deadline = Infinity;
  request: unknown = undefined;
  cancelled = false;

  constructor(
    readonly stream: http2.ServerHttp2Stream,
    private readonly headers: http2.IncomingHttpHeaders,
    private readonly method: LeanMethod,
    private readonly options: LeanOptions,
  ) {}

  get metadata(): grpc.Metadata {
    if (!this.md) {
      const md = grpc.Metadata.fromHttp2Headers(this.headers);
      // As grpc-js: headers of the transport are not the application's metadata.
      for (const h of ['grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'accept-encoding', 'te', 'content-type']) md.remove(h);
      this.md = md;
    }
    return this.md;
  }

  getPeer(): string {
    const socket = this.stream.session?.socket;
    if (!socket?.remoteAddress) return 'unknown';
    return socket.remotePort ? `${socket.remoteAddress}:${socket.remotePort}` : socket.remoteAddress;
  }

  getDeadline(): number {
    return this.deadline;
  }

  getPath(): string {
    return this.method.definition.path;
  }

  /** Whether the stream can still carry an answer (grpc-js's checkCancelled). */
  private open(): boolean {
    if (this.done) return false;
    if (this.stream.destroyed || this.stream.closed) {
      this.finish();
      return false;
    }
    return true;
  }

  /** Nothing more is sent on this call: the deadline timer goes, unread request bytes are drained. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.stream.resume();
  }

  sendMetadata(md: grpc.Metadata): void {
    if (!this.open() || this.metadataSent) return;
    this.metadataSent = true;
    this.stream.respond({ ...RESPONSE_HEADERS, ...md.toHttp2Headers() }, RESPOND_OPTIONS);
  }

  sendStatus(status: Status): void {
    if (!this.open()) return;
    const trailers = { [GRPC_STATUS]: status.code, [GRPC_MESSAGE]: encodeURI(status.details), ...status.metadata?.toHttp2Headers() };
    if (this.metadataSent) {
      this.stream.once('wantTrailers', () => this.stream.sendTrailers(trailers));
      this.stream.end();
    } else {
      // A trailers-only response.
      this.stream.respond({ ...trailers, ...TRAILERS_ONLY_HEADERS }, END_STREAM);
    }
    this.finish();
  }

  sendResponse(value: unknown): void {
    if (!this.open()) return;
    let framed: Buffer;
    try {
      framed = grpcFrame(this.method.definition.responseSerialize(value));
    } catch {
      this.sendStatus({ code: grpc.status.INTERNAL, details: 'Error serializing response' });
      return;
    }
    const max = this.options.maxSendMessageLength;
    if (max !== -1 && framed.length - 5 > max) {
      this.sendStatus({ code: grpc.status.RESOURCE_EXHAUSTED, details: `Sent message larger than max (${framed.length} vs. ${max})` });
      return;
    }
    if (!this.metadataSent) {
      this.metadataSent = true;
      this.stream.respond(RESPONSE_HEADERS, RESPOND_OPTIONS);
    }
    const stream = this.stream;
    stream.once('wantTrailers', () => stream.sendTrailers(OK_TRAILERS));
    stream.end(framed);
    this.finish();
  }
}

/** Reads one unary call off its stream and answers it through the handler. */
function serve(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, method: LeanMethod, options: LeanOptions): void {
  stream.once('error', ignore);
  const call = new LeanCall(stream, headers, method, options);
  stream.once('close', () => call.finish());

  if (options.authenticate) {
    const refused = options.authenticate(call, method.definition.path, headers);
    if (refused) {
      call.sendStatus(refused);
      return;
    }
  }

  const timeout = headers['grpc-timeout'];
  if (timeout !== undefined) {
    const match = DEADLINE_REGEX.exec(String(timeout));
    if (match === null) {
      process.nextTick(() => call.sendStatus({ code: grpc.status.INTERNAL, details: `Invalid grpc-timeout value "${String(timeout)}"` }));
      return;
    }
    const ms = (+match[1]! * UNIT_MS[match[2]!]!) | 0;
    call.deadline = Date.now() + ms;
    call.deadlineTimer = setTimeout(() => call.sendStatus({ code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }), ms);
  }

  const path = method.definition.path;
  // The bytes not yet parsed, as received (joined once a whole message is there: a large request
  // comes in many chunks, and joining at each one would copy it over and over).
  let chunks: Buffer[] = [];
  let buffered = 0;
  let messages = 0;
  stream.on('data', (chunk: Buffer) => {
    if (call.done) return;
    chunks.push(chunk);
    buffered += chunk.length;
    while (buffered >= 5) {
      if (chunks[0]!.length < 5) chunks = [Buffer.concat(chunks)];
      const len = chunks[0]!.readUInt32BE(1);
      if (options.maxReceiveMessageLength !== -1 && len > options.maxReceiveMessageLength) {
        call.sendStatus({ code: grpc.status.RESOURCE_EXHAUSTED, details: `Received message larger than max (${len} vs ${options.maxReceiveMessageLength})` });
        return;
      }
      if (buffered < 5 + len) break;
      if (++messages > 1) {
        call.sendStatus({ code: grpc.status.UNIMPLEMENTED, details: `Received a second request message for server streaming method ${path}` });
        return;
      }
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
      const rest = all.subarray(5 + len);
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
      // With grpc-encoding identity (the only one taken here) grpc-js reads a message flagged as
      // compressed as it is; so does this.
      try {
        call.request = method.definition.requestDeserialize(all.subarray(5, 5 + len));
      } catch {
        call.sendStatus({ code: grpc.status.INTERNAL, details: 'Error deserializing request' });
        return;
      }
    }
  });
  stream.on('end', () => {
    if (call.done) return;
    // A partial message at the end is dropped, as grpc-js's decoder drops it.
    if (messages === 0) {
      call.sendStatus({ code: grpc.status.UNIMPLEMENTED, details: `Received no request message for server streaming method ${path}` });
      return;
    }
    method.handler(call as unknown as grpc.ServerUnaryCall<unknown, unknown>, (err, value) => {
      if (err) call.sendStatus(errorToStatus(err));
      else call.sendResponse(value);
    });
  });
}

interface GrpcServerInternals {
  http2Servers?: Map<http2.Http2Server, unknown>;
  interceptors?: unknown[];
  options?: grpc.ServerOptions;
  onStreamOpened?: (stream: http2.ServerHttp2Stream) => void;
}

type StreamListener = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number) => void;

/**
 * Puts the lean path in front of grpc-js's handling on every HTTP/2 server `server` is bound to (call
 * it after bindAsync). `methods` by path. A server with interceptors needs `authenticate`, doing
 * what they do; without it, returns false, changing nothing (every call then goes through grpc-js).
 * Throws when grpc-js's internals are not as expected.
 */
export function installLeanUnary(server: grpc.Server, methods: Map<string, LeanMethod>, authenticate?: LeanAuthenticate): boolean {
  const internals = server as unknown as GrpcServerInternals;
  if (!(internals.http2Servers instanceof Map) || !Array.isArray(internals.interceptors) || typeof internals.onStreamOpened !== 'function' || typeof internals.options !== 'object') {
    throw new Error('lean unary path: @grpc/grpc-js internals changed (Server.http2Servers, interceptors, options, onStreamOpened)');
  }
  if (internals.interceptors.length > 0 && !authenticate) return false;
  // grpc-js's defaults (constants.ts): 4 MiB received, no limit sent.
  const options: LeanOptions = {
    maxReceiveMessageLength: internals.options['grpc.max_receive_message_length'] ?? 4 * 1024 * 1024,
    maxSendMessageLength: internals.options['grpc.max_send_message_length'] ?? -1,
    authenticate,
  };
  for (const m of methods.values()) if (m.definition.requestStream || m.definition.responseStream) throw new Error(`lean unary path: ${m.definition.path} is not unary`);
  const onStreamOpened = internals.onStreamOpened.bind(server);
  for (const h2 of internals.http2Servers.keys()) {
    const grpcListeners = (h2.listeners('stream') as StreamListener[]).filter((l) => /^bound _(channelz|stream)Handler$/.test(l.name));
    if (grpcListeners.length !== 1) throw new Error(`lean unary path: expected one grpc-js 'stream' listener, found ${grpcListeners.length}`);
    const grpcListener = grpcListeners[0]!;
    const dispatch: StreamListener = (stream, headers, flags) => {
      const method = methods.get(headers[':path'] as string);
      const encoding = headers['grpc-encoding'];
      const contentType = headers['content-type'];
      if (method === undefined || (encoding !== undefined && encoding !== 'identity') || typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) {
        grpcListener(stream, headers, flags);
        return;
      }
      onStreamOpened(stream);
      serve(stream, headers, method, options);
    };
    h2.removeListener('stream', grpcListener);
    h2.on('stream', dispatch);
  }
  return true;
}
