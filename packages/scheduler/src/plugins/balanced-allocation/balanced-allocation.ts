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
  /** score's shares, reused (score runs for hundreds of nodes per cycle). */
  private readonly fractions: number[] = [];

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = (args.resources ?? [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }]).map((r) => r.name);
  }

  /** A best-effort pod (no requests for these resources) changes no balance: skipped. */
  preScore(_state: CycleState, pod: PodInfo): Status {
    return this.resources.some((r) => pod.requests.get(r) > 0) ? Status.SUCCESS : Status.SKIP;
  }

  score(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): number {
    const fractions = this.fractions;
    fractions.length = 0;
    for (const r of this.resources) {
      const cap = nodeInfo.allocatable.get(r);
      if (cap === 0) continue;
      fractions.push(Math.min(1, (nodeInfo.requested.get(r) + pod.requests.get(r)) / cap));
    }
    let std = 0;
    if (fractions.length === 2) {
      std = Math.abs(fractions[0] - fractions[1]) / 2;
    } else if (fractions.length > 2) {
      const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
      std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}
