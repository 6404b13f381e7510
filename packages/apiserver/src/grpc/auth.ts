// Authentication: who is calling, for every RPC. With a token file, one server interceptor in front
// of every RPC requires a bearer token from it ("authorization: Bearer <token>") and answers
// UNAUTHENTICATED (with the ErrorInfo every error carries, reason Unauthorized) otherwise; the token's
// user travels with the call to the handlers as its RequestContext. Without one (allowed on loopback
// only) every caller is trusted and the server installs no interceptor.
import * as grpc from '@grpc/grpc-js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@skiff/api';
import { toGrpcStatus, type Logger } from '@skiff/machinery';
import type { TokenUser } from './token-file.js';
import { ALL_AUTHENTICATED, ANONYMOUS_USER, LOOPBACK_USER, type RequestContext, type UserInfo } from './user-info.js';

export interface Authentication {
  /** Rejects calls without valid credentials; absent when every caller is trusted. */
  interceptor?: grpc.ServerInterceptor;
  /** The RequestContext of a call that passed the interceptor, from its metadata. */
  contextOf(metadata: grpc.Metadata): RequestContext;
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
  // The interceptor hands the very Metadata object it checked on to the handler (grpc-js), so the
  // context is found by that object and cannot be forged by a header.
  const contexts = new WeakMap<grpc.Metadata, RequestContext>();
  const anonymous: RequestContext = { user: ANONYMOUS_USER };
  const interceptor: grpc.ServerInterceptor = (method, call) => {
    if (open.has(method.path)) return new grpc.ServerInterceptingCall(call);
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((md, next) => {
        const m = /^Bearer (.+)$/i.exec(String(md.get('authorization')[0] ?? ''));
        const context = m ? lookup(m[1]!) : undefined;
        if (context) {
          contexts.set(md, context);
          next(md);
        } else {
          const why = m ? 'invalid bearer token' : 'a bearer token is required';
          if (log?.isLevelEnabled('http')) log.http('request', { method: method.path.slice(method.path.lastIndexOf('/') + 1), user: '', groups: '', code: 'UNAUTHENTICATED', reason: why });
          call.sendStatus(toGrpcStatus(new ApiError('UNAUTHENTICATED', why, { reason: 'Unauthorized' })));
        }
      })
      .build();
    const responder = new grpc.ResponderBuilder().withStart((next) => next(listener)).build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
  return { interceptor, contextOf: (md) => contexts.get(md) ?? anonymous };
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
