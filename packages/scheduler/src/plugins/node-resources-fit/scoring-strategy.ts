// NodeResourcesFit's scoring strategies (Kubernetes' least_allocated.go / most_allocated.go):
// a weighted average over resources of each resource's free (or used) share, in integer 0..100.
import { MAX_NODE_SCORE } from '../../framework/interface.js';
import { ROW, type NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { CPU, MEMORY } from '../../framework/resource.js';

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

/**
 * What scoring counts as requested for resource `name` on the node once the pod is added
 * (Kubernetes' resourceAllocationScorer): with `nonZero` (NodeResourcesFit), cpu and memory with
 * their non-zero defaults (100m / 200Mi per container without a request); otherwise, and for every
 * other resource, the requests (BalancedAllocation).
 */
export function scoringRequested(name: string, node: NodeInfo, pod: PodInfo, nonZero: boolean): number {
  if (nonZero && name === CPU) return node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU;
  if (nonZero && name === MEMORY) return node.nonZeroRequested.memory + pod.nonZeroRequests.memory;
  return node.requested.get(name) + pod.requests.get(name);
}

/** A node's score for a pod (0..100), one call per feasible node and cycle. */
export type AllocationScorer = (node: NodeInfo, pod: PodInfo) => number;

/**
 * The scoring function of a strategy: a weighted average over the resources the node has of each
 * resource's free (LeastAllocated) or used (MostAllocated) share; allocatable 0 is left out, as
 * Kubernetes. For cpu and memory only (the default), a direct form reads the node's row (NodeInfo.row)
 * instead of looking each resource up by name; both give the same scores.
 */
export function allocationScorer(type: ScoringStrategyType, resources: readonly ResourceSpec[]): AllocationScorer {
  const f = type === 'MostAllocated' ? mostRequestedScore : leastRequestedScore;
  if (resources.every((r) => r.name === CPU || r.name === MEMORY)) {
    let wCpu = 0;
    let wMem = 0;
    for (const r of resources) {
      if (r.name === CPU) wCpu += r.weight;
      else wMem += r.weight;
    }
    return (node, pod) => {
      const row = node.row;
      const cpu = row[ROW.allocatableMilliCPU];
      const mem = row[ROW.allocatableMemory];
      let score = 0;
      let weights = 0;
      if (wCpu !== 0 && cpu !== 0) {
        score += f(row[ROW.nonZeroMilliCPU] + pod.nonZeroRequests.milliCPU, cpu) * wCpu;
        weights += wCpu;
      }
      if (wMem !== 0 && mem !== 0) {
        score += f(row[ROW.nonZeroMemory] + pod.nonZeroRequests.memory, mem) * wMem;
        weights += wMem;
      }
      return weights === 0 ? 0 : Math.trunc(score / weights);
    };
  }
  return (node, pod) => {
    let score = 0;
    let weights = 0;
    for (const r of resources) {
      const cap = node.allocatable.get(r.name);
      if (cap === 0) continue;
      score += f(scoringRequested(r.name, node, pod, true), cap) * r.weight;
      weights += r.weight;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}
