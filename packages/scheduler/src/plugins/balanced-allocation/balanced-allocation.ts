// Score: favours nodes whose cpu and memory would be used in equal shares after placing the pod
// (Kubernetes' NodeResourcesBalancedAllocation): (1 - standard deviation of the shares) * 100.
import type { CycleState } from '../../framework/cycle-state.js';
import type { PreScorePlugin, ScorePlugin } from '../../framework/interface.js';
import { MAX_NODE_SCORE } from '../../framework/interface.js';
import { ROW, type NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { BalancedAllocationName } from '../names.js';
import { CPU, MEMORY } from '../../framework/resource.js';
import { scoringRequested, type ResourceSpec } from '../node-resources-fit/scoring-strategy.js';

export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = BalancedAllocationName;
  private readonly resources: string[];
  /** score's shares, one slot per resource, reused (score runs for hundreds of nodes per cycle). */
  private readonly fractions: Float64Array;
  /** The resources are cpu and memory (the default): score reads their fields directly. */
  private readonly cpuAndMemory: boolean;

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = (args.resources ?? [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }]).map((r) => r.name);
    this.fractions = new Float64Array(this.resources.length);
    this.cpuAndMemory = this.resources.length === 2 && this.resources.includes(CPU) && this.resources.includes(MEMORY);
  }

  /** A best-effort pod (no requests for these resources) changes no balance: skipped. */
  preScore(_state: CycleState, pod: PodInfo): Status {
    return this.resources.some((r) => pod.requests.get(r) > 0) ? Status.SUCCESS : Status.SKIP;
  }

  score(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): number {
    if (this.cpuAndMemory) return cpuMemoryScore(pod, nodeInfo);
    const fractions = this.fractions;
    let n = 0;
    for (const r of this.resources) {
      const cap = nodeInfo.allocatable.get(r);
      if (cap === 0) continue;
      fractions[n++] = Math.min(1, scoringRequested(r, nodeInfo, pod, false) / cap);
    }
    let std = 0;
    if (n === 2) {
      std = Math.abs(fractions[0] - fractions[1]) / 2;
    } else if (n > 2) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += fractions[i];
      const mean = sum / n;
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (fractions[i] - mean) ** 2;
      std = Math.sqrt(sq / n);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}

/**
 * score over cpu and memory, the default: the same shares and result as the general form (the
 * standard deviation of two shares is half their difference; one share alone: 0), read from the node's
 * row (NodeInfo.row).
 */
function cpuMemoryScore(pod: PodInfo, nodeInfo: NodeInfo): number {
  const row = nodeInfo.row;
  const allocCpu = row[ROW.allocatableMilliCPU];
  const allocMem = row[ROW.allocatableMemory];
  const req = pod.requests;
  if (allocCpu === 0 || allocMem === 0) return MAX_NODE_SCORE;
  const cpu = Math.min(1, (row[ROW.requestedMilliCPU] + req.milliCPU) / allocCpu);
  const memory = Math.min(1, (row[ROW.requestedMemory] + req.memory) / allocMem);
  return Math.trunc((1 - Math.abs(cpu - memory) / 2) * MAX_NODE_SCORE);
}
