// maxSurge / maxUnavailable as Kubernetes resolves them (deploymentutil.ResolveFenceposts):
// a number, or a percentage of the replicas rounded up for the surge and down for unavailability;
// both zero is not allowed, so unavailability becomes 1. Shared by the deployment controller and
// the rollout bounds tests and benchmarks check (machinery's testing/pod-bounds.ts).
import type { Deployment, IntOrString } from './types/index.js';

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValueFromIntOrPercent(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g. '5%')`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValueFromIntOrPercent(maxSurge, desired, true);
  let unavailable = scaledValueFromIntOrPercent(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function isRollingUpdateDeployment(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** spec.replicas, 1 when unset. */
export function deploymentReplicas(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

/** deploymentutil.MaxSurge: 0 for Recreate. */
export function deploymentMaxSurge(d: Deployment): number {
  if (!isRollingUpdateDeployment(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', deploymentReplicas(d)).surge;
}

/** deploymentutil.MaxUnavailable: 0 for Recreate or no replicas, never above the replicas. */
export function deploymentMaxUnavailable(d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdateDeployment(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', replicas);
  return Math.min(unavailable, replicas);
}
