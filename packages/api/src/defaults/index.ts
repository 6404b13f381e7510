// applyDefaults: Kubernetes' defaulting of every Skiff kind. Mutates in place; idempotent.
import type { KObject } from '../object.js';
import { defaultDeployment, defaultReplicaSet } from './apps.js';
import { defaultEvent, defaultNamespace, defaultNode, defaultSecret } from './misc.js';
import { defaultPod } from './pod.js';
import { defaultPriorityClass } from './scheduling.js';
import { defaultEndpoints, defaultService } from './service.js';

const defaulters: Record<string, (obj: KObject) => void> = {
  Pod: defaultPod,
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  Service: defaultService,
  Endpoints: defaultEndpoints,
  Secret: defaultSecret,
  Namespace: defaultNamespace,
  Event: defaultEvent,
  Node: defaultNode,
  PriorityClass: defaultPriorityClass,
};

/** Fills unset fields with Kubernetes' defaults. Unknown kinds are left alone. */
export function applyDefaults(obj: KObject): void {
  if (!obj || typeof obj !== 'object') return;
  defaulters[obj.kind]?.(obj);
}

export { defaultImagePullPolicy, defaultPodSpec, defaultPodTemplateSpec } from './pod.js';
