// Docker Engine API failures to the runtime's typed errors, in one place.
import { RuntimeError, type RuntimeErrorCode } from '../../errors.js';

interface EngineFailure {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

export function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null ? (e as EngineFailure).statusCode : undefined;
}

function engineMessage(e: unknown): string {
  const f = (typeof e === 'object' && e !== null ? e : {}) as EngineFailure;
  return f.json?.message ?? f.message ?? String(e);
}

/** A RuntimeError for a failed engine call; `what` says which call on which object. */
export function engineError(e: unknown, what: string): RuntimeError {
  if (e instanceof RuntimeError) return e;
  const status = statusOf(e);
  const code: RuntimeErrorCode = status === 404 ? 'NotFound' : status === 409 ? 'AlreadyExists' : status === 400 ? 'InvalidArgument' : 'Unavailable';
  return new RuntimeError(code, `${what}: ${engineMessage(e)}`, { cause: e });
}

/** Runs an engine call; a 304 (already in that state) is success, a 404 is `absent` when given. */
export async function engineCall<T>(what: string, f: () => Promise<T>, opts: { absent?: T; notModified?: T } = {}): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const status = statusOf(e);
    if (status === 304 && 'notModified' in opts) return opts.notModified as T;
    if (status === 404 && 'absent' in opts) return opts.absent as T;
    throw engineError(e, what);
  }
}
