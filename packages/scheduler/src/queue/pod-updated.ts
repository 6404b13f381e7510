// Kubernetes' isPodUpdated (scheduling_queue.go): whether an update of a pending pod may change its
// scheduling. Status, resourceVersion, generation, managedFields and finalizers do not count, so the
// scheduler's own status writes (PodScheduled, nominatedNodeName) do not retry an unschedulable pod.
import { isDeepStrictEqual } from 'node:util';
import type { Pod } from '@skiff/api';

function strip(p: Pod): unknown {
  const { resourceVersion: _rv, generation: _g, managedFields: _m, finalizers: _f, ...meta } = p.metadata as Pod['metadata'] & { managedFields?: unknown };
  return { ...p, metadata: meta, status: undefined };
}

export function isPodUpdated(oldPod: Pod, newPod: Pod): boolean {
  return !isDeepStrictEqual(strip(oldPod), strip(newPod));
}
