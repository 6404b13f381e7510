// The pod and container a streaming call names, checked as Kubernetes' pod subresources do: the
// pod exists, is bound to a node, and the container is one of its containers (or init containers),
// defaulted when the pod has exactly one container.
import { ApiError, type Node, type Pod } from '@skiff/api';
import type { PodContainer } from '@skiff/machinery';
import type { Registry } from '../../registry/registry.js';

export interface ResolvedTarget {
  pod: Pod;
  node: Node;
  /** what the agent gets: namespace, name, container and the pod's uid */
  target: Required<PodContainer>;
}

/** The container named, or the default one; INVALID_ARGUMENT otherwise (Kubernetes' messages). */
export function containerOf(pod: Pod, wanted: string, needContainer: boolean): string {
  const name = pod.metadata.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const inits = (pod.spec?.initContainers ?? []).map((c) => c.name);
  if (wanted) {
    if (containers.includes(wanted) || inits.includes(wanted)) return wanted;
    throw new ApiError('INVALID_ARGUMENT', `container ${wanted} is not valid for pod ${name}`, { reason: 'BadRequest' });
  }
  if (!needContainer) return '';
  const byAnnotation = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (byAnnotation && containers.includes(byAnnotation)) return byAnnotation;
  if (containers.length === 1) return containers[0]!;
  const more = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
  throw new ApiError('INVALID_ARGUMENT', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${more}`, { reason: 'BadRequest' });
}

export async function resolveTarget(registry: Registry, t: PodContainer | null | undefined, needContainer = true): Promise<ResolvedTarget> {
  const namespace = t?.namespace || 'default';
  const name = t?.name ?? '';
  if (!name) throw new ApiError('INVALID_ARGUMENT', 'target.name: Required value: the pod name', { reason: 'BadRequest', fields: [{ field: 'target.name', type: 'Required', detail: 'the pod name' }] });
  const pod = (await registry.get('pods', namespace, name)) as Pod;
  if (t?.podUid && pod.metadata.uid !== t.podUid) throw new ApiError('NOT_FOUND', `pods "${name}" not found (uid ${t.podUid})`, { reason: 'NotFound' });
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw new ApiError('FAILED_PRECONDITION', `pod ${name} does not have a host assigned`, { reason: 'BadRequest' });
  const node = (await registry.get('nodes', '', nodeName)) as Node;
  const container = containerOf(pod, t?.container ?? '', needContainer);
  return { pod, node, target: { namespace, name, container, podUid: pod.metadata.uid ?? '' } };
}
