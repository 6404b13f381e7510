// The scale subresource (Kubernetes' autoscaling/v1 Scale, served for deployments and replicasets as
// their `/scale`): what a Scale says of an object, which Scales are valid, and what writing one does
// to the object (spec.replicas only). The apiserver and the fake client both apply these.
import { ApiError, fieldError, invalid } from './errors.js';
import { labelSelectorFromObject } from './labels.js';
import type { KObject, ObjectMeta } from './object.js';
import type { LabelSelector } from './types/meta.js';

export interface Scale {
  apiVersion?: string;
  kind?: string;
  /** The scaled object's name, namespace, uid, resourceVersion (a precondition on update) and creationTimestamp. */
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'uid' | 'resourceVersion' | 'creationTimestamp'>;
  /** Desired replicas; absent means 0, as Kubernetes' omitempty int32. */
  spec?: { replicas?: number };
  /** Observed replicas and the pods' label selector in string form ("app=web,tier in (a,b)"). */
  status?: { replicas?: number; selector?: string };
}

/** The kinds that serve a scale subresource (Kubernetes also has StatefulSet; Skiff serves none). */
export const SCALABLE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'ReplicaSet']);

export function hasScaleSubresource(kind: string): boolean {
  return SCALABLE_KINDS.has(kind);
}

/** NOT_FOUND, as Kubernetes answers for a subresource a resource does not have. */
export function noScaleSubresource(resource: string): ApiError {
  return new ApiError('NOT_FOUND', `the server could not find the requested resource (${resource}/scale)`, { metadata: { resource, subresource: 'scale' } });
}

interface Replicated {
  spec?: { replicas?: number; selector?: LabelSelector };
  status?: { replicas?: number };
}

/** The Scale of a Deployment or ReplicaSet (resourceVersion and uid are the object's). */
export function scaleOf(obj: KObject): Scale {
  const o = obj as KObject & Replicated;
  const m = obj.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    spec: { replicas: o.spec?.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: o.spec?.selector ? labelSelectorFromObject(o.spec.selector).toString() : '' },
  };
}

/** Throws Invalid (kind Scale, with field paths) unless the Scale names an object and asks for replicas >= 0. */
export function validateScale(scale: Scale): void {
  const name = scale.metadata?.name ?? '';
  const errs = [];
  if (!name) errs.push(fieldError('metadata.name', 'Required', 'name or generateName is required'));
  const replicas = scale.spec?.replicas ?? 0;
  if (!Number.isInteger(replicas)) errs.push(fieldError('spec.replicas', 'Invalid', 'must be an integer', replicas));
  else if (replicas < 0) errs.push(fieldError('spec.replicas', 'Invalid', 'must be greater than or equal to 0', replicas));
  if (errs.length > 0) throw invalid('Scale', name, errs);
}

/** `cur` with spec.replicas from `scale` (nothing else changes); `cur` is not changed. */
export function applyScale(cur: KObject, scale: Scale): KObject {
  const next = structuredClone(cur) as KObject & Replicated;
  next.spec = { ...(next.spec ?? {}), replicas: scale.spec?.replicas ?? 0 };
  return next;
}
