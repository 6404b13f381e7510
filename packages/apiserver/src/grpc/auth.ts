// Authentication: one server interceptor in front of every RPC (authorization slots in here later).
// With a token file, a bearer token from it is required ("authorization: Bearer <token>"), else
// UNAUTHENTICATED. Without one (allowed on loopback only) every caller is trusted and the server
// installs no interceptor.
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';

export interface TokenUser {
  token: string;
  user: string;
}

/** Token file: one token per line, optionally "token,user"; blank lines and # comments ignored. */
export function readTokenFile(path: string): TokenUser[] {
  const out: TokenUser[] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [token, user] = line.split(',').map((s) => s.trim());
    if (token) out.push({ token, user: user || 'user' });
  }
  if (out.length === 0) throw new Error(`token file ${path} holds no token`);
  return out;
}

/** Methods that answer without a token (liveness probes). */
const open = new Set(['/grpc.health.v1.Health/Check', '/grpc.health.v1.Health/Watch']);

export function authInterceptor(tokens: TokenUser[]): grpc.ServerInterceptor {
  const expected = tokens.map((t) => Buffer.from(t.token));
  const valid = (presented: string): boolean => {
    const p = Buffer.from(presented);
    return expected.some((e) => e.length === p.length && timingSafeEqual(e, p));
  };
  return (method, call) => {
    if (open.has(method.path)) return new grpc.ServerInterceptingCall(call);
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((md, next) => {
        const auth = String(md.get('authorization')[0] ?? '');
        const m = /^Bearer (.+)$/i.exec(auth);
        if (m && valid(m[1]!)) next(md);
        else call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: m ? 'invalid bearer token' : 'a bearer token is required', metadata: new grpc.Metadata() });
      })
      .build();
    const responder = new grpc.ResponderBuilder().withStart((next) => next(listener)).build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
