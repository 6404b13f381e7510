// Filter: the pod tolerates every NoSchedule and NoExecute taint of the node. Score: fewer
// untolerated PreferNoSchedule taints is better.
import { findUntoleratedTaint, tolerated } from '@skiff/api';
import type { CycleState } from '../../framework/cycle-state.js';
import type { KObject, Node, Pod } from '@skiff/api';
import { ActionType, type ClusterEventWithHint, type QueueingHint } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, ScorePlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { TaintTolerationName } from '../names.js';

const filterEffects = ['NoSchedule', 'NoExecute'];

/** A node event helps only if the pod tolerates the node's NoSchedule and NoExecute taints now. */
export function isSchedulableAfterNodeChange(pod: Pod, _old: KObject | undefined, newObj: KObject | undefined): QueueingHint {
  const node = newObj as Node | undefined;
  if (!node) return 'Queue';
  return findUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, filterEffects) ? 'Skip' : 'Queue';
}

export class TaintToleration implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = TaintTolerationName;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const taints = nodeInfo.taints;
    if (!taints?.length) return Status.SUCCESS;
    const taint = findUntoleratedTaint(taints, pod.pod.spec?.tolerations, filterEffects);
    if (!taint) return Status.SUCCESS;
    return new Status(Code.UnschedulableAndUnresolvable, [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], this.name);
  }

  /** The number of PreferNoSchedule taints the pod does not tolerate (lower is better). */
  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const taints = nodeInfo.taints;
    if (!taints?.length) return 0;
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerated(t, tolerations)) n++;
    return n;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: Float64Array): void {
    defaultNormalizeScore(scores, true);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint }, hint: isSchedulableAfterNodeChange }];
  }
}
