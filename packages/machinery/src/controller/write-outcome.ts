// Whether a failed write may still have happened. A refusal (invalid, conflict, forbidden, not
// found, ...) is an answer from the apiserver: nothing was written. A call that ended without an
// answer (the connection dropped because the apiserver died, the deadline passed, the apiserver's
// own etcd call failed or timed out) may have been committed all the same: its outcome is unknown
// until the object is read back. Kubernetes' controllers count such a create as failed and may
// create a second pod once the apiserver is back while their informers still lag (#67662,
// #86140); Skiff's settle it by name first (see UIDTrackingControllerExpectations).
import { ApiError, type Code } from '@skiff/api';

/** Codes the apiserver answers with when it refused the request: nothing was written. */
const REFUSED: ReadonlySet<Code> = new Set<Code>([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'ABORTED',
  'FAILED_PRECONDITION',
  'OUT_OF_RANGE',
  'RESOURCE_EXHAUSTED',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
]);

/** True when the write may have taken effect although the call failed (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, INTERNAL, or no ApiError at all). */
export function writeOutcomeUnknown(err: unknown): boolean {
  return !(err instanceof ApiError && REFUSED.has(err.code));
}
