// NodeResourcesFit's scoring strategies (Kubernetes' least_allocated.go / most_allocated.go):
// a weighted average over resources of each resource's free (or used) share, in integer 0..100.
import { MAX_NODE_SCORE } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated';
export const scoringStrategyTypes: readonly ScoringStrategyType[] = ['LeastAllocated', 'MostAllocated'];

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface ScoringStrategy {
  type: ScoringStrategyType;
  resources: ResourceSpec[];
}

export const defaultScoringStrategy: ScoringStrategy = {
  type: 'LeastAllocated',
  resources: [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
  ],
};

/** Free share: (capacity - requested) * 100 / capacity; 0 when over-committed. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** Used share: requested * 100 / capacity, capped at 100 (bin-packing favours fuller nodes). */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return MAX_NODE_SCORE;
  return Math.trunc((requested * MAX_NODE_SCORE) / capacity);
}

/** Weighted average over the resources the node has (allocatable 0 is left out, as Kubernetes). */
export function allocationScore(type: ScoringStrategyType, resources: readonly ResourceSpec[], node: NodeInfo, pod: PodInfo, requested: (r: string, node: NodeInfo, pod: PodInfo) => number): number {
  const f = type === 'MostAllocated' ? mostRequestedScore : leastRequestedScore;
  let score = 0;
  let weights = 0;
  for (const r of resources) {
    const cap = node.allocatable.get(r.name);
    if (cap === 0) continue;
    score += f(requested(r.name, node, pod), cap) * r.weight;
    weights += r.weight;
  }
  return weights === 0 ? 0 : Math.trunc(score / weights);
}
