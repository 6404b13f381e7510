// "Where would this pod go, and why not elsewhere" for a pod that is not created (the scheduler's
// POST /explain, `skiffctl explain-placement -f`): one scheduling cycle over the current snapshot
// that filters every node (percentageOfNodesToScore does not apply, so every rejection is counted),
// and never assumes, reserves or binds. When no node fits, PostFilter (preemption) runs as a dry
// run: it names the node it would nominate and its victims; nothing is evicted or nominated.
import { objectKey, type PlacementAnswer, type Pod } from '@skiff/api';
import { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { placementExplanation, type PlacementLimits } from './explanation-annotation.js';
import { explainRejections, type Explanation } from './explanation.js';
import { FitError, reasonHistogram } from './fit-error.js';
import { SchedulingAlgorithm } from './schedule-pod.js';

/** Among equally scored nodes the first in the snapshot's order (the answer does not change between two asks). */
const FIRST_OF_TIES = (): number => 1 - Number.EPSILON;

function reasons(nodeToStatus: Parameters<typeof reasonHistogram>[0]): Record<string, number> {
  return Object.fromEntries([...reasonHistogram(nodeToStatus)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function answerPlacement(fwk: Framework, snapshot: Snapshot, pod: Pod, limits: PlacementLimits): PlacementAnswer {
  // A manifest has no nomination of its own: status is not part of the question.
  const asked: Pod = { ...pod, status: {} };
  const algorithm = new SchedulingAlgorithm({ evaluateAllNodes: true, random: FIRST_OF_TIES, topCandidates: limits.candidates, maxRejected: Number.MAX_SAFE_INTEGER });
  const state = new CycleState();
  const info = new PodInfo(asked);
  const result = algorithm.schedulePod(fwk, state, info, snapshot);
  const base = { pod: objectKey(asked), schedulerName: fwk.profileName };
  if (!(result instanceof FitError)) {
    return { ...base, explanation: placementExplanation(result.explanation, result.suggestedHost, limits), rejectedReasons: reasons(result.diagnosis.nodeToStatus) };
  }
  const nodeToStatus = result.diagnosis.nodeToStatus;
  // Without nodes there is nothing to preempt (Kubernetes' ErrNoNodesAvailable skips PostFilter).
  const post = result.numAllNodes > 0 ? fwk.runPostFilterPlugins(state, info, nodeToStatus) : undefined;
  if (post && !post.status.isSuccess() && post.status.message()) result.diagnosis.postFilterMsg = post.status.message();
  const explanation: Explanation = { candidates: [], ...explainRejections(nodeToStatus, Number.MAX_SAFE_INTEGER), evaluatedNodes: nodeToStatus.size, feasibleNodes: 0 };
  return {
    ...base,
    explanation: placementExplanation(explanation, undefined, limits),
    rejectedReasons: reasons(nodeToStatus),
    message: result.message,
    ...(post?.nominatedNodeName ? { preemption: { node: post.nominatedNodeName, victims: (post.victims ?? []).map((v) => objectKey(v)) } } : {}),
  };
}
