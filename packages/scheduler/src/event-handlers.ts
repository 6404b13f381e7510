// What each informer event does to the scheduler (Kubernetes' eventhandlers.go), so that the
// wiring only connects informers to these: pending pods feed the queue (and the nominator),
// assigned pods and nodes feed the cache and move the unschedulable pods the event may help.
import type { Node, Pod } from '@skiff/api';
import { AssignedPodAdd, AssignedPodDelete, NodeAdd, NodeDelete } from './framework/events.js';
import { podInfoOf } from './framework/pod-info.js';
import { assignedPodUpdateEvent, nodeUpdateEvent } from './queue/classify-events.js';
import type { Scheduler } from './scheduler.js';

/** A pod is assigned once it has spec.nodeName; terminal pods hold no resources. */
export function isAssigned(pod: Pod): boolean {
  return !!pod.spec?.nodeName;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export class SchedulerEventHandlers {
  constructor(private readonly s: Scheduler) {}

  podAdded(pod: Pod): void {
    if (isAssigned(pod)) return this.assignedPodAdded(pod);
    if (!this.s.responsibleFor(pod)) return;
    this.s.queue.add(pod);
    if (pod.status?.nominatedNodeName) this.s.nominator.add(podInfoOf(pod), pod.status.nominatedNodeName);
    else this.s.nominator.delete(pod);
  }

  podUpdated(oldPod: Pod, pod: Pod): void {
    if (isAssigned(pod)) {
      if (!isAssigned(oldPod)) {
        // Bound: it leaves the queue and joins the cache.
        this.pendingPodDeleted(oldPod);
        return this.assignedPodAdded(pod);
      }
      if (isTerminal(pod)) return this.podDeleted(pod);
      this.s.cache.updatePod(oldPod, pod);
      const ev = assignedPodUpdateEvent(oldPod, pod);
      if (ev) this.s.queue.moveAllToActiveOrBackoffQueue(ev, oldPod, pod);
      return;
    }
    if (!this.s.responsibleFor(pod)) return;
    this.s.queue.update(pod);
    // Kubernetes' UpdateNominatedPod: an update that neither had nor has status.nominatedNodeName
    // (it came before the status write) keeps the nomination preemption just made in memory.
    const kept = !oldPod.status?.nominatedNodeName && !pod.status?.nominatedNodeName ? this.s.nominator.nominatedNodeOf(pod) : undefined;
    const nominated = pod.status?.nominatedNodeName || kept;
    if (nominated) this.s.nominator.add(podInfoOf(pod), nominated);
    else this.s.nominator.delete(pod);
  }

  podDeleted(pod: Pod): void {
    if (!isAssigned(pod)) return this.pendingPodDeleted(pod);
    this.s.cache.removePod(pod);
    this.s.queue.moveAllToActiveOrBackoffQueue(AssignedPodDelete, pod, undefined);
  }

  nodeAdded(node: Node): void {
    this.s.cache.addNode(node);
    this.s.queue.moveAllToActiveOrBackoffQueue(NodeAdd, undefined, node);
  }

  nodeUpdated(oldNode: Node, node: Node): void {
    this.s.cache.updateNode(oldNode, node);
    const ev = nodeUpdateEvent(oldNode, node);
    if (ev) this.s.queue.moveAllToActiveOrBackoffQueue(ev, oldNode, node);
  }

  nodeDeleted(node: Node): void {
    this.s.cache.removeNode(node);
    this.s.queue.moveAllToActiveOrBackoffQueue(NodeDelete, node, undefined);
  }

  private assignedPodAdded(pod: Pod): void {
    if (isTerminal(pod)) return;
    this.s.queue.delete(pod);
    this.s.nominator.delete(pod);
    this.s.cache.addPod(pod);
    this.s.queue.moveAllToActiveOrBackoffQueue(AssignedPodAdd, undefined, pod);
  }

  private pendingPodDeleted(pod: Pod): void {
    this.s.queue.delete(pod);
    this.s.nominator.delete(pod);
  }
}
