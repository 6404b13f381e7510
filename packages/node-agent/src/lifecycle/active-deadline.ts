// activeDeadlineSeconds (the kubelet's activeDeadlineHandler): a pod that has been active on the
// node (since status.startTime) for its deadline fails with DeadlineExceeded and is stopped.
import type { Pod } from '@skiff/api';

export const DEADLINE_EXCEEDED = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };

/** ms until the pod's deadline (<= 0: past it); undefined without a deadline or a start time */
export function activeDeadlineRemainingMs(pod: Pod, nowMs: number): number | undefined {
  const secs = pod.spec?.activeDeadlineSeconds;
  const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  if (secs === undefined || secs === null || Number.isNaN(start)) return undefined;
  return start + secs * 1000 - nowMs;
}
