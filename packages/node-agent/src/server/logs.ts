// PodLogs: the container's log from the runtime with tail, since, timestamps and follow; with
// previous, the last instance that exited (kept by the container GC).
import { ApiError } from '@skiff/api';
import type { PodLogsRequest } from '@skiff/machinery';
import type { ContainerRuntime, LogOptions } from '../runtime/runtime.js';
import { findInstances } from './targets.js';

/** The runtime's LogOptions for a request (now: for sinceSeconds). */
export function logOptions(req: PodLogsRequest, now: number): LogOptions {
  if (req.sinceSeconds !== undefined && req.sinceSeconds !== null && req.sinceTime) {
    throw new ApiError('INVALID_ARGUMENT', 'at most one of sinceTime or sinceSeconds may be specified', { reason: 'BadRequest' });
  }
  const o: LogOptions = { follow: Boolean(req.follow), timestamps: Boolean(req.timestamps) };
  if (req.tailLines !== undefined && req.tailLines !== null) {
    if (req.tailLines < 0) throw new ApiError('INVALID_ARGUMENT', `tailLines: Invalid value: ${req.tailLines}: must be greater than or equal to 0`, { reason: 'BadRequest' });
    o.tail = req.tailLines;
  }
  if (req.sinceSeconds !== undefined && req.sinceSeconds !== null) {
    if (req.sinceSeconds < 1) throw new ApiError('INVALID_ARGUMENT', `sinceSeconds: Invalid value: ${req.sinceSeconds}: must be greater than 0`, { reason: 'BadRequest' });
    o.sinceMs = now - req.sinceSeconds * 1000;
  }
  if (req.sinceTime) {
    const t = Date.parse(req.sinceTime);
    if (!Number.isFinite(t)) throw new ApiError('INVALID_ARGUMENT', `sinceTime: Invalid value: "${req.sinceTime}": must be an RFC 3339 time`, { reason: 'BadRequest' });
    o.sinceMs = t;
  }
  return o;
}

export async function* podLogs(runtime: ContainerRuntime, req: PodLogsRequest, signal: AbortSignal, now = Date.now): AsyncGenerator<{ data: Buffer; stream: string }> {
  const options = logOptions(req, now());
  const found = await findInstances(runtime, req.target ?? {});
  let id = found.current.id;
  if (req.previous) {
    if (!found.previous) throw new ApiError('FAILED_PRECONDITION', `previous terminated container "${found.name}" in pod "${found.podName}" not found`, { reason: 'BadRequest' });
    id = found.previous.id;
    options.follow = false;
  }
  for await (const chunk of runtime.logs(id, options, signal)) yield { data: chunk.data, stream: chunk.stream };
}
