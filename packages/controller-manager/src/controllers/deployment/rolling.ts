// The RollingUpdate strategy, as Kubernetes' rolling.go: grow the new ReplicaSet within
// replicas + maxSurge, shrink the old ones while at least replicas - maxUnavailable pods stay
// available (unhealthy old pods first), one step per sync.
import type { Deployment, ReplicaSet } from '@skiff/api';
import type { SyncEnv } from './env.js';
import { maxUnavailable, replicasOf } from './fenceposts.js';
import { activeReplicaSets, byCreation, newRSNewReplicas, specReplicas, sumSpecReplicas, sumStatus } from './replica-sets.js';
import { scaleReplicaSet } from './scale.js';

/** reconcileNewReplicaSet: true when the new ReplicaSet was resized. */
export async function reconcileNewReplicaSet(env: SyncEnv, all: readonly ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const want = replicasOf(d);
  if (specReplicas(newRS) === want) return false;
  if (specReplicas(newRS) > want) return (await scaleReplicaSet(env, newRS, want, d)).scaled;
  return (await scaleReplicaSet(env, newRS, newRSNewReplicas(d, all, newRS, true), d)).scaled;
}

/** reconcileOldReplicaSets: true when any old ReplicaSet was scaled down. */
export async function reconcileOldReplicaSets(env: SyncEnv, all: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (sumSpecReplicas(oldRSs) === 0) return false;
  const allPods = sumSpecReplicas(all);
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newRSUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  // Unhealthy old pods first: removing them costs no availability.
  const { cleaned, oldRSs: afterCleanup } = await cleanupUnhealthyReplicas(env, oldRSs, d, maxScaledDown);
  const allAfter = [...afterCleanup, newRS];
  const scaledDown = await scaleDownOldReplicaSets(env, allAfter, afterCleanup, d);
  return cleaned + scaledDown > 0;
}

async function cleanupUnhealthyReplicas(env: SyncEnv, oldRSs: readonly ReplicaSet[], d: Deployment, maxCleanup: number): Promise<{ cleaned: number; oldRSs: ReplicaSet[] }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  const out: ReplicaSet[] = [];
  for (const rs of sorted) {
    const size = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (total >= maxCleanup || size === 0 || size === available) {
      out.push(rs);
      continue;
    }
    const down = Math.min(maxCleanup - total, size - available);
    // More available than asked for: the status still counts pods the ReplicaSet is deleting (it
    // was just scaled down). As Kubernetes, fail the sync until the status catches up; going on
    // would scale the ReplicaSet back up, and then count those doomed pods as available.
    if (down < 0) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${size} -> ${size - down}`);
    const res = await scaleReplicaSet(env, rs, size - down, d);
    total += down;
    out.push(res.rs);
  }
  return { cleaned: total, oldRSs: out };
}

async function scaleDownOldReplicaSets(env: SyncEnv, all: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = sumStatus(all, 'availableReplicas');
  if (available <= minAvailable) return 0;
  const totalDown = available - minAvailable;
  let done = 0;
  for (const rs of activeReplicaSets(oldRSs).sort(byCreation)) {
    if (done >= totalDown) break;
    const down = Math.min(specReplicas(rs), totalDown - done);
    await scaleReplicaSet(env, rs, specReplicas(rs) - down, d);
    done += down;
  }
  return done;
}
