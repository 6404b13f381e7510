// Pod, as Kubernetes' podStrategy: starts Pending (status is a subresource, kept on spec updates);
// a pod on a node is deleted gracefully (marked with a grace period, its node agent stops the
// containers and deletes it with grace 0); the watch cache indexes pods by spec.nodeName (every
// node agent watches its own pods). On create the pod's priority is resolved from its PriorityClass
// (priority.ts); on create and update the default not-ready / unreachable tolerations are added
// (default-tolerations.ts).
import type { KObject, PodSpec, PodStatus } from '@skiff/api';
import { keepStatus, statusSubresourceStrategy, type Strategy } from '../../strategy.js';
import { addDefaultTolerations } from './default-tolerations.js';
import { admitPodPriority, keepPriority } from './priority.js';

/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

export const podStrategy: Strategy = {
  ...statusSubresourceStrategy('Pod'),
  prepareForCreate(obj: KObject) {
    obj.status = { phase: 'Pending' };
  },
  prepareForUpdate(next: KObject, old: KObject) {
    keepStatus(next, old);
    keepPriority(next, old);
  },
  async admission(obj: KObject, old: KObject | undefined, ctx) {
    if (!old) await admitPodPriority(obj, ctx);
    addDefaultTolerations(obj);
  },
  gracePeriod(obj: KObject, requested: number | undefined) {
    const spec = (obj.spec ?? {}) as Partial<PodSpec>;
    const phase = (obj.status as PodStatus | undefined)?.phase;
    // Not on a node, or finished: nothing to stop.
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return undefined;
    const marked = obj.metadata.deletionGracePeriodSeconds;
    const grace = requested ?? marked ?? spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    if (grace === 0) return undefined;
    // A second delete may shorten the grace period, never lengthen it.
    return marked !== undefined ? Math.min(grace, marked) : grace;
  },
  indexedFields: ['spec.nodeName'],
};
