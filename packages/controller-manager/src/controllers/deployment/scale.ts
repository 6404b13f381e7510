// Scaling, as Kubernetes' deployment controller sync.go: scaleReplicaSet (size and the
// desired/max-replicas annotations in one write, a ScalingReplicaSet event), and scale(): a
// Deployment resized in the middle of a rollout spreads the difference over its active
// ReplicaSets in proportion to their sizes (the largest takes the rounding leftover).
import { type Deployment, type ReplicaSet, clone } from '@skiff/api';
import type { SyncEnv } from './env.js';
import { isRollingUpdate, maxSurge, replicasOf } from './fenceposts.js';
import {
  activeReplicaSets,
  byCreation,
  maxReplicasAnnotation,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
  specReplicas,
  sumSpecReplicas,
} from './replica-sets.js';

/** Sets the ReplicaSet's size; returns whether it was scaled and the ReplicaSet as stored. */
export async function scaleReplicaSet(env: SyncEnv, rs: ReplicaSet, newScale: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const oldScale = specReplicas(rs);
  const sizeChanged = oldScale !== newScale;
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = clone(rs);
  copy.spec!.replicas = newScale;
  setReplicasAnnotations(copy, desired, max);
  const stored = await env.client.update(copy);
  if (sizeChanged) {
    const op = oldScale < newScale ? 'up' : 'down';
    env.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeChanged, rs: stored };
}

/** The new ReplicaSet has the Deployment's replicas (deploymentutil.IsSaturated). */
function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
  return desired === String(replicasOf(d)) && specReplicas(rs) === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}

/** deploymentutil.getReplicaSetFraction. */
function fraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return Math.round((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

/** deploymentutil.GetProportion. */
function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

/** Larger first; on a tie newer first (growing) or older first (shrinking). */
function bySize(newerFirst: boolean): (a: ReplicaSet, b: ReplicaSet) => number {
  return (a, b) => specReplicas(b) - specReplicas(a) || (newerFirst ? byCreation(b, a) : byCreation(a, b));
}

/** The controller's scale(): true when any ReplicaSet was resized. */
export async function scale(env: SyncEnv, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Promise<boolean> {
  const active = activeReplicaSets([newRS, ...oldRSs]);
  // One active ReplicaSet (or none but the newest): it simply gets the Deployment's size.
  const single = active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? [...oldRSs].sort(byCreation).at(-1)) : undefined;
  if (single) {
    if (specReplicas(single) === replicasOf(d)) return false;
    return (await scaleReplicaSet(env, single, replicasOf(d), d)).scaled;
  }
  if (active.length === 0) return false;
  // The new ReplicaSet is saturated: the old ones go to zero.
  if (isSaturated(d, newRS)) {
    let scaled = false;
    for (const old of activeReplicaSets(oldRSs)) if ((await scaleReplicaSet(env, old, 0, d)).scaled) scaled = true;
    return scaled;
  }
  if (!isRollingUpdate(d)) return false;
  const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - sumSpecReplicas(active);
  const sorted = [...active].sort(bySize(toAdd > 0));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of sorted) {
    const p = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs, specReplicas(rs) + p);
    added += p;
  }
  // The leftover of the rounding goes to the largest ReplicaSet.
  if (toAdd !== 0 && toAdd !== added) sizes.set(sorted[0], Math.max(0, sizes.get(sorted[0])! + toAdd - added));
  let scaled = false;
  for (const rs of sorted) if ((await scaleReplicaSet(env, rs, sizes.get(rs)!, d)).scaled) scaled = true;
  return scaled;
}
