// InterPodAffinity's PreScore state: per topology key and value, the summed weights of preferred
// (anti-)affinity between the incoming pod and the pods already there, both ways.
import type { StateData } from '../../framework/cycle-state.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { termMatches, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from '../../framework/pod-info.js';

export class PreScoreState implements StateData {
  /** topologyKey -> value -> score. */
  readonly topologyScore = new Map<string, Map<string, number>>();

  clone(): StateData {
    return this;
  }

  private add(key: string, value: string, w: number): void {
    let m = this.topologyScore.get(key);
    if (!m) this.topologyScore.set(key, (m = new Map()));
    m.set(value, (m.get(value) ?? 0) + w);
  }

  private addTerms(terms: readonly WeightedAffinityTerm[], pod: PodInfo, labels: Record<string, string>, sign: number): void {
    for (const t of terms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, pod.pod)) this.add(t.topologyKey, v, sign * t.weight);
    }
  }

  private addRequired(terms: readonly AffinityTerm[], pod: PodInfo, labels: Record<string, string>, weight: number): void {
    for (const t of terms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, pod.pod)) this.add(t.topologyKey, v, weight);
    }
  }

  /** Accounts for one existing pod on `nodeInfo`. */
  processExistingPod(incoming: PodInfo, existing: PodInfo, nodeInfo: NodeInfo, hardPodAffinityWeight: number): void {
    const labels = nodeInfo.node?.metadata.labels ?? {};
    this.addTerms(incoming.preferredAffinityTerms, existing, labels, 1);
    this.addTerms(incoming.preferredAntiAffinityTerms, existing, labels, -1);
    if (hardPodAffinityWeight > 0) this.addRequired(existing.requiredAffinityTerms, incoming, labels, hardPodAffinityWeight);
    this.addTerms(existing.preferredAffinityTerms, incoming, labels, 1);
    this.addTerms(existing.preferredAntiAffinityTerms, incoming, labels, -1);
  }

  scoreOf(nodeInfo: NodeInfo): number {
    const labels = nodeInfo.node?.metadata.labels ?? {};
    let s = 0;
    for (const [key, values] of this.topologyScore) {
      const v = labels[key];
      if (v !== undefined) s += values.get(v) ?? 0;
    }
    return s;
  }
}
