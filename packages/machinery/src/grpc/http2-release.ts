// Lets a finished HTTP/2 stream's objects die young.
//
// V8's young-generation collector (the scavenger) treats weak references held by old objects as
// strong, and it treats a weak handle as a root unless the object behind it is an unmodified
// native wrapper. Objects reachable that way survive every scavenge and are promoted to the old
// generation, where only a full (mark-compact) collection frees them. Two such roots keep whole
// request graphs alive in Node 20:
//
// - Client side: `ClientHttp2Session.request()` wraps its connect step with
//   `AsyncResource.prototype.bind`, which (Node 20) builds a deprecation wrapper for the bound
//   function's `asyncResource` accessor and sets that wrapper's prototype to a fresh closure. That
//   prototype change is cached as a weak transition on a long-lived map, and the closure's context
//   holds the request's stream. So every client stream, with everything its listeners reach
//   (grpc-js's call objects, the etcd3 client's Txn responses, the response headers as external
//   strings), was promoted: about 2.6 KB per request in a bare Node client, 1 MB per scavenge for a
//   gRPC client doing one call at a time, and a full collection every few seconds under load. The
//   wrapper below runs `request()` with a plain `bind` (the same async scope, no accessor): the
//   same client promotes nothing.
// - Server side: under grpc-js a finished server stream stays reachable from a weak native handle
//   until the next full collection. Dropping its listeners once it has closed cuts the link to the
//   call objects; only the small stream object waits for the full collection. 'close' is a
//   stream's last event; a shared no-op 'error' listener stays so that a late error could never be
//   thrown as an unhandled 'error' event.
//
// grpc-js (and the etcd3 client through it) creates its streams with `http2.createServer`,
// `http2.createSecureServer` and `http2.connect`, looked up on Node's http2 module at call time:
// those are wrapped, once per process, before any server or client is made.
//
// This patches Node's core module and another library's prototype for the whole process, so no
// library calls it: each process's `main` does, first thing, guarded by the Node version it was
// measured on (20), as do the in-process test harness and the benchmarks:
//
//   if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();
import { AsyncResource } from 'node:async_hooks';
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

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** `AsyncResource.prototype.bind` without the deprecated `asyncResource` accessor: runs `fn` in the
 * resource's async scope, and keeps nothing reachable from a long-lived object. */
function plainBind<F extends AnyFn>(this: AsyncResource, fn: F, thisArg?: unknown): F {
  return inScope(this, fn, thisArg);
}

function inScope<F extends AnyFn>(resource: AsyncResource, fn: F, thisArg: unknown): F {
  if (thisArg !== undefined) return resource.runInAsyncScope.bind(resource, fn, thisArg) as F;
  return function (this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  } as F;
}

/** Installs the wrappers (idempotent). Only a process's `main` calls it, before it creates gRPC
 * servers or clients. */
export function letHttp2StreamsDieYoung(): void {
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
      // Only Node's own request() code runs while the plain bind is in place.
      const bind = AsyncResource.prototype.bind;
      AsyncResource.prototype.bind = plainBind as typeof bind;
      try {
        return request.apply(this, a);
      } finally {
        AsyncResource.prototype.bind = bind;
      }
    };
    return session;
  } as typeof http2.connect;
}
