// Which pods Kubernetes' pod GC deletes, as pure selections over the cache: the oldest terminated
// pods beyond the threshold, pods bound to nodes that are gone, pods being deleted that were never
// scheduled, and pods being deleted on a not-ready node marked out of service.
import type { Node, Pod } from '@skiff/api';

export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

export function isTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

const created = (p: Pod): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
const evicted = (p: Pod): boolean => p.status?.reason === 'Evicted';

/** The terminated pods beyond `threshold`, evicted ones first, then oldest first (0: none). */
export function terminatedOverThreshold(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isTerminated);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  return terminated
    .sort((a, b) => (evicted(a) !== evicted(b) ? (evicted(a) ? -1 : 1) : created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : 1)))
    .slice(0, excess);
}

/** The names of the nodes pods are bound to that the node cache does not hold. */
export function missingNodes(pods: readonly Pod[], nodeExists: (name: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const p of pods) if (p.spec?.nodeName && !nodeExists(p.spec.nodeName)) out.add(p.spec.nodeName);
  return out;
}

/** Pods being deleted that no node will ever stop (never scheduled). */
export function unscheduledTerminating(pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => p.metadata.deletionTimestamp && !p.spec?.nodeName);
}

/** Pods being deleted on a node that is not Ready and carries the out-of-service taint. */
export function terminatingOutOfService(pods: readonly Pod[], node: (name: string) => Node | undefined): Pod[] {
  return pods.filter((p) => {
    if (!p.metadata.deletionTimestamp || !p.spec?.nodeName) return false;
    const n = node(p.spec.nodeName);
    if (!n) return false;
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return !ready && (n.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE && t.effect === 'NoExecute');
  });
}
