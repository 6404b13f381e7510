// Which pods on one node must go for the preemptor to fit (Kubernetes' selectVictimsOnNode):
// remove every lower-priority pod; if the pod then fits, put back as many as possible, most
// important first; the rest are the victims.
import type { CycleState } from '../../framework/cycle-state.js';
import type { FilterRunner } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';

export const ErrNoVictims = 'No preemption victims found for incoming pod';

function startTime(p: PodInfo): number {
  const t = p.pod.status?.startTime ?? p.pod.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** Higher priority first, then the longer-running (earlier start) first. */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  return b.priority - a.priority || startTime(a) - startTime(b);
}

export interface VictimsResult {
  victims: PodInfo[];
  status: Status;
}

export function selectVictimsOnNode(fwk: FilterRunner, state: CycleState, pod: PodInfo, original: NodeInfo): VictimsResult {
  const nodeInfo = original.clone();
  const potential = nodeInfo.pods.filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return { victims: [], status: new Status(Code.UnschedulableAndUnresolvable, [ErrNoVictims]) };
  for (const v of potential) {
    nodeInfo.removePod(v.key);
    const s = fwk.runPreFilterExtensionRemovePod(state, pod, v, nodeInfo);
    if (!s.isSuccess()) return { victims: [], status: s };
  }
  const fits = fwk.runFilterPlugins(state, pod, nodeInfo);
  if (!fits.isSuccess()) return { victims: [], status: fits };
  potential.sort(moreImportant);
  const victims: PodInfo[] = [];
  for (const v of potential) {
    nodeInfo.addPodInfo(v);
    fwk.runPreFilterExtensionAddPod(state, pod, v, nodeInfo);
    if (!fwk.runFilterPlugins(state, pod, nodeInfo).isSuccess()) {
      nodeInfo.removePod(v.key);
      fwk.runPreFilterExtensionRemovePod(state, pod, v, nodeInfo);
      victims.push(v);
    }
  }
  if (victims.length === 0) return { victims, status: new Status(Code.UnschedulableAndUnresolvable, [ErrNoVictims]) };
  return { victims, status: Status.SUCCESS };
}

export interface Candidate {
  node: string;
  victims: PodInfo[];
}

const PRIORITY_OFFSET = 2 ** 31;

/**
 * The node to preempt on (Kubernetes' pickOneNodeForPreemption, without PodDisruptionBudgets):
 * the lowest highest-priority victim, then the smallest sum of priorities, then the fewest victims,
 * then the latest start among the highest-priority victims, then the first.
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  const key = (c: Candidate): number[] => {
    const highest = Math.max(...c.victims.map((v) => v.priority));
    const sum = c.victims.reduce((a, v) => a + v.priority + PRIORITY_OFFSET, 0);
    const earliestOfHighest = Math.min(...c.victims.filter((v) => v.priority === highest).map(startTime));
    return [highest, sum, c.victims.length, -earliestOfHighest];
  };
  let best: Candidate | undefined;
  let bestKey: number[] = [];
  for (const c of candidates) {
    const k = key(c);
    if (!best || lexLess(k, bestKey)) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
