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
 * (reason Conflict) if it already has a node or is being deleted. `cur` is not changed, and the result
 * shares every field that the bind does not change with it (do not change those in place).
 */
export function bindToNode(cur: KObject, nodeName: string, timestamp: string, annotations?: Record<string, string>): KObject {
  const name = cur.metadata.name ?? '';
  const spec = (cur.spec ?? {}) as { nodeName?: string };
  if (spec.nodeName) {
    throw new ApiError('FAILED_PRECONDITION', `pod ${name} is already assigned to node "${spec.nodeName}"`, { reason: 'Conflict', metadata: { node: spec.nodeName } });
  }
  if (cur.metadata.deletionTimestamp) throw new ApiError('FAILED_PRECONDITION', `pod ${name} is being deleted, cannot be assigned to a host`, { reason: 'Conflict' });
  // Copy on write: new metadata, spec, status and conditions (what a bind and the write after it
  // change, resourceVersion included); containers and the rest are shared with `cur`, which callers
  // treat as read-only (a structuredClone of the whole pod cost 3 % of the apiserver's CPU in the
  // scheduler benchmark).
  const metadata = { ...cur.metadata };
  if (annotations && Object.keys(annotations).length > 0) metadata.annotations = { ...(metadata.annotations ?? {}), ...annotations };
  const status = { ...((cur.status ?? {}) as PodStatus) };
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastTransitionTime: timestamp }];
  return { ...cur, metadata, spec: { ...spec, nodeName }, status };
}
