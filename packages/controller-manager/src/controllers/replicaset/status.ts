// A ReplicaSet's status from the pods it owns, as Kubernetes' calculateStatus.
import type { Condition, Pod, ReplicaSet, ReplicaSetStatus } from '@skiff/api';
import { AVAILABLE, NOT_READY, podReadiness } from '../../pod-util.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface ManageError {
  /** FailedCreate or FailedDelete. */
  reason: string;
  message: string;
}

/** What a ReplicaSet's status counts of the pods it owns. */
export interface PodCounts {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

/** One pass over the pods (a sync of a 3,000-pod ReplicaSet runs it over all of them), no closure per pod. */
export function calculateStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: ManageError | undefined, now: number): ReplicaSetStatus {
  const template = rs.spec?.template?.metadata?.labels ?? {};
  const keys = Object.keys(template);
  const values = keys.map((k) => template[k]);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i]!;
    const labels = p.metadata.labels ?? {};
    let labeled = true;
    for (let k = 0; k < keys.length && labeled; k++) labeled = labels[keys[k]!] === values[k];
    if (labeled) fullyLabeled++;
    const r = podReadiness(p, minReady, now);
    if (r !== NOT_READY) ready++;
    if (r === AVAILABLE) available++;
  }
  return statusFromCounts(rs, { replicas: pods.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available }, manageError, now);
}

/** The status from counts already made (calculateStatus, or the tally of tally.ts). */
export function statusFromCounts(rs: ReplicaSet, counts: PodCounts, manageError: ManageError | undefined, now: number): ReplicaSetStatus {
  const conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE);
  const existing = rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError) {
    conditions.push(
      existing ?? { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: new Date(now).toISOString(), reason: manageError.reason, message: manageError.message },
    );
  }
  const status: ReplicaSetStatus = {
    replicas: counts.replicas,
    fullyLabeledReplicas: counts.fullyLabeledReplicas,
    readyReplicas: counts.readyReplicas,
    availableReplicas: counts.availableReplicas,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  if (conditions.length > 0) status.conditions = conditions as Condition[];
  return status;
}
