// ObjectMeta handling common to every kind, as k8s.io/apiserver's rest.FillObjectMetaSystemFields
// and the update path: the fields only the server sets, and empty collections stored as absent
// (Go's omitempty), so `labels: {}` is the same object as no labels.
import type { KObject, ObjectMeta, ResourceType } from '@skiff/api';

/** Fields a client may not choose: reset on create, carried over from storage on update. */
const SYSTEM_FIELDS = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const;

export function clearSystemFields(m: ObjectMeta): void {
  for (const f of SYSTEM_FIELDS) delete m[f];
}

/** An update keeps the stored identity and deletion state; the namespace is the stored one. */
export function restoreSystemFields(t: ResourceType, next: KObject, cur: KObject): void {
  const m = next.metadata;
  if (t.namespaced) m.namespace = cur.metadata.namespace;
  else delete m.namespace;
  for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if (cur.metadata[f] === undefined) delete m[f];
    else (m as Record<string, unknown>)[f] = cur.metadata[f];
  }
}

/** Empty labels, annotations, finalizers and ownerReferences are dropped (they encode as absent). */
export function omitEmptyMetadata(m: ObjectMeta): void {
  for (const f of ['labels', 'annotations'] as const) if (m[f] && Object.keys(m[f]!).length === 0) delete m[f];
  for (const f of ['finalizers', 'ownerReferences'] as const) if (Array.isArray(m[f]) && m[f]!.length === 0) delete m[f];
}
