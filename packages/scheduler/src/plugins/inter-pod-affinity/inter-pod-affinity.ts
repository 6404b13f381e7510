// Filter: required pod affinity and anti-affinity by topology key, including the anti-affinity of
// the pods already placed. Score: preferred affinity and anti-affinity, both ways.
import type { CycleState } from '../../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../../framework/events.js';
import { MAX_NODE_SCORE, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterExtensions, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { InterPodAffinityName } from '../names.js';
import { matchesOwnTerms, pairKey, PreFilterState } from './filtering.js';
import { PreScoreState } from './scoring.js';

export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

const preFilterKey = `PreFilter${InterPodAffinityName}`;
const preScoreKey = `PreScore${InterPodAffinityName}`;
const existingAnti = new Status(Code.Unschedulable, [ErrReasonExistingAntiAffinityRulesNotMatch], InterPodAffinityName);
const antiRejected = new Status(Code.Unschedulable, [ErrReasonAntiAffinityRulesNotMatch], InterPodAffinityName);
const affinityRejected = new Status(Code.UnschedulableAndUnresolvable, [ErrReasonAffinityRulesNotMatch], InterPodAffinityName);

export interface InterPodAffinityArgs {
  /** The weight an existing pod's required affinity to the incoming pod adds in scoring (default 1). */
  hardPodAffinityWeight?: number;
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = InterPodAffinityName;
  private readonly hardPodAffinityWeight: number;

  constructor(
    private readonly handle: Handle,
    args: InterPodAffinityArgs = {},
  ) {
    this.hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
  }

  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    const snapshot = this.handle.snapshot();
    const withAnti = snapshot.havePodsWithRequiredAntiAffinityList;
    if (!pod.requiredAffinityTerms.length && !pod.requiredAntiAffinityTerms.length && !withAnti.length) return Status.SKIP;
    const s = new PreFilterState();
    for (const n of withAnti) for (const existing of n.podsWithRequiredAntiAffinity) s.update(pod, existing, n, 1);
    if (pod.requiredAffinityTerms.length || pod.requiredAntiAffinityTerms.length) {
      // Only the incoming pod's own terms need every pod; existing anti-affinity was counted above.
      const own = new PreFilterState();
      for (const n of nodes) for (const existing of n.pods) own.update(pod, existing, n, 1);
      s.affinityCounts = own.affinityCounts;
      s.antiAffinityCounts = own.antiAffinityCounts;
    }
    state.write(preFilterKey, s);
    return Status.SUCCESS;
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, sign: 1 | -1): Status => {
      state.read<PreFilterState>(preFilterKey)?.update(pod, other, nodeInfo, sign);
      return Status.SUCCESS;
    };
    return {
      addPod: (state, pod, other, nodeInfo) => update(state, pod, other, nodeInfo, 1),
      removePod: (state, pod, other, nodeInfo) => update(state, pod, other, nodeInfo, -1),
    };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const s = state.read<PreFilterState>(preFilterKey);
    if (!s) return Status.error(new Error(`reading ${preFilterKey} from cycle state: not found`));
    const labels = nodeInfo.node?.metadata.labels ?? {};
    if (s.existingAntiAffinityCounts.size) {
      for (const k in labels) if (s.existingAntiAffinityCounts.has(pairKey(k, labels[k]))) return existingAnti;
    }
    for (const t of pod.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && s.antiAffinityCounts.has(pairKey(t.topologyKey, v))) return antiRejected;
    }
    const terms = pod.requiredAffinityTerms;
    if (terms.length) {
      let all = true;
      for (const t of terms) {
        const v = labels[t.topologyKey];
        if (v === undefined) return affinityRejected;
        if (!s.affinityCounts.has(pairKey(t.topologyKey, v))) all = false;
      }
      // No pod matches anywhere: the pod may start its group if it matches its own terms.
      if (!all && !(s.affinityCounts.size === 0 && matchesOwnTerms(pod, terms))) return affinityRejected;
    }
    return Status.SUCCESS;
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    const snapshot = this.handle.snapshot();
    const hasPreferred = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
    const nodes = hasPreferred ? snapshot.nodeInfoList : snapshot.havePodsWithAffinityList;
    if (!hasPreferred && nodes.length === 0) return Status.SKIP;
    const s = new PreScoreState();
    for (const n of nodes) for (const existing of hasPreferred ? n.pods : n.podsWithAffinity) s.processExistingPod(pod, existing, n, this.hardPodAffinityWeight);
    if (s.topologyScore.size === 0) return Status.SKIP;
    state.write(preScoreKey, s);
    return Status.SUCCESS;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    return state.read<PreScoreState>(preScoreKey)?.scoreOf(nodeInfo) ?? 0;
  }

  /** (score - min) * 100 / (max - min); all equal: 0. */
  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: Float64Array): void {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i] - min)) / diff) : 0;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel } },
    ];
  }
}
