// Kubernetes' apps/v1 defaults for Deployments and ReplicaSets.
import type { KObject } from '../object.js';
import type { DeploymentSpec, ReplicaSetSpec } from '../types/apps.js';
import { defaultPodTemplateSpec } from './pod.js';

export function defaultDeployment(obj: KObject): void {
  const spec = obj.spec as DeploymentSpec | undefined;
  if (!spec || typeof spec !== 'object') return;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  spec.strategy ??= {};
  if (!spec.strategy.type) spec.strategy.type = 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    const ru = spec.strategy.rollingUpdate;
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) spec.progressDeadlineSeconds = 600;
  defaultPodTemplateSpec(spec.template);
}

export function defaultReplicaSet(obj: KObject): void {
  const spec = obj.spec as ReplicaSetSpec | undefined;
  if (!spec || typeof spec !== 'object') return;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultPodTemplateSpec(spec.template);
}
