// The pods/binding subresource's rules (Kubernetes' BindingREST): which Bindings are valid, and what
// binding does to the stored Pod. The apiserver and the fake client both apply these.
import { ApiError, fieldError, invalid } from './errors.js';
import type { KObject } from './object.js';
import type { PodStatus } from './types/pod.js';

/** A Binding as sent: the pod (metadata) and the node it goes to (target). */
export interface Binding {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string };
}

/** Throws Invalid (with the field paths) unless the Binding names a pod and a Node. */
export function validateBinding(binding: Binding): void {
  const name = binding.metadata?.name ?? '';
  const errs = [];
  if (!name) errs.push(fieldError('metadata.name', 'Required', 'the pod to bind'));
  if (!binding.target?.name) errs.push(fieldError('target.name', 'Required', 'the node to bind to'));
  if (binding.target?.kind && binding.target.kind !== 'Node') errs.push(fieldError('target.kind', 'NotSupported', 'must be "Node"', binding.target.kind));
  if (errs.length > 0) throw invalid('Binding', name, errs);
}

/**
 * The pod `cur` bound to `nodeName`: spec.nodeName set once, with a PodScheduled=True condition at
 * `timestamp`, and the Binding's annotations copied onto the pod (as Kubernetes' BindingREST, which
 * the scheduler uses to publish its placement explanation in the same write). FAILED_PRECONDITION
 * (reason Conflict) if it already has a node or is being deleted. `cur` is not changed.
 */
export function bindToNode(cur: KObject, nodeName: string, timestamp: string, annotations?: Record<string, string>): KObject {
  const name = cur.metadata.name ?? '';
  const spec = (cur.spec ?? {}) as { nodeName?: string };
  if (spec.nodeName) {
    throw new ApiError('FAILED_PRECONDITION', `pod ${name} is already assigned to node "${spec.nodeName}"`, { reason: 'Conflict', metadata: { node: spec.nodeName } });
  }
  if (cur.metadata.deletionTimestamp) throw new ApiError('FAILED_PRECONDITION', `pod ${name} is being deleted, cannot be assigned to a host`, { reason: 'Conflict' });
  const next = structuredClone(cur);
  (next.spec as { nodeName?: string }).nodeName = nodeName;
  if (annotations && Object.keys(annotations).length > 0) next.metadata.annotations = { ...(next.metadata.annotations ?? {}), ...annotations };
  const status = (next.status ?? {}) as PodStatus;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastTransitionTime: timestamp }];
  next.status = status;
  return next;
}
