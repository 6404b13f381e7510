// Filter: spec.nodeSelector and required node affinity (In, NotIn, Exists, DoesNotExist, Gt, Lt;
// matchFields on metadata.name). Score: the summed weights of the preferred terms the node matches.
import { compileTerm, requiredNodeAffinityOf, termMatchesNode, type CompiledTerm } from '../../corev1/node-selector.js';
import type { CycleState, StateData } from '../../framework/cycle-state.js';
import type { KObject, Node, Pod } from '@skiff/api';
import { ActionType, type ClusterEventWithHint, type QueueingHint } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { NodeAffinityName } from '../names.js';

export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
const rejected = new Status(Code.UnschedulableAndUnresolvable, [ErrReasonPod], NodeAffinityName);
const preScoreKey = `PreScore${NodeAffinityName}`;

class PreferredTerms implements StateData {
  constructor(readonly terms: { weight: number; term: CompiledTerm }[]) {}
  clone(): StateData {
    return this;
  }
}

/** A node event helps only if the node now matches the pod's node selector and required affinity. */
export function isSchedulableAfterNodeChange(pod: Pod, _old: KObject | undefined, newObj: KObject | undefined): QueueingHint {
  const node = newObj as Node | undefined;
  if (!node) return 'Queue';
  return requiredNodeAffinityOf(pod).matches(node) ? 'Queue' : 'Skip';
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeAffinityName;

  /** Nothing required: the Filter is skipped for this pod. */
  preFilter(_state: CycleState, pod: PodInfo): Status {
    return requiredNodeAffinityOf(pod.pod).empty ? Status.SKIP : Status.SUCCESS;
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const node = nodeInfo.node;
    if (!node) return Status.error(new Error('node not found'));
    return requiredNodeAffinityOf(pod.pod).matches(node) ? Status.SUCCESS : rejected;
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (preferred.length === 0) return Status.SKIP;
    state.write(preScoreKey, new PreferredTerms(preferred.filter((p) => p.weight !== 0).map((p) => ({ weight: p.weight, term: compileTerm(p.preference) }))));
    return Status.SUCCESS;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreferredTerms>(preScoreKey);
    const node = nodeInfo.node;
    if (!s || !node) return 0;
    let sum = 0;
    for (const t of s.terms) if (termMatchesNode(t.term, node)) sum += t.weight;
    return sum;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: Float64Array): void {
    defaultNormalizeScore(scores, false);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel }, hint: isSchedulableAfterNodeChange }];
  }
}
