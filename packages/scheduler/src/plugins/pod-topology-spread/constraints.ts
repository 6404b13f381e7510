// A pod's topology spread constraints with selectors parsed, and the per-domain pod counts both the
// Filter (DoNotSchedule) and the Score (ScheduleAnyway) need.
import { labelSelectorFromObject, type Pod, type Selector } from '@skiff/api';
import { requiredNodeAffinityOf } from '../../corev1/node-selector.js';
import type { NodeInfo } from '../../framework/node-info.js';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
}

export function constraintsOf(pod: Pod, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  return (pod.spec?.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === whenUnsatisfiable)
    .map((c) => ({ maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector: labelSelectorFromObject(c.labelSelector), minDomains: c.minDomains ?? 1 }));
}

/** Whether the node has every constraint's topology key. */
export function nodeHasAllKeys(nodeInfo: NodeInfo, constraints: readonly Constraint[]): boolean {
  const labels = nodeInfo.node?.metadata.labels ?? {};
  return constraints.every((c) => labels[c.topologyKey] !== undefined);
}

/** Pods on the node in `namespace`, not terminating, that the selector matches. */
export function countMatching(nodeInfo: NodeInfo, selector: Selector, namespace: string): number {
  let n = 0;
  for (const p of nodeInfo.pods) {
    const m = p.pod.metadata;
    if ((m.namespace ?? 'default') === namespace && !m.deletionTimestamp && selector.matches(m.labels)) n++;
  }
  return n;
}

/**
 * Per constraint, domain value -> matching pods, over the nodes that count (Kubernetes'
 * nodeAffinityPolicy Honor: those matching the pod's node selector and affinity; with all keys).
 */
export function countDomains(pod: Pod, constraints: readonly Constraint[], nodes: readonly NodeInfo[]): Map<string, number>[] {
  const counts = constraints.map(() => new Map<string, number>());
  const affinity = requiredNodeAffinityOf(pod);
  const ns = pod.metadata.namespace ?? 'default';
  for (const n of nodes) {
    if (!n.node || !nodeHasAllKeys(n, constraints) || !affinity.matches(n.node)) continue;
    const labels = n.node.metadata.labels ?? {};
    constraints.forEach((c, i) => {
      const v = labels[c.topologyKey];
      counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(n, c.selector, ns));
    });
  }
  return counts;
}
