// The pods/binding subresource (what the scheduler does): sets spec.nodeName once, with the
// PodScheduled condition, as Kubernetes' BindingREST. The rules are @skiff/api's (shared with the
// fake client); this applies them to the stored pod with optimistic concurrency.
import { bindToNode, resourceByKind, validateBinding, type Binding, type KObject } from '@skiff/api';
import type { RequestContext } from '../../../grpc/user-info.js';
import type { Registry } from '../../registry.js';
import { now } from '../../time.js';

export async function bindPod(registry: Registry, ctx: RequestContext, binding: Binding): Promise<KObject> {
  validateBinding(binding);
  const t = resourceByKind('Pod')!;
  const namespace = binding.metadata?.namespace || 'default';
  const preconditions = { resourceVersion: binding.metadata?.resourceVersion || undefined, uid: binding.metadata?.uid || undefined };
  return registry.guaranteedUpdate(ctx, t, namespace, binding.metadata!.name!, preconditions, false, (cur) => bindToNode(cur, binding.target!.name!, now(), binding.metadata?.annotations));
}
