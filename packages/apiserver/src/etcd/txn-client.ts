// The write path's etcd client: KV.Txn as a plain gRPC unary call on one HTTP/2 connection.
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

export class EtcdTxnClient {
  private session: http2.ClientHttp2Session | undefined;
  private ready = false;
  private hostIndex = 0;
  private closed = false;

  constructor(private readonly hosts: string[]) {
    if (hosts.length === 0) throw new Error('no etcd hosts');
  }

  txn(req: ITxnRequest): Promise<ITxnResponse> {
    return this.call(TXN_PATH, encodeTxnRequest(req)).then(decodeTxnResponse);
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  /** The connection, once etcd's settings have arrived (as grpc-js waits for a ready connection). */
  private connection(): http2.ClientHttp2Session | Promise<http2.ClientHttp2Session> {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return this.ready && current.remoteSettings ? current : this.whenReady(current);
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
    s.once('remoteSettings', () => {
      if (this.session === s) this.ready = true;
    });
    s.unref();
    this.session = s;
    this.ready = false;
    return this.whenReady(s);
  }

  private whenReady(s: http2.ClientHttp2Session): Promise<http2.ClientHttp2Session> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        s.off('remoteSettings', done);
        s.off('close', failed);
        s.off('error', failed);
        resolve(s);
      };
      const failed = (e?: Error): void => {
        s.off('remoteSettings', done);
        s.off('close', failed);
        s.off('error', failed);
        reject(grpcFailure(UNAVAILABLE, `etcd connection: ${e?.message ?? 'closed before it was ready'}`));
      };
      if (this.ready) return resolve(s);
      s.on('remoteSettings', done);
      s.on('close', failed);
      s.on('error', failed);
    });
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
      let status: string | undefined;
      let statusMessage = '';
      let httpStatus = 0;
      let streamError: Error | undefined;
      const readStatus = (h: http2.IncomingHttpHeaders): void => {
        const st = h['grpc-status'];
        if (st !== undefined) {
          status = String(st);
          statusMessage = decodeGrpcMessage(String(h['grpc-message'] ?? ''));
        }
      };
      stream.on('response', (h) => {
        httpStatus = Number(h[':status']);
        readStatus(h);
      });
      stream.on('trailers', readStatus);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e: Error) => (streamError = e));
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        if (status === undefined) {
          const why = streamError?.message ?? (httpStatus && httpStatus !== 200 ? `HTTP status ${httpStatus}` : `stream closed (code ${stream.rstCode})`);
          reject(grpcFailure(UNAVAILABLE, `etcd connection: ${why}`));
          return;
        }
        if (status !== '0') {
          reject(grpcFailure(Number(status), statusMessage));
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
      // The status may come before the request is sent whole (etcd refusing a message over its
      // limit stops reading it): the call ends with the response, and the stream is reset if the
      // request is still being written, as grpc-js does.
      stream.on('end', () => {
        if (status === undefined) return;
        settle();
        if (!stream.closed) stream.close();
      });
      stream.on('close', settle);
      const frame = Buffer.allocUnsafe(5 + message.length);
      frame[0] = 0;
      frame.writeUInt32BE(message.length, 1);
      frame.set(message, 5);
      stream.end(frame);
    });
  }
}

/** grpc-message is percent-encoded (gRPC over HTTP/2). */
function decodeGrpcMessage(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
