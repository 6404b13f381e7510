// Which pods a ReplicaSet deletes first when it scales down, as Kubernetes' ActivePodsWithRanks:
// unscheduled before scheduled, Pending before Unknown before Running, not ready before ready, on
// a node crowded with related pods before a lone one, ready for less time before longer, more
// restarts before fewer, newer before older.
import type { Pod } from '@skiff/api';
import { isPodReady, podReadyTime, podRestarts } from '../../pod-util.js';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function created(p: Pod): number {
  return p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : 0;
}

/** Negative when `a` should be deleted before `b`. `rank`: related pods on the pod's node. */
export function compareForDeletion(a: Pod, b: Pod, rank: (p: Pod) => number): number {
  const aNode = a.spec?.nodeName ?? '';
  const bNode = b.spec?.nodeName ?? '';
  if ((aNode === '') !== (bNode === '')) return aNode === '' ? -1 : 1;
  const aPhase = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0;
  const bPhase = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  const aReady = isPodReady(a);
  if (aReady !== isPodReady(b)) return aReady ? 1 : -1;
  const aRank = rank(a);
  const bRank = rank(b);
  if (aRank !== bRank) return bRank - aRank;
  if (aReady) {
    const at = podReadyTime(a) ?? 0;
    const bt = podReadyTime(b) ?? 0;
    if (at !== bt) return bt - at; // ready later (for less time) first
  }
  const ar = podRestarts(a);
  const br = podRestarts(b);
  if (ar !== br) return br - ar;
  return created(b) - created(a);
}

/** The `count` pods to delete among `pods`; `related`: the pods counted for node crowding. */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod): number => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => compareForDeletion(a, b, rank)).slice(0, count);
}
