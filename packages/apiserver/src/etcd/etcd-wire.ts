// The hot paths' etcd client: KV.Txn as a plain gRPC unary call, and the watch caches' Watch
// streams, on one HTTP/2 connection.
//
// Every create or update is one etcd transaction (or shares one, store.ts), so at a moderate rate,
// where transactions carry one or two writes each, the client's cost per call is a large part of
// the apiserver's cost per write. Through the etcd3 client a Txn passes its connection pool, two
// cockatiel policies, grpc-js's call stack (resolving, retrying, load-balancing and subchannel calls,
// filters, call credentials) and protobufjs's toObject; measured at 300 creates/s, that was a quarter
// of the apiserver's CPU. Here it is one HTTP/2 stream and the codec of txn-codec.ts.
//
// Errors keep their gRPC code and message and are classed as the etcd3 client classes them
// (castGrpcError), so errors.ts maps them alike. The store sends only small transactions this way
// (store.ts: large ones go through grpc-js). A connection that fails is dropped and the next
// call connects again (to the next host, when several are given); a write sent on a connection that
// failed may have been applied, so nothing is retried here (the caller decides, as with etcd3).
import http2 from 'node:http2';
import { castGrpcError } from 'etcd3';
import { decodeGrpcMessage, grpcFrame } from '@skiff/machinery';
import type { ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc.js';
import { decodeTxnResponse, encodeTxnRequest } from './txn-codec.js';

const TXN_PATH = '/etcdserverpb.KV/Txn';

/** gRPC status codes by number, for the error text grpc-js would give ("14 UNAVAILABLE: ..."). */
const CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
const UNAVAILABLE = 14;
const INTERNAL = 13;

/** A gRPC failure as the etcd3 client reports it (a typed error per code). */
export function grpcFailure(code: number, details: string): Error {
  const e = Object.assign(new Error(`${code} ${CODE_NAMES[code] ?? 'UNKNOWN'}: ${details}`), { code, details });
  return castGrpcError(e);
}

/** "http://host:port" (or "host:port") as the URL http2.connect takes. */
function authority(host: string): string {
  return /^https?:\/\//.test(host) ? host : `http://${host}`;
}

export class EtcdWire {
  private session: http2.ClientHttp2Session | undefined;
  private ready = false;
  private readying: Promise<http2.ClientHttp2Session> | undefined;
  private hostIndex = 0;
  private closed = false;

  constructor(private readonly hosts: string[]) {
    if (hosts.length === 0) throw new Error('no etcd hosts');
  }

  txn(req: ITxnRequest): Promise<ITxnResponse> {
    return this.call(TXN_PATH, encodeTxnRequest(req)).then(decodeTxnResponse);
  }

  /**
   * A bidirectional stream (Watch.Watch): each message etcd sends goes to `onMessage`; `onEnd` runs
   * once, with the failure (a gRPC status or the connection's), or undefined when etcd ended it with OK.
   */
  async openStream(path: string, h: { onMessage(bytes: Buffer): void; onEnd(err: Error | undefined): void }): Promise<WireStream> {
    if (this.closed) throw grpcFailure(1, 'the etcd client is closed');
    const conn = this.connection();
    const session = conn instanceof Promise ? await conn : conn;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    } catch (e) {
      throw grpcFailure(UNAVAILABLE, `etcd connection: ${(e as Error).message}`);
    }
    const status = new CallStatus(stream);
    let pending: Buffer = EMPTY;
    let cancelled = false;
    stream.on('data', (c: Buffer) => {
      pending = pending.length === 0 ? c : Buffer.concat([pending, c]);
      // Length-prefixed messages; one may span chunks, a chunk may hold several.
      while (pending.length >= 5) {
        const len = pending.readUInt32BE(1);
        if (pending.length < 5 + len) break;
        const msg = pending.subarray(5, 5 + len);
        pending = pending.subarray(5 + len);
        if (!cancelled) h.onMessage(msg);
      }
    });
    let ended = false;
    const finish = (): void => {
      if (ended || cancelled) return;
      ended = true;
      const failure = status.failure();
      h.onEnd(failure === 'ok' ? undefined : failure);
    };
    // etcd ending its side ends the call (this side never ends a watch on its own).
    stream.on('end', () => {
      finish();
      if (!stream.closed) stream.close();
    });
    stream.on('close', finish);
    return {
      write: (msg) => {
        if (!stream.closed && !stream.destroyed) stream.write(grpcFrame(msg));
      },
      cancel: () => {
        cancelled = true;
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
      },
    };
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  /** The connection, once etcd's settings have arrived (as grpc-js waits for a ready connection). */
  private connection(): http2.ClientHttp2Session | Promise<http2.ClientHttp2Session> {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return this.ready ? current : this.readying!;
    const s = http2.connect(authority(this.hosts[this.hostIndex % this.hosts.length]!));
    const drop = (): void => {
      if (this.session !== s) return;
      this.session = undefined;
      this.ready = false;
      this.hostIndex++;
    };
    // A failed connection fails its streams (each with its own error); the next call connects anew.
    s.on('error', drop);
    s.on('goaway', drop);
    s.on('close', drop);
    this.session = s;
    this.ready = false;
    this.readying = new Promise((resolve, reject) => {
      const settle = (e?: Error): void => {
        s.off('remoteSettings', onSettings);
        s.off('close', settle);
        s.off('error', settle);
        if (e || s.closed || s.destroyed) reject(grpcFailure(UNAVAILABLE, `etcd connection: ${e?.message ?? 'closed before it was ready'}`));
        else resolve(s);
      };
      const onSettings = (): void => {
        if (this.session === s) this.ready = true;
        settle();
      };
      s.once('remoteSettings', onSettings);
      s.once('close', settle);
      s.once('error', settle);
    });
    // Every waiting call handles the failure; this copy only keeps it from being unhandled.
    this.readying.catch(() => {});
    return this.readying;
  }

  private call(path: string, message: Uint8Array): Promise<Buffer> {
    if (this.closed) return Promise.reject(grpcFailure(1, 'the etcd client is closed'));
    let conn: http2.ClientHttp2Session | Promise<http2.ClientHttp2Session>;
    try {
      conn = this.connection();
    } catch (e) {
      return Promise.reject(grpcFailure(UNAVAILABLE, `etcd connection: ${(e as Error).message}`));
    }
    return conn instanceof Promise ? conn.then((s) => this.stream(s, path, message)) : this.stream(conn, path, message);
  }

  private stream(session: http2.ClientHttp2Session, path: string, message: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
      } catch (e) {
        reject(grpcFailure(UNAVAILABLE, `etcd connection: ${(e as Error).message}`));
        return;
      }
      const chunks: Buffer[] = [];
      const status = new CallStatus(stream);
      stream.on('data', (c: Buffer) => chunks.push(c));
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        const failure = status.failure();
        if (failure !== 'ok') {
          reject(failure);
          return;
        }
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        // One length-prefixed message: a compressed-flag byte (etcd sends none compressed unless
        // asked), the length, the bytes.
        if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
          reject(grpcFailure(INTERNAL, `etcd sent a malformed response (${body.length} bytes)`));
          return;
        }
        resolve(body.subarray(5));
      };
      // The status may come before the request is sent whole: the call ends with the response, and
      // the stream is reset if the request is still being written, as grpc-js does.
      stream.on('end', () => {
        if (!status.known) return;
        settle();
        if (!stream.closed && !stream.writableFinished) stream.close();
      });
      stream.on('close', settle);
      stream.end(grpcFrame(message));
    });
  }
}

