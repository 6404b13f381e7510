// revisionHistoryLimit, as Kubernetes' cleanupDeployment: beyond the limit, the oldest revisions'
// ReplicaSets that are scaled to zero, settled and not being deleted are deleted.
import type { Deployment, ReplicaSet } from '@skiff/api';
import { compareStrings } from '@skiff/api';
import type { SyncEnv } from './env.js';
import { revisionOf } from './replica-sets.js';

export async function cleanupDeployment(env: SyncEnv, oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || compareStrings(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? ''));
  for (const rs of byRevision.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    await env.client.delete('replicasets', rs.metadata.namespace ?? '', rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } });
  }
}
