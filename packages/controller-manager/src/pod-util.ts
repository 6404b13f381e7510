// Pod predicates shared by the controllers, as Kubernetes' podutil: ready, available (ready for
// minReadySeconds), active (neither terminated nor being deleted).
import type { Pod, PodCondition } from '@skiff/api';

// A ReplicaSet's status asks these of every pod it owns on every sync (thousands per second during a
// scale-up): each looks at the conditions once, in a plain loop.
function readyCondition(pod: Pod): PodCondition | undefined {
  const conditions = pod.status?.conditions;
  if (!conditions) return undefined;
  for (let i = 0; i < conditions.length; i++) if (conditions[i]!.type === 'Ready') return conditions[i];
  return undefined;
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

export const NOT_READY = 0;
const READY = 1;
export const AVAILABLE = 2;

/**
 * NOT_READY, READY (Ready=True) or AVAILABLE (ready for at least minReadySeconds at `now`, ms:
 * Kubernetes' podutil.IsPodAvailable), from one look at the conditions.
 */
export function podReadiness(pod: Pod, minReadySeconds: number, now: number): typeof NOT_READY | typeof READY | typeof AVAILABLE {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return NOT_READY;
  if (minReadySeconds <= 0) return AVAILABLE;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now ? AVAILABLE : READY;
}

/** When the pod became ready (ms), or undefined. */
export function podReadyTime(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime);
}

/** Not Succeeded or Failed, and not being deleted (Kubernetes' controller.IsPodActive). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
}
