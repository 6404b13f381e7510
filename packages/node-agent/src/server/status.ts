// The one place where the agent server's errors become gRPC statuses: ApiErrors as they are,
// RuntimeErrors by their code, anything else INTERNAL.
import { ApiError } from '@skiff/api';
import { toGrpcStatus, type GrpcStatus } from '@skiff/machinery';
import { RuntimeError } from '../errors.js';

export function serverError(err: unknown): ApiError | unknown {
  if (!(err instanceof RuntimeError)) return err;
  switch (err.code) {
    case 'NotFound':
      return new ApiError('NOT_FOUND', err.message, { reason: 'NotFound' });
    case 'InvalidArgument':
      return new ApiError('FAILED_PRECONDITION', err.message, { reason: 'BadRequest' });
    default:
      return new ApiError('UNAVAILABLE', err.message, { reason: 'ServiceUnavailable' });
  }
}

export function statusOf(err: unknown): GrpcStatus {
  return toGrpcStatus(serverError(err));
}

/** Ends a server stream with the error's status (grpc-js turns an 'error' event into the call's status). */
export function failCall(call: NodeJS.EventEmitter & { destroyed?: boolean }, err: unknown): void {
  const st = statusOf(err);
  call.emit('error', Object.assign(new Error(st.details), st));
}
