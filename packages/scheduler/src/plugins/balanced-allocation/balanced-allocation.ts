// Score: favours nodes whose cpu and memory would be used in equal shares after placing the pod
// (Kubernetes' NodeResourcesBalancedAllocation): (1 - standard deviation of the shares) * 100.
import type { CycleState } from '../../framework/cycle-state.js';
import type { PreScorePlugin, ScorePlugin } from '../../framework/interface.js';
import { MAX_NODE_SCORE } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { BalancedAllocationName } from '../names.js';
import type { ResourceSpec } from '../node-resources-fit/scoring-strategy.js';

export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = BalancedAllocationName;
  private readonly resources: string[];
  /** score's shares, one slot per resource, reused (score runs for hundreds of nodes per cycle). */
  private readonly fractions: Float64Array;

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = (args.resources ?? [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }]).map((r) => r.name);
    this.fractions = new Float64Array(this.resources.length);
  }

  /** A best-effort pod (no requests for these resources) changes no balance: skipped. */
  preScore(_state: CycleState, pod: PodInfo): Status {
    return this.resources.some((r) => pod.requests.get(r) > 0) ? Status.SUCCESS : Status.SKIP;
  }

  score(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): number {
    const fractions = this.fractions;
    let n = 0;
    for (const r of this.resources) {
      const cap = nodeInfo.allocatable.get(r);
      if (cap === 0) continue;
      fractions[n++] = Math.min(1, (nodeInfo.requested.get(r) + pod.requests.get(r)) / cap);
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
