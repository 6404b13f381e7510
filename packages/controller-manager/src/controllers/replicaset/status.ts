// A ReplicaSet's status from the pods it owns, as Kubernetes' calculateStatus.
import type { Condition, Pod, ReplicaSet, ReplicaSetStatus } from '@skiff/api';
import { isPodAvailable, isPodReady } from '../../pod-util.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface ManageError {
  /** FailedCreate or FailedDelete. */
  reason: string;
  message: string;
}

export function calculateStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: ManageError | undefined, now: number): ReplicaSetStatus {
  const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE);
  const existing = rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError) {
    conditions.push(
      existing ?? { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: new Date(now).toISOString(), reason: manageError.reason, message: manageError.message },
    );
  }
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  if (conditions.length > 0) status.conditions = conditions as Condition[];
  return status;
}
