// The log line of a registry write that failed, naming the caller (Kubernetes' audit names the user
// of every request; until Skiff has audit, a failed write says who asked for it).
import { ApiError } from '@skiff/api';
import type { Logger } from '@skiff/machinery';
import type { RequestContext } from '../grpc/user-info.js';

/** What a write was about: a resource (or kind) and, when known, the object's namespace and name. */
export interface WriteTarget {
  resource: string;
  namespace: string;
  name: string;
}

/**
 * Expected refusals (NotFound, Conflict, Invalid, ...) are outcomes the caller gets back: debug.
 * Anything else (etcd unavailable, a bug) is a warning.
 */
export function logWriteFailure(log: Logger, ctx: RequestContext, verb: string, target: WriteTarget, err: unknown): void {
  const expected = err instanceof ApiError && err.code !== 'INTERNAL' && err.code !== 'UNAVAILABLE';
  const level = expected ? 'debug' : 'warn';
  if (!log.isLevelEnabled(level)) return;
  const fields = {
    verb,
    resource: target.resource,
    namespace: target.namespace,
    name: target.name,
    user: ctx.user.name,
    groups: ctx.user.groups.join(','),
    code: err instanceof ApiError ? err.code : 'INTERNAL',
    err: String(err instanceof Error ? err.message : err),
  };
  log[level]('write failed', fields);
}
