// Which ClusterEvent an informer update is: node updates split by what changed (allocatable,
// labels, taints, conditions), assigned pod updates by labels and freed resources.
import type { Node, Pod } from '@skiff/api';
import { ActionType, type ClusterEvent } from '../framework/events.js';
import { podRequests } from '../framework/resource.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The node update as one event with a mask of what changed; undefined when nothing relevant did. */
export function nodeUpdateEvent(oldNode: Node, newNode: Node): ClusterEvent | undefined {
  let mask = 0;
  if (!same(oldNode.status?.allocatable, newNode.status?.allocatable)) mask |= ActionType.UpdateNodeAllocatable;
  if (!same(oldNode.metadata.labels, newNode.metadata.labels)) mask |= ActionType.UpdateNodeLabel;
  if (!same(oldNode.spec?.taints, newNode.spec?.taints) || !!oldNode.spec?.unschedulable !== !!newNode.spec?.unschedulable) mask |= ActionType.UpdateNodeTaint;
  if (!same(oldNode.status?.conditions?.map((c) => [c.type, c.status]), newNode.status?.conditions?.map((c) => [c.type, c.status]))) mask |= ActionType.UpdateNodeCondition;
  return mask ? { resource: 'Node', actionType: mask, label: 'NodeUpdate' } : undefined;
}

/** An assigned pod's update: labels changed, or requests went down. */
export function assignedPodUpdateEvent(oldPod: Pod, newPod: Pod): ClusterEvent | undefined {
  let mask = 0;
  if (!same(oldPod.metadata.labels, newPod.metadata.labels)) mask |= ActionType.UpdatePodLabel;
  const a = podRequests(oldPod);
  const b = podRequests(newPod);
  if (b.milliCPU < a.milliCPU || b.memory < a.memory || b.ephemeralStorage < a.ephemeralStorage) mask |= ActionType.UpdatePodScaleDown;
  return mask ? { resource: 'Pod', actionType: mask, label: 'AssignedPodUpdate' } : undefined;
}
