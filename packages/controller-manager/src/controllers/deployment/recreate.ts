// The Recreate strategy, as Kubernetes' recreate.go: scale every old ReplicaSet to zero, wait until
// none of their pods runs, then scale the new ReplicaSet up to the full size.
import type { Pod, ReplicaSet } from '@skiff/api';
import type { SyncEnv } from './env.js';
import { replicasOf } from './fenceposts.js';
import { activeReplicaSets, specReplicas } from './replica-sets.js';
import { scaleReplicaSet } from './scale.js';
import type { Deployment } from '@skiff/api';

export async function scaleDownOldForRecreate(env: SyncEnv, oldRSs: readonly ReplicaSet[], d: Deployment): Promise<boolean> {
  let scaled = false;
  for (const rs of activeReplicaSets(oldRSs)) if ((await scaleReplicaSet(env, rs, 0, d)).scaled) scaled = true;
  return scaled;
}

/** Old pods still around: ReplicaSets reporting replicas, or pods not yet Failed/Succeeded. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podsOf: (rs: ReplicaSet) => Pod[]): boolean {
  if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
  for (const rs of oldRSs) {
    if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
    for (const p of podsOf(rs)) {
      const phase = p.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      if (phase === 'Unknown' || phase === undefined || phase === 'Pending' || phase === 'Running') return true;
    }
  }
  return false;
}

export async function scaleUpNewForRecreate(env: SyncEnv, newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (specReplicas(newRS) === replicasOf(d)) return false;
  return (await scaleReplicaSet(env, newRS, replicasOf(d), d)).scaled;
}
