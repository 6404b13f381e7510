// maxSurge / maxUnavailable as Kubernetes resolves them: @skiff/api's deployment-fenceposts.ts
// (shared with the rollout bounds of tests and benchmarks), under the deployment controller's names.
export {
  deploymentMaxSurge as maxSurge,
  deploymentMaxUnavailable as maxUnavailable,
  deploymentReplicas as replicasOf,
  isRollingUpdateDeployment as isRollingUpdate,
  resolveFenceposts,
  scaledValueFromIntOrPercent as scaledValue,
} from '@skiff/api';
