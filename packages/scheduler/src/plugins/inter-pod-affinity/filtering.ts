// InterPodAffinity's PreFilter state: per topology pair ("zone=a"), how many pods (anti-)attract the
// incoming pod. Built once per cycle from the snapshot; updated by preemption's add/remove.
import type { StateData } from '../../framework/cycle-state.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../../framework/pod-info.js';

export type TopologyCounts = Map<string, number>;

export function pairKey(key: string, value: string): string {
  return `${key}=${value}`;
}

function add(counts: TopologyCounts, key: string, value: number): void {
  const v = (counts.get(key) ?? 0) + value;
  if (v === 0) counts.delete(key);
  else counts.set(key, v);
}

export class PreFilterState implements StateData {
  /** Pairs where an existing pod's required anti-affinity selects the incoming pod. */
  existingAntiAffinityCounts: TopologyCounts = new Map();
  /** Pairs with pods matching all of the incoming pod's required affinity terms. */
  affinityCounts: TopologyCounts = new Map();
  /** Pairs with pods matching one of the incoming pod's required anti-affinity terms. */
  antiAffinityCounts: TopologyCounts = new Map();

  clone(): PreFilterState {
    const c = new PreFilterState();
    c.existingAntiAffinityCounts = new Map(this.existingAntiAffinityCounts);
    c.affinityCounts = new Map(this.affinityCounts);
    c.antiAffinityCounts = new Map(this.antiAffinityCounts);
    return c;
  }

  /** Accounts for `existing` on `nodeInfo` (sign -1: its removal). */
  update(incoming: PodInfo, existing: PodInfo, nodeInfo: NodeInfo, sign: 1 | -1): void {
    const labels = nodeInfo.node?.metadata.labels ?? {};
    for (const t of existing.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, incoming.pod)) add(this.existingAntiAffinityCounts, pairKey(t.topologyKey, v), sign);
    }
    if (incoming.requiredAffinityTerms.length && incoming.requiredAffinityTerms.every((t) => termMatches(t, existing.pod))) {
      for (const t of incoming.requiredAffinityTerms) {
        const v = labels[t.topologyKey];
        if (v !== undefined) add(this.affinityCounts, pairKey(t.topologyKey, v), sign);
      }
    }
    for (const t of incoming.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, existing.pod)) add(this.antiAffinityCounts, pairKey(t.topologyKey, v), sign);
    }
  }
}

/** Whether the pod matches all its own terms: the first pod of a group may then go anywhere. */
export function matchesOwnTerms(pod: PodInfo, terms: readonly AffinityTerm[]): boolean {
  return terms.every((t) => termMatches(t, pod.pod));
}
