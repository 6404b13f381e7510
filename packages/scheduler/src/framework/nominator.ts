// Pods nominated to a node by preemption (status.nominatedNodeName) but not yet bound: the filters of
// pods of equal or lower priority count them on that node, so the room preemption freed is kept for
// the preemptor (Kubernetes' PodNominator and RunFilterPluginsWithNominatedPods).
import { objectKey, type Pod } from '@skiff/api';
import type { PodInfo } from './pod-info.js';

export class Nominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeOf = new Map<string, string>();

  get size(): number {
    return this.nodeOf.size;
  }

  /** Records (or moves) the pod's nomination; an empty node name removes it. */
  add(info: PodInfo, nodeName: string | undefined): void {
    this.delete(info.pod);
    if (!nodeName) return;
    this.nodeOf.set(info.key, nodeName);
    const list = this.byNode.get(nodeName);
    if (list) list.push(info);
    else this.byNode.set(nodeName, [info]);
  }

  delete(pod: Pod): void {
    const key = objectKey(pod);
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const rest = (this.byNode.get(node) ?? []).filter((p) => p.key !== key);
    if (rest.length) this.byNode.set(node, rest);
    else this.byNode.delete(node);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.byNode.get(nodeName) ?? [];
  }

  /**
   * Kubernetes' getLowerPriorityNominatedPods: the pods nominated to `nodeName` whose priority is
   * lower than `priority` (the preemptor's). Once a preemptor takes the node they may no longer fit
   * there, so their nomination is cleared.
   */
  lowerPriorityNominatedPods(nodeName: string, priority: number): PodInfo[] {
    return this.nominatedPodsForNode(nodeName).filter((p) => p.priority < priority);
  }

  nominatedNodeOf(pod: Pod): string | undefined {
    return this.nodeOf.get(objectKey(pod));
  }
}
