// PostFilter: when no node fits, find the node where evicting the fewest, lowest-priority pods makes
// the pod fit; return it as the nominated node with the victims. Deleting the victims and setting
// status.nominatedNodeName is the wiring's job. Pods with preemptionPolicy Never never preempt.
// Messages carry Kubernetes' "preemption: " prefix; the summary then ends in ".." exactly as Kubernetes'.
import type { CycleState } from '../../framework/cycle-state.js';
import type { Handle, PostFilterPlugin, PostFilterResult } from '../../framework/interface.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { fitErrorMessage, emptyDiagnosis } from '../../schedule/fit-error.js';
import { DefaultPreemptionName } from '../names.js';
import { pickOneNodeForPreemption, selectVictimsOnNode, type Candidate } from './select-victims.js';

export const ErrNotEligibleNever = 'not eligible due to preemptionPolicy=Never.';
export const ErrNotHelpful = 'Preemption is not helpful for scheduling';
export const ErrTerminatingOnNominated = 'not eligible due to a terminating pod on the nominated node.';

export interface DefaultPreemptionArgs {
  /** At least this share of the nodes is tried for candidates (Kubernetes' default 10). */
  minCandidateNodesPercentage?: number;
  /** At least this many nodes are tried (Kubernetes' default 100). */
  minCandidateNodesAbsolute?: number;
}

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = DefaultPreemptionName;
  private readonly minPercentage: number;
  private readonly minAbsolute: number;

  constructor(
    private readonly handle: Handle,
    args: DefaultPreemptionArgs = {},
  ) {
    this.minPercentage = args.minCandidateNodesPercentage ?? 10;
    this.minAbsolute = args.minCandidateNodesAbsolute ?? 100;
  }

  postFilter(state: CycleState, pod: PodInfo, nodeStatuses: ReadonlyMap<string, Status>): PostFilterResult {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return { status: new Status(Code.Unschedulable, [`preemption: ${ErrNotEligibleNever}`]) };
    const snapshot = this.handle.snapshot();
    if (this.waitingForVictims(pod, nodeStatuses)) return { status: new Status(Code.Unschedulable, [`preemption: ${ErrTerminatingOnNominated}`]) };
    const fwk = this.handle.framework();
    const all = snapshot.nodeInfoList;
    const diagnosis = emptyDiagnosis();
    const wanted = Math.min(all.length, Math.max(this.minAbsolute, Math.trunc((all.length * this.minPercentage) / 100)));
    const candidates: Candidate[] = [];
    for (const n of all) {
      if (candidates.length >= wanted) break;
      const s = nodeStatuses.get(n.name);
      if (s?.code === Code.UnschedulableAndUnresolvable) {
        diagnosis.nodeToStatus.set(n.name, new Status(Code.UnschedulableAndUnresolvable, [ErrNotHelpful]));
        continue;
      }
      const r = selectVictimsOnNode(fwk, state.clone(), pod, n);
      if (r.status.isSuccess()) candidates.push({ node: n.name, victims: r.victims });
      else if (r.status.code === Code.Error) return { status: r.status };
      else diagnosis.nodeToStatus.set(n.name, r.status);
    }
    const best = pickOneNodeForPreemption(candidates);
    if (!best) return { status: new Status(Code.Unschedulable, [`preemption: ${fitErrorMessage(all.length, diagnosis)}`]) };
    return { status: Status.SUCCESS, nominatedNodeName: best.node, victims: best.victims.map((v) => v.pod) };
  }

  /**
   * Kubernetes' PodEligibleToPreemptOthers: a pod nominated to a node where a lower-priority pod is
   * still terminating waits for it rather than preempting again (unless the node no longer suits it).
   */
  private waitingForVictims(pod: PodInfo, nodeStatuses: ReadonlyMap<string, Status>): boolean {
    const nominated = pod.pod.status?.nominatedNodeName || this.handle.nominatedNodeOf?.(pod.pod);
    if (!nominated || nodeStatuses.get(nominated)?.code === Code.UnschedulableAndUnresolvable) return false;
    const node = this.handle.snapshot().get(nominated);
    return !!node?.pods.some((p) => p.priority < pod.priority && !!p.pod.metadata.deletionTimestamp);
  }
}
