// A pod's ephemeral-storage limits as the kubelet's local-storage eviction reads them: each app
// container's own `limits.ephemeral-storage`, and the pod's (resourcehelper.PodLimits): the sum over
// the app containers that set one, the larger of that and any init container's, plus the pod
// overhead's ephemeral-storage when a limit exists; none when no container sets one. Quantities keep
// the format Kubernetes' arithmetic keeps (the first one's), so messages print as the kubelet's.
import { parseQuantity, type Container, type Pod, type Quantity } from '@skiff/api';

export const EPHEMERAL_STORAGE = 'ephemeral-storage';

function limitOf(c: Container): Quantity | undefined {
  const q = c.resources?.limits?.[EPHEMERAL_STORAGE];
  return q === undefined ? undefined : parseQuantity(q);
}

/** the app containers' own limits, by container name (a zero limit is none, as the kubelet's check) */
export function containerEphemeralStorageLimits(pod: Pod): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const c of pod.spec?.containers ?? []) {
    const q = limitOf(c);
    if (q && !q.isZero()) out.set(c.name, q);
  }
  return out;
}

/** the pod's limit; a zero limit counts here (the kubelet's PodLimits has it) */
export function podEphemeralStorageLimit(pod: Pod): Quantity | undefined {
  let limit: Quantity | undefined;
  for (const c of pod.spec?.containers ?? []) {
    const q = limitOf(c);
    if (q) limit = limit ? limit.add(q) : q;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const q = limitOf(c);
    if (q && (!limit || q.cmp(limit) > 0)) limit = q;
  }
  const overhead = pod.spec?.overhead?.[EPHEMERAL_STORAGE];
  if (limit && overhead !== undefined) limit = limit.add(parseQuantity(overhead));
  return limit;
}
