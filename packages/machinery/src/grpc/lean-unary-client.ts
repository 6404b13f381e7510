// Unary gRPC calls on a plain HTTP/2 stream: the client-side counterpart of the apiserver's lean
// unary path (packages/apiserver/src/grpc/lean-unary.ts), for the hot writes of callers that do not
// read what was stored (the scheduler's Bind, the event recorder's creates: the client's *Ack calls).
//
// Through grpc-js a unary call passes its channel (name resolution, load balancing, the subchannel
// call), the intercepting call and its listeners, the call's filters, a stream decoder and a
// Metadata object each way before the reply's bytes reach the caller: in a profile of the scheduler
// at 5,000 nodes, about 13 % of its CPU, beside the HTTP/2 stream itself. Here a call is one HTTP/2
// request with the headers grpc-js sends (content-type, te, grpc-timeout, authorization,
// user-agent), one length-prefixed message, and the reply read back: the message's bytes, the
// `warning` response metadata, the status from the trailers (or from a trailers-only response).
// Errors are objects shaped as grpc-js's ServiceError (code, details, metadata with
// grpc-status-details-bin), so fromGrpcError turns them into the same ApiErrors.
//
// The connection is this client's own (one HTTP/2 session beside grpc-js's, with the same 4 MiB
// receive windows and keepalive pings): a connection that fails, closes or is sent GOAWAY is dropped
// and the next call connects again. A call on a failed connection fails with UNAVAILABLE and is not
// retried here (grpc-js does not retry a call that may have been sent either; the caller decides).
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { decodeGrpcMessage, grpcFrame } from './message-frame.js';

export interface LeanUnaryOptions {
  /** host:port of the server. */
  server: string;
  token?: string;
  userAgent?: string;
  /** HTTP/2 receive window, per stream and for the connection. */
  windowBytes: number;
  /** Larger replies fail with RESOURCE_EXHAUSTED, as grpc-js's receive limit. */
  maxReceiveBytes: number;
  /** Keepalive ping period and how long its ack may take before the connection is dropped. */
  keepaliveMs: number;
  keepaliveTimeoutMs: number;
}

/** A failed call, as grpc-js reports one (grpc.ServiceError's fields). */
export class LeanCallError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly metadata: grpc.Metadata = new grpc.Metadata(),
  ) {
    super(`${code} ${grpc.status[code] ?? 'UNKNOWN'}: ${details}`);
    this.name = 'LeanCallError';
  }
}

export interface LeanReply {
  response: Buffer;
  warnings: string[];
}

export class LeanUnaryClient {
  private session: http2.ClientHttp2Session | undefined;
  private closed = false;
  private readonly baseHeaders: http2.OutgoingHttpHeaders;

  constructor(private readonly opts: LeanUnaryOptions) {
    this.baseHeaders = {
      ':method': 'POST',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': opts.userAgent ?? 'skiff-client',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    };
  }

  /** Sends `request` (the message's bytes) to `path` ("/skiff.v1.Resources/Bind") with a deadline in ms. */
  call(path: string, request: Uint8Array, timeoutMs: number): Promise<LeanReply> {
    if (this.closed) return Promise.reject(new LeanCallError(grpc.status.CANCELLED, 'the client is closed'));
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.connection().request({ ...this.baseHeaders, ':path': path, 'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m` });
      } catch (e) {
        reject(new LeanCallError(grpc.status.UNAVAILABLE, `connection: ${(e as Error).message}`));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      let headers: http2.IncomingHttpHeaders | undefined;
      let trailers: http2.IncomingHttpHeaders | undefined;
      let streamError: Error | undefined;
      let settled = false;
      const settle = (failure?: LeanCallError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!failure) failure = statusOf(trailers ?? headers, headers, streamError, stream.rstCode);
        if (failure) {
          if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
          reject(failure);
          return;
        }
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        // One length-prefixed message: not compressed (no grpc-encoding was offered), its length, its bytes.
        if (body.length < 5 || body.readUInt32BE(1) !== body.length - 5) {
          reject(new LeanCallError(grpc.status.UNIMPLEMENTED, `the server sent ${body.length < 5 ? 'no' : 'a malformed'} response message (${body.length} bytes)`));
        } else if (body[0] !== 0) {
          reject(new LeanCallError(grpc.status.INTERNAL, 'the server sent a compressed message, which this call did not accept'));
        } else {
          resolve({ response: body.subarray(5), warnings: warningsOf(headers) });
        }
      };
      const timer = setTimeout(() => settle(new LeanCallError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded')), timeoutMs);
      stream.on('response', (h) => (headers = h));
      stream.on('trailers', (h) => (trailers = h));
      stream.on('data', (c: Buffer) => {
        received += c.length;
        if (received > this.opts.maxReceiveBytes + 5) settle(new LeanCallError(grpc.status.RESOURCE_EXHAUSTED, `Received message larger than max (${received - 5} vs. ${this.opts.maxReceiveBytes})`));
        else chunks.push(c);
      });
      stream.on('error', (e: Error) => (streamError = e));
      stream.on('end', () => settle());
      stream.on('close', () => settle());
      stream.end(grpcFrame(request));
    });
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  private connection(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const { windowBytes, keepaliveMs, keepaliveTimeoutMs } = this.opts;
    const s = http2.connect(`http://${this.opts.server}`, { settings: { initialWindowSize: windowBytes } });
    s.once('connect', () => s.setLocalWindowSize(windowBytes));
    const ping = setInterval(() => {
      const deadline = setTimeout(() => s.destroy(new Error('keepalive ping not answered')), keepaliveTimeoutMs);
      deadline.unref();
      const sent = s.ping((err) => {
        clearTimeout(deadline);
        if (err) s.destroy(err);
      });
      if (!sent) clearTimeout(deadline);
    }, keepaliveMs);
    ping.unref();
    const drop = (): void => {
      clearInterval(ping);
      if (this.session === s) this.session = undefined;
    };
    // A failed connection fails its streams (each with its own error); the next call connects anew.
    s.on('error', drop);
    s.on('goaway', drop);
    s.on('close', drop);
    // An idle connection does not keep the process alive (grpc-js's channel does not either); a
    // call in flight does, through its deadline's timer.
    s.unref();
    this.session = s;
    return s;
  }
}


/** The call's failure, or undefined when its status is OK. */
function statusOf(
  status: http2.IncomingHttpHeaders | undefined,
  headers: http2.IncomingHttpHeaders | undefined,
  streamError: Error | undefined,
  rstCode: number,
): LeanCallError | undefined {
  const code = status?.['grpc-status'];
  if (code !== undefined) {
    if (String(code) === '0') return undefined;
    return new LeanCallError(Number(code) as grpc.status, decodeGrpcMessage(String(status!['grpc-message'] ?? '')), grpc.Metadata.fromHttp2Headers(status!));
  }
  const http = Number(headers?.[':status'] ?? 0);
  const why = streamError?.message ?? (http && http !== 200 ? `HTTP status ${http}` : `stream closed without a status (code ${rstCode})`);
  return new LeanCallError(grpc.status.UNAVAILABLE, `connection: ${why}`);
}

/** The `warning` response metadata (each value as grpc-js's Metadata gives it). */
function warningsOf(headers: http2.IncomingHttpHeaders | undefined): string[] {
  const w = headers?.warning;
  if (w === undefined) return [];
  return Array.isArray(w) ? w.map(String) : [String(w)];
}

