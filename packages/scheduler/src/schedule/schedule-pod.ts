// One scheduling cycle for one pod over a snapshot (Kubernetes' schedulePod): PreFilter, Filter
// from a round-robin start until enough feasible nodes are found, PreScore, Score, NormalizeScore,
// weights, then the best node (random among ties). Synchronous: nothing else runs during a cycle.
import { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { Code, SchedulingError, type Status } from '../framework/status.js';
import { DEFAULT_MAX_REJECTED, DEFAULT_TOP_CANDIDATES, explainCandidates, explainRejections, type Explanation } from './explanation.js';
import { emptyDiagnosis, FitError, NO_NODES_AVAILABLE, type Diagnosis } from './fit-error.js';
import { numFeasibleNodesToFind } from './nodes-to-find.js';

export interface ScheduleResult {
  suggestedHost: string;
  evaluatedNodes: number;
  feasibleNodes: number;
  explanation: Explanation;
  /** The nodes the filters rejected, each with the status of the plugin that rejected it. */
  diagnosis: Diagnosis;
}

export interface SchedulingAlgorithmOptions {
  /** Global default; a profile's own value (non-zero) wins. 0: adaptive. */
  percentageOfNodesToScore?: number;
  /** In [0, 1): the tie-break among equally scored nodes. */
  random?: () => number;
  topCandidates?: number;
  maxRejected?: number;
  /** Filter every node, whatever percentageOfNodesToScore says (explanations for a pod not created). */
  evaluateAllNodes?: boolean;
}

export class SchedulingAlgorithm {
  /** Where the next cycle starts filtering, so that every node gets its turn. */
  nextStartNodeIndex = 0;
  private readonly random: () => number;
  private readonly percentage: number;
  private readonly topCandidates: number;
  private readonly maxRejected: number;
  private readonly evaluateAllNodes: boolean;

  constructor(opts: SchedulingAlgorithmOptions = {}) {
    this.random = opts.random ?? Math.random;
    this.percentage = opts.percentageOfNodesToScore ?? 0;
    this.topCandidates = opts.topCandidates ?? DEFAULT_TOP_CANDIDATES;
    this.maxRejected = opts.maxRejected ?? DEFAULT_MAX_REJECTED;
    this.evaluateAllNodes = opts.evaluateAllNodes ?? false;
  }

  /**
   * Picks a node, or returns a FitError (no node fits: an expected outcome the caller turns into
   * PostFilter, an Event and a requeue). Throws SchedulingError when a plugin failed.
   */
  schedulePod(fwk: Framework, state: CycleState, pod: PodInfo, snapshot: Snapshot): ScheduleResult | FitError {
    const all = snapshot.nodeInfoList;
    if (all.length === 0) return new FitError(pod.pod, 0, { ...emptyDiagnosis(), preFilterMsg: NO_NODES_AVAILABLE });
    const diagnosis = emptyDiagnosis();

    const pre = fwk.runPreFilterPlugins(state, pod, all);
    if (pre.code === Code.Error) throw new SchedulingError(pre.message(), pre.plugin);
    if (!pre.isSuccess()) {
      for (const n of all) diagnosis.nodeToStatus.set(n.name, pre);
      diagnosis.unschedulablePlugins.add(pre.plugin);
      diagnosis.preFilterMsg = pre.message();
      return new FitError(pod.pod, all.length, diagnosis);
    }

    // A pod nominated by an earlier preemption tries its node first (Kubernetes' evaluateNominatedNode).
    const nominated = pod.pod.status?.nominatedNodeName ? snapshot.get(pod.pod.status.nominatedNodeName) : undefined;
    if (nominated?.node && fwk.runFilterPluginsWithNominatedPods(state, pod, nominated).isSuccess()) {
      const explanation: Explanation = { candidates: [{ node: nominated.name, total: 0, byPlugin: {} }], rejected: {}, rejectedOmitted: 0, evaluatedNodes: 1, feasibleNodes: 1 };
      return { suggestedHost: nominated.name, evaluatedNodes: 1, feasibleNodes: 1, explanation, diagnosis };
    }
    const feasible = this.findNodesThatPassFilters(fwk, state, pod, all, diagnosis.nodeToStatus);
    for (const s of diagnosis.nodeToStatus.values()) diagnosis.unschedulablePlugins.add(s.plugin);
    const evaluated = feasible.length + diagnosis.nodeToStatus.size;
    if (feasible.length === 0) return new FitError(pod.pod, all.length, diagnosis);

    const rejections = explainRejections(diagnosis.nodeToStatus, this.maxRejected);
    if (feasible.length === 1) {
      const explanation: Explanation = { candidates: [{ node: feasible[0].name, total: 0, byPlugin: {} }], ...rejections, evaluatedNodes: evaluated, feasibleNodes: 1 };
      return { suggestedHost: feasible[0].name, evaluatedNodes: evaluated, feasibleNodes: 1, explanation, diagnosis };
    }

    const preScore = fwk.runPreScorePlugins(state, pod, feasible);
    if (!preScore.isSuccess()) throw new SchedulingError(preScore.message(), preScore.plugin);
    const scores = fwk.runScorePlugins(state, pod, feasible);
    const host = this.selectHost(feasible, scores.total);
    const candidates = explainCandidates(feasible, scores, this.topCandidates);
    // The chosen node leads the candidates even when it won a tie against an earlier node.
    const chosen = candidates.findIndex((c) => c.node === host);
    if (chosen > 0) candidates.unshift(...candidates.splice(chosen, 1));
    const explanation: Explanation = { candidates, ...rejections, evaluatedNodes: evaluated, feasibleNodes: feasible.length };
    return { suggestedHost: host, evaluatedNodes: evaluated, feasibleNodes: feasible.length, explanation, diagnosis };
  }

  /** Filters from the round-robin start until enough feasible nodes are found; records rejections. */
  private findNodesThatPassFilters(fwk: Framework, state: CycleState, pod: PodInfo, all: readonly NodeInfo[], rejected: Map<string, Status>): NodeInfo[] {
    const n = all.length;
    const want = this.evaluateAllNodes ? n : numFeasibleNodesToFind(fwk.percentageOfNodesToScore || this.percentage, n);
    const feasible: NodeInfo[] = [];
    const noFilters = fwk.filterPlugins.length === 0;
    let processed = 0;
    const start = this.nextStartNodeIndex % n;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const node = all[(start + i) % n];
      processed++;
      if (noFilters) {
        feasible.push(node);
        continue;
      }
      const s = fwk.runFilterPluginsWithNominatedPods(state, pod, node);
      if (s.code === Code.Success) feasible.push(node);
      else if (s.code === Code.Error) throw new SchedulingError(s.message(), s.plugin);
      else rejected.set(node.name, s);
    }
    this.nextStartNodeIndex = (start + processed) % n;
    return feasible;
  }

  /** The highest total; among equal totals each is chosen with equal probability (reservoir sampling). */
  private selectHost(nodes: readonly NodeInfo[], total: Float64Array): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (total[i] > total[best]) {
        best = i;
        ties = 1;
      } else if (total[i] === total[best]) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = i;
      }
    }
    return nodes[best].name;
  }
}

/** A fresh CycleState, for callers that do not keep their own. */
export function newCycleState(): CycleState {
  return new CycleState();
}