export interface WireStream {
  write(message: Uint8Array): void;
  cancel(): void;
}

const EMPTY = Buffer.alloc(0);


/** What a call's response headers and trailers say: its gRPC status, or why there is none. */
class CallStatus {
  private status: string | undefined;
  private message = '';
  private httpStatus = 0;
  private error: Error | undefined;

  constructor(private readonly stream: http2.ClientHttp2Stream) {
    stream.on('response', (h) => {
      this.httpStatus = Number(h[':status']);
      this.read(h);
    });
    stream.on('trailers', (h) => this.read(h));
    stream.on('error', (e: Error) => (this.error = e));
  }

  get known(): boolean {
    return this.status !== undefined;
  }

  private read(h: http2.IncomingHttpHeaders): void {
    const st = h['grpc-status'];
    if (st === undefined) return;
    this.status = String(st);
    this.message = decodeGrpcMessage(String(h['grpc-message'] ?? ''));
  }

  /** 'ok', or the call's failure as the etcd3 client would report it. */
  failure(): 'ok' | Error {
    if (this.status === '0') return 'ok';
    if (this.status !== undefined) return grpcFailure(Number(this.status), this.message);
    const why = this.error?.message ?? (this.httpStatus && this.httpStatus !== 200 ? `HTTP status ${this.httpStatus}` : `stream closed (code ${this.stream.rstCode})`);
    return grpcFailure(UNAVAILABLE, `etcd connection: ${why}`);
  }
}

