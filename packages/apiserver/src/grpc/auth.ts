// Authentication: who is calling, for every RPC. With a token file, one server interceptor in front
// of every RPC requires a bearer token from it ("authorization: Bearer <token>") and answers
// UNAUTHENTICATED (with the ErrorInfo every error carries, reason Unauthorized) otherwise; the token's
// user travels with the call to the handlers as its RequestContext. The lean unary path
// (lean-unary.ts) runs the same check (`authenticate`, made from the same function as the
// interceptor) for the calls it serves. Without a token file (allowed on loopback only) every caller
// is trusted and the server installs no interceptor.
import * as grpc from '@grpc/grpc-js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@skiff/api';
import { toGrpcStatus, type Logger } from '@skiff/machinery';
import type { IncomingHttpHeaders } from 'node:http2';
import type { TokenUser } from './token-file.js';
import { ALL_AUTHENTICATED, ANONYMOUS_USER, LOOPBACK_USER, type RequestContext, type UserInfo } from './user-info.js';

/** What a handler reads its caller from: grpc-js's call objects and the lean path's (grpc/lean-unary.ts). */
export interface AuthenticatedCall {
  readonly metadata: grpc.Metadata;
}

export interface Authentication {
  /** Rejects calls without valid credentials; absent when every caller is trusted. */
  interceptor?: grpc.ServerInterceptor;
  /**
   * The interceptor's check for a call the lean unary path serves (same tokens, statuses, messages
   * and log line): undefined lets `call` through with its user, a status refuses it. Absent when
   * every caller is trusted.
   */
  authenticate?: (call: object, path: string, headers: IncomingHttpHeaders) => grpc.StatusObject | undefined;
  /** The RequestContext of a call that passed authentication. */
  contextOf(call: AuthenticatedCall): RequestContext;
}

/** Methods that answer without a token (liveness probes). */
const open = new Set(['/grpc.health.v1.Health/Check', '/grpc.health.v1.Health/Watch']);

/** A loopback server without a token file: every caller is trusted. */
export function loopbackAuthentication(): Authentication {
  const context: RequestContext = { user: LOOPBACK_USER };
  return { contextOf: () => context };
}

/** `log` gets a request line (level http) for every call refused. */
export function tokenAuthentication(tokens: TokenUser[], log?: Logger): Authentication {
  // Digests of equal length, every one compared: the time taken tells nothing about the tokens.
  const known = tokens.map((t) => ({ digest: digest(t.token), context: { user: authenticated(t.user) } }));
  const lookup = (presented: string): RequestContext | undefined => {
    const d = digest(presented);
    let found: RequestContext | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, d)) found = k.context;
    return found;
  };
  const anonymous: RequestContext = { user: ANONYMOUS_USER };
  /** The one check of both paths: the context of an `authorization` value, or the status refusing it. */
  const check = (path: string, authorization: string | undefined): RequestContext | grpc.StatusObject => {
    const m = /^Bearer (.+)$/i.exec(authorization ?? '');
    const context = m ? lookup(m[1]!) : undefined;
    if (context) return context;
    const why = m ? 'invalid bearer token' : 'a bearer token is required';
    if (log?.isLevelEnabled('http')) log.http('request', { method: path.slice(path.lastIndexOf('/') + 1), user: '', groups: '', code: 'UNAUTHENTICATED', reason: why });
    return toGrpcStatus(new ApiError('UNAUTHENTICATED', why, { reason: 'Unauthorized' }));
  };
  // A context is found by the very object authentication checked (the interceptor hands its
  // Metadata on to the handler; the lean path registers its call object), so no header can forge it.
  const contexts = new WeakMap<object, RequestContext>();
  const interceptor: grpc.ServerInterceptor = (method, call) => {
    if (open.has(method.path)) return new grpc.ServerInterceptingCall(call);
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((md, next) => {
        const result = check(method.path, authorizationOf(md.get('authorization')[0]));
        if ('user' in result) {
          contexts.set(md, result);
          next(md);
        } else {
          call.sendStatus(result);
        }
      })
      .build();
    const responder = new grpc.ResponderBuilder().withStart((next) => next(listener)).build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
  const authenticate = (call: object, path: string, headers: IncomingHttpHeaders): grpc.StatusObject | undefined => {
    if (open.has(path)) return undefined;
    const result = check(path, headerAuthorization(headers));
    if ('user' in result) {
      contexts.set(call, result);
      return undefined;
    }
    return result;
  };
  return { interceptor, authenticate, contextOf: (call) => contexts.get(call) ?? contexts.get(call.metadata) ?? anonymous };
}

/** What the interceptor reads of a metadata value: a string (a binary value carries no token). */
function authorizationOf(v: grpc.MetadataValue | undefined): string | undefined {
  return typeof v === 'string' ? v : v === undefined ? undefined : String(v);
}

/**
 * The `authorization` value grpc-js's Metadata.fromHttp2Headers would give the interceptor: the
 * first of several, none when it is not printable ASCII (grpc-js drops such a value).
 */
function headerAuthorization(headers: IncomingHttpHeaders): string | undefined {
  const raw = headers.authorization as string | string[] | undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v !== undefined && /^[ -~]*$/.test(v) ? v : undefined;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** As Kubernetes' AuthenticatedGroupAdder: every authenticated user is in system:authenticated. */
function authenticated(u: UserInfo): UserInfo {
  return u.groups.includes(ALL_AUTHENTICATED) ? u : { ...u, groups: [...u.groups, ALL_AUTHENTICATED] };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
