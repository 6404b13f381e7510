// The pods/binding subresource (what the scheduler does): sets spec.nodeName once, with the
// PodScheduled condition, as Kubernetes' BindingREST.
import { ApiError, fieldError, invalid, resourceByKind, type KObject, type PodStatus } from '@skiff/api';
import type { Registry } from '../../registry.js';
import { now } from '../../time.js';

export interface Binding {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  target?: { kind?: string; name?: string };
}

export async function bindPod(registry: Registry, binding: Binding): Promise<KObject> {
  const t = resourceByKind('Pod')!;
  const name = binding.metadata?.name ?? '';
  const node = binding.target?.name ?? '';
  const errs = [];
  if (!name) errs.push(fieldError('metadata.name', 'Required', 'the pod to bind'));
  if (!node) errs.push(fieldError('target.name', 'Required', 'the node to bind to'));
  if (binding.target?.kind && binding.target.kind !== 'Node') errs.push(fieldError('target.kind', 'NotSupported', 'must be "Node"', binding.target.kind));
  if (errs.length > 0) throw invalid('Binding', name, errs);
  const namespace = binding.metadata?.namespace || 'default';
  const preconditions = { resourceVersion: binding.metadata?.resourceVersion || undefined, uid: binding.metadata?.uid || undefined };
  return registry.guaranteedUpdate(t, namespace, name, preconditions, false, (cur) => {
    const spec = (cur.spec ?? {}) as { nodeName?: string };
    if (spec.nodeName) {
      throw new ApiError('FAILED_PRECONDITION', `pod ${name} is already assigned to node "${spec.nodeName}"`, { reason: 'Conflict', metadata: { node: spec.nodeName } });
    }
    if (cur.metadata.deletionTimestamp) throw new ApiError('FAILED_PRECONDITION', `pod ${name} is being deleted, cannot be assigned to a host`, { reason: 'Conflict' });
    const next = structuredClone(cur);
    (next.spec as { nodeName?: string }).nodeName = node;
    const status = (next.status ?? {}) as PodStatus;
    status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastTransitionTime: now() }];
    next.status = status;
    return next;
  });
}

