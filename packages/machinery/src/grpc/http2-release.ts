// Lets a finished HTTP/2 stream's call objects die young.
//
// After a stream closes, Node (20) keeps its JS objects reachable through a weak native handle
// until the next full (mark-compact) collection: the young-generation collector treats such
// handles as roots. Everything the stream's listeners reach (for gRPC: grpc-js's call objects, the
// request and response messages, the handler's closures; for the etcd3 client: the whole Txn
// response) therefore survives every scavenge and is promoted to the old generation, where only a
// full collection frees it. Under load that was ~12 KB per apiserver request promoted: a full
// collection (with a 25 ms pause) every few seconds, and scavenges three times as slow.
//
// Dropping a stream's listeners once it has closed cuts that link: only the small stream object
// waits for the full collection. 'close' is a stream's last event; a shared no-op 'error' listener
// stays so that a late error could never be thrown as an unhandled 'error' event.
//
// grpc-js (and the etcd3 client through it) creates its streams with `http2.createServer`,
// `http2.createSecureServer` and `http2.connect`, looked up on Node's http2 module at call time:
// those are wrapped, once per process, before any server or client is made.
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';

const installed = Symbol.for('skiff.http2-release');
const ignore = (): void => {};

function release(stream: Duplex): void {
  stream.removeAllListeners();
  stream.on('error', ignore);
}

/** Drops the listeners of a stream once it has closed (on the next turn of the event loop, after every
 * 'close' listener has run). */
export function releaseWhenClosed(stream: Duplex): void {
  stream.once('close', () => setImmediate(release, stream));
}

/** Installs the wrappers (idempotent). Call it before creating gRPC servers or clients. */
export function releaseClosedHttp2Streams(): void {
  const mod = http2 as typeof http2 & { [installed]?: true };
  if (mod[installed]) return;
  mod[installed] = true;

  for (const name of ['createServer', 'createSecureServer'] as const) {
    const create = mod[name] as (...a: unknown[]) => http2.Http2Server;
    (mod as unknown as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      const server = create.apply(this, args);
      server.on('stream', releaseWhenClosed);
      return server;
    };
  }

  const connect = mod.connect;
  mod.connect = function (this: unknown, ...args: unknown[]) {
    const session = (connect as (...a: unknown[]) => http2.ClientHttp2Session).apply(this, args);
    const request = session.request;
    session.request = function (this: http2.ClientHttp2Session, ...a: Parameters<typeof request>) {
      const stream = request.apply(this, a);
      releaseWhenClosed(stream);
      return stream;
    };
    return session;
  } as typeof http2.connect;
}
