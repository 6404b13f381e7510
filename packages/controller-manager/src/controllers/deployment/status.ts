// A Deployment's status from its ReplicaSets, and the status writes, as Kubernetes'
// calculateStatus / syncRolloutStatus / syncDeploymentStatus.
import { type Deployment, type DeploymentStatus, type ReplicaSet, clone, jsonEqual } from '@skiff/api';
import {
  AVAILABLE,
  MINIMUM_REPLICAS_AVAILABLE,
  MINIMUM_REPLICAS_UNAVAILABLE,
  NEW_RS_AVAILABLE_REASON,
  PROGRESSING,
  REPLICA_FAILURE,
  RS_UPDATED_REASON,
  TIMED_OUT_REASON,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  removeCondition,
  setCondition,
} from './conditions.js';
import type { SyncEnv } from './env.js';
import { maxUnavailable, replicasOf } from './fenceposts.js';
import { sumSpecReplicas, sumStatus } from './replica-sets.js';

export function calculateStatus(all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = sumStatus(all, 'availableReplicas');
  const total = sumSpecReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: sumStatus([newRS], 'replicas'),
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions ? { conditions: clone(d.status.conditions) } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Writes the status when it changed; returns the Deployment as stored. */
export async function writeStatus(env: SyncEnv, d: Deployment, status: DeploymentStatus): Promise<Deployment> {
  if (jsonEqual(d.status ?? {}, status)) return d;
  const next = clone(d);
  next.status = status;
  return env.client.updateStatus(next);
}

/** syncDeploymentStatus: the status without touching the Progressing condition. */
export async function syncDeploymentStatus(env: SyncEnv, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  await writeStatus(env, d, calculateStatus(all, newRS, d, env.now()));
}

/**
 * syncRolloutStatus: the status with the Progressing condition moved forward (or timed out).
 * Returns in how many ms to look again for the progress deadline, if one is pending.
 */
export async function syncRolloutStatus(env: SyncEnv, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<number | undefined> {
  const now = env.now();
  const status = calculateStatus(all, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(status, PROGRESSING);
  const complete = status.replicas === status.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  if (hasProgressDeadline(d) && !complete) {
    const name = newRS?.metadata.name ?? '';
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition(PROGRESSING, 'True', NEW_RS_AVAILABLE_REASON, `ReplicaSet "${name}" has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      const c = newCondition(PROGRESSING, 'True', RS_UPDATED_REASON, `ReplicaSet "${name}" is progressing.`, now);
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, PROGRESSING);
      }
      setCondition(status, c);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition(PROGRESSING, 'False', TIMED_OUT_REASON, `ReplicaSet "${name}" has timed out progressing.`, now));
    }
  }
  // The ReplicaSets' ReplicaFailure, if any, shows on the Deployment (the newest wins).
  const failure = [...all].reverse().map((rs) => rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE)).find(Boolean);
  if (failure) setCondition(status, newCondition(REPLICA_FAILURE, failure.status, failure.reason ?? '', failure.message ?? '', now));
  else removeCondition(status, REPLICA_FAILURE);

  const stored = await writeStatus(env, d, status);
  return stuckRequeueMs(stored, status, now);
}

/** requeueStuckDeployment: when the progress deadline of a rollout in progress falls due. */
function stuckRequeueMs(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const c = getCondition(status, PROGRESSING);
  if (!c || !hasProgressDeadline(d) || c.status !== 'True' || c.reason === NEW_RS_AVAILABLE_REASON || deploymentComplete(d, status)) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now;
  return after < 1000 ? 1 : after + 1000;
}
