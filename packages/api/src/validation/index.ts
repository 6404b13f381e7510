// validateObject: the per-kind validation of every Skiff kind, create (no old) or update.
import { fieldError, type FieldError } from '../errors.js';
import type { KObject } from '../object.js';
import { apiVersionOf, resourceByKind } from '../registry.js';
import { validateConfigMap, validateSecret } from './configmap.js';
import { validateDeployment, validateReplicaSet } from './deployment.js';
import { validateEndpoints } from './endpoints.js';
import { validateEvent } from './event.js';
import { validateLease } from './lease.js';
import { validateNamespace } from './namespace.js';
import { validateNode } from './node.js';
import { validatePod } from './pod.js';
import { validatePriorityClass } from './priorityclass.js';
import { validateService } from './service.js';

type Validator = (obj: KObject, old?: KObject) => FieldError[];

const validators: Record<string, Validator> = {
  Namespace: validateNamespace,
  Pod: validatePod,
  Node: validateNode,
  Service: validateService,
  Endpoints: validateEndpoints,
  ConfigMap: validateConfigMap,
  Secret: validateSecret,
  Event: validateEvent,
  Lease: validateLease,
  Deployment: validateDeployment,
  ReplicaSet: validateReplicaSet,
  PriorityClass: validatePriorityClass,
};

/**
 * Every violation of the object, with Kubernetes field paths; empty when valid. `old` undefined is
 * a create; defined, an update (immutable fields are checked against it). Run after applyDefaults.
 */
export function validateObject(obj: KObject, old?: KObject): FieldError[] {
  if (!obj || typeof obj !== 'object') return [fieldError('', 'Required', 'an object is required')];
  const type = resourceByKind(obj.kind);
  if (!type) return [fieldError('kind', 'NotSupported', `supported values: ${Object.keys(validators).map((k) => JSON.stringify(k)).join(', ')}`, obj.kind)];
  const out: FieldError[] = [];
  const want = apiVersionOf(type);
  if (obj.apiVersion !== want) out.push(fieldError('apiVersion', 'NotSupported', `supported values: ${JSON.stringify(want)}`, obj.apiVersion));
  if (old && old.kind !== obj.kind) out.push(fieldError('kind', 'Invalid', 'field is immutable', obj.kind));
  const validate = validators[type.kind];
  out.push(...validate(obj, old));
  return out;
}

export { validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations } from './metadata.js';
export { validatePodSpec, validatePodTemplateSpec, validatePodSpecUpdate } from './pod.js';
