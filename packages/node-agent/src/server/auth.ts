// The agent's server admits only the apiserver: every call must carry the shared token
// ("authorization: Bearer <token>"); anything else is answered UNAUTHENTICATED before a handler runs.
import * as grpc from '@grpc/grpc-js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@skiff/api';
import { toGrpcStatus } from '@skiff/machinery';

/** Whether the metadata carries the token (compared in constant time, as digests). */
export function bearerMatches(md: grpc.Metadata, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(String(md.get('authorization')[0] ?? ''));
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

export function tokenInterceptor(token: string, onRefused?: (method: string, why: string) => void): grpc.ServerInterceptor {
  return (method, call) => {
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((md, next) => {
        if (bearerMatches(md, token)) return next(md);
        const why = md.get('authorization').length ? 'invalid bearer token' : 'a bearer token is required';
        onRefused?.(method.path, why);
        call.sendStatus(toGrpcStatus(new ApiError('UNAUTHENTICATED', `${why}: the node agent serves the apiserver only`, { reason: 'Unauthorized' })));
      })
      .build();
    return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
  };
}
