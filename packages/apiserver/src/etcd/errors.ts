// etcd failures as ApiErrors, by their gRPC status code. The etcd3 client turns each gRPC error
// into a class per code (GRPCOutOfRangeError, ...), dropping the numeric code; the class is the code.
// Where etcd answers different conditions with one code, its own error (etcd's rpctypes, matched on
// the exact text etcd defines for it, as etcd's Go client does) tells them apart within that code.
import { isBrokenCircuitError } from 'cockatiel';
import {
  ClientClosedError,
  EtcdAuthenticationFailedError,
  EtcdError as EtcdApplicationError,
  EtcdPermissionDeniedError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCGenericError,
  GRPCInvalidArgumentError,
  GRPCOutOfRangeError,
  GRPCResourceExhastedError,
  GRPCUnavailableError,
  castGrpcError,
} from 'etcd3';
import { ApiError } from '@skiff/api';

/** etcd's own errors that share a gRPC code with others (go.etcd.io/etcd/etcdserver/api/v3rpc/rpctypes). */
const ETCD = {
  compacted: 'etcdserver: mvcc: required revision has been compacted',
  futureRev: 'etcdserver: mvcc: required revision is a future revision',
  requestTooLarge: 'etcdserver: request is too large',
  tooManyRequests: 'etcdserver: too many requests',
  noSpace: 'etcdserver: mvcc: database space exceeded',
} as const;

const is = (e: unknown, text: string): boolean => e instanceof Error && e.message.includes(text);

/**
 * True for failures of the connection to etcd or of etcd as a whole (UNAVAILABLE: no connection,
 * no leader, etcd's own timeouts). Only these may count towards the etcd client's circuit breaker:
 * a request that etcd refused for itself (too large, too many operations, a compacted revision) says
 * nothing about etcd's health.
 */
export function isConnectionFailure(e: unknown): boolean {
  return e instanceof GRPCUnavailableError || e instanceof ClientClosedError;
}

/**
 * True when etcd refused a request as a whole before applying any of it (INVALID_ARGUMENT or
 * RESOURCE_EXHAUSTED from its checks or gRPC's message limit): nothing of it was written.
 */
export function isRequestRefusal(e: unknown): boolean {
  return (e instanceof GRPCInvalidArgumentError || e instanceof GRPCResourceExhastedError) && !is(e, ETCD.tooManyRequests) && !is(e, ETCD.noSpace);
}

export function etcdError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // A status straight from grpc-js (a watch stream's error): classed as the client classes the rest.
  const e = err instanceof Error && err.constructor === Error && typeof (err as { code?: unknown }).code === 'number' ? castGrpcError(err) : err;
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof GRPCOutOfRangeError) {
    if (is(e, ETCD.futureRev)) return new ApiError('INVALID_ARGUMENT', `the requested resourceVersion is newer than the store: ${msg}`, { reason: 'BadRequest', cause: e });
    return new ApiError('OUT_OF_RANGE', `the requested resourceVersion is too old: ${msg}`, { reason: 'Expired', cause: e });
  }
  if (e instanceof GRPCInvalidArgumentError) {
    if (is(e, ETCD.requestTooLarge)) {
      return new ApiError('RESOURCE_EXHAUSTED', `etcd refused the write as too large (is --etcd-max-request-bytes above etcd's --max-request-bytes?): ${msg}`, {
        reason: 'RequestEntityTooLarge',
        cause: e,
      });
    }
    // Everything else etcd refuses as invalid (too many operations, a duplicate key) is a request
    // this apiserver should never have built.
    return new ApiError('INTERNAL', `etcd refused a transaction: ${msg}`, { cause: e });
  }
  if (e instanceof GRPCResourceExhastedError) {
    if (is(e, ETCD.tooManyRequests) || is(e, ETCD.noSpace)) return new ApiError('UNAVAILABLE', `etcd: ${msg}`, { reason: 'ServiceUnavailable', cause: e });
    return new ApiError('RESOURCE_EXHAUSTED', `etcd refused the write as too large: ${msg}`, { reason: 'RequestEntityTooLarge', cause: e });
  }
  if (e instanceof GRPCDeadlineExceededError) return new ApiError('DEADLINE_EXCEEDED', `etcd: ${msg}`, { cause: e });
  if (e instanceof GRPCUnavailableError || e instanceof GRPCCancelledError || e instanceof ClientClosedError || isBrokenCircuitError(e)) {
    return new ApiError('UNAVAILABLE', `etcd: ${msg}`, { reason: 'ServiceUnavailable', cause: e });
  }
  // A gRPC status of another code from etcd: not a state a client can wait out.
  if (e instanceof GRPCGenericError || e instanceof EtcdApplicationError || e instanceof EtcdPermissionDeniedError || e instanceof EtcdAuthenticationFailedError) return new ApiError('INTERNAL', `etcd: ${msg}`, { cause: e });
  // A failure without a status (a stream that ended, a connection that could not be made).
  return new ApiError('UNAVAILABLE', `etcd: ${msg}`, { reason: 'ServiceUnavailable', cause: e });
}
