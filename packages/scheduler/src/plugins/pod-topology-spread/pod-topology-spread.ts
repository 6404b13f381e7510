// Filter (DoNotSchedule): placing the pod keeps each constraint's skew (pods in the node's domain
// minus the fewest in any domain, that minimum taken as 0 below minDomains domains) within maxSkew.
// Score (ScheduleAnyway): fewer matching pods in the node's domains is better.
import type { CycleState, StateData } from '../../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../../framework/events.js';
import { MAX_NODE_SCORE, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterExtensions, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { PodTopologySpreadName } from '../names.js';
import { constraintsOf, countDomains, nodeHasAllKeys, type Constraint } from './constraints.js';

export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const ErrReasonNodeLabelNotMatch = `${ErrReasonConstraintsNotMatch} (missing required label)`;
const missingLabel = new Status(Code.UnschedulableAndUnresolvable, [ErrReasonNodeLabelNotMatch], PodTopologySpreadName);
const skewed = new Status(Code.Unschedulable, [ErrReasonConstraintsNotMatch], PodTopologySpreadName);
const preFilterKey = `PreFilter${PodTopologySpreadName}`;
const preScoreKey = `PreScore${PodTopologySpreadName}`;

class FilterState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly counts: Map<string, number>[],
  ) {}

  clone(): FilterState {
    return new FilterState(
      this.constraints,
      this.counts.map((m) => new Map(m)),
    );
  }

  /** The smallest count over the domains, 0 when there are fewer domains than minDomains. */
  globalMin(i: number): number {
    const m = this.counts[i];
    if (m.size < this.constraints[i].minDomains) return 0;
    let min = Infinity;
    for (const v of m.values()) if (v < min) min = v;
    return min === Infinity ? 0 : min;
  }
}

class ScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly counts: Map<string, number>[],
    readonly weights: number[],
  ) {}

  clone(): StateData {
    return this;
  }
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = PodTopologySpreadName;

  constructor(private readonly handle: Handle) {}

  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    const constraints = constraintsOf(pod.pod, 'DoNotSchedule');
    if (constraints.length === 0) return Status.SKIP;
    state.write(preFilterKey, new FilterState(constraints, countDomains(pod.pod, constraints, nodes)));
    return Status.SUCCESS;
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, sign: 1 | -1): Status => {
      const s = state.read<FilterState>(preFilterKey);
      const node = nodeInfo.node;
      if (!s || !node || !nodeHasAllKeys(nodeInfo, s.constraints)) return Status.SUCCESS;
      if ((other.pod.metadata.namespace ?? 'default') !== (pod.pod.metadata.namespace ?? 'default')) return Status.SUCCESS;
      s.constraints.forEach((c, i) => {
        if (!c.selector.matches(other.pod.metadata.labels)) return;
        const v = (node.metadata.labels ?? {})[c.topologyKey];
        s.counts[i].set(v, (s.counts[i].get(v) ?? 0) + sign);
      });
      return Status.SUCCESS;
    };
    return {
      addPod: (state, pod, other, nodeInfo) => update(state, pod, other, nodeInfo, 1),
      removePod: (state, pod, other, nodeInfo) => update(state, pod, other, nodeInfo, -1),
    };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const s = state.read<FilterState>(preFilterKey);
    if (!s) return Status.error(new Error(`reading ${preFilterKey} from cycle state: not found`));
    const labels = nodeInfo.node?.metadata.labels ?? {};
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = labels[c.topologyKey];
      if (v === undefined) return missingLabel;
      const self = c.selector.matches(pod.pod.metadata.labels) ? 1 : 0;
      const skew = (s.counts[i].get(v) ?? 0) + self - s.globalMin(i);
      if (skew > c.maxSkew) return skewed;
    }
    return Status.SUCCESS;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    const constraints = constraintsOf(pod.pod, 'ScheduleAnyway');
    if (constraints.length === 0) return Status.SKIP;
    const all = this.handle.snapshot().nodeInfoList;
    const counts = countDomains(pod.pod, constraints, all);
    // Kubernetes weighs each constraint by log(domains + 2); hostname domains are the feasible nodes.
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === 'kubernetes.io/hostname' ? nodes.length : counts[i].size) + 2));
    state.write(preScoreKey, new ScoreState(constraints, counts, weights));
    return Status.SUCCESS;
  }

  /** Matching pods in the node's domains, weighted; -1 marks a node lacking a topology key. */
  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<ScoreState>(preScoreKey);
    if (!s) return 0;
    const labels = nodeInfo.node?.metadata.labels ?? {};
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const v = labels[s.constraints[i].topologyKey];
      if (v === undefined) return -1;
      score += (s.counts[i].get(v) ?? 0) * s.weights[i] + (s.constraints[i].maxSkew - 1);
    }
    return Math.round(score);
  }

  /** Fewer is better: 100 * (max + min - score) / max; nodes lacking a key get 0. */
  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: Float64Array): void {
    let min = Infinity;
    let max = 0;
    for (const s of scores) {
      if (s < 0) continue;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] < 0) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i])) / max);
    }
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.Delete } },
    ];
  }
}
