// The status change a failed attempt makes (Kubernetes' updatePod in schedule_one.go): the
// PodScheduled=False condition with the reason and the summary, and status.nominatedNodeName when
// preemption chose a node. Nothing when neither changed, so a pod retried with the same outcome is
// not written again; lastTransitionTime moves only when the condition's status changes.
import type { Pod, PodCondition } from '@skiff/api';

export interface SchedulingFailureStatus {
  reason: string;
  message: string;
  nominatedNodeName?: string;
}

/** A strategic merge patch of the pod's status (conditions merge by type), or undefined if nothing changed. */
export function failureStatusPatch(pod: Pod, f: SchedulingFailureStatus, nowIso: string): { status: { conditions: PodCondition[]; nominatedNodeName?: string } } | undefined {
  const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const cond: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    reason: f.reason,
    message: f.message,
    lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : nowIso,
  };
  const conditionChanged = !old || old.status !== cond.status || old.reason !== cond.reason || old.message !== cond.message;
  const nominate = !!f.nominatedNodeName && f.nominatedNodeName !== pod.status?.nominatedNodeName;
  if (!conditionChanged && !nominate) return undefined;
  return { status: { conditions: [cond], ...(nominate ? { nominatedNodeName: f.nominatedNodeName } : {}) } };
}
