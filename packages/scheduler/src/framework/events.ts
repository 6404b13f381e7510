// Cluster events that can make an unschedulable pod schedulable (Kubernetes' framework.ClusterEvent).
// Each plugin says which events may undo its rejections; the queue moves a pod back only then.
import type { KObject, Pod } from '@skiff/api';

/** What changed: a Node, or a Pod already assigned to a node. */
export type EventResource = 'Node' | 'Pod';

/** Bit flags, as Kubernetes' ActionType. */
export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  /** Taints or spec.unschedulable. */
  UpdateNodeTaint: 16,
  UpdateNodeCondition: 32,
  UpdatePodLabel: 64,
  /** A pod's requests went down: resources freed on its node. */
  UpdatePodScaleDown: 128,
  Update: 4 | 8 | 16 | 32 | 64 | 128,
  All: 0xff,
} as const;

export interface ClusterEvent {
  resource: EventResource;
  /** A mask of ActionType bits. */
  actionType: number;
  /** For logs and metrics: "NodeAdd", "AssignedPodDelete", ... */
  label: string;
}

export type QueueingHint = 'Queue' | 'Skip';

/** Decides, for one pod this plugin rejected, whether the event may help it. */
export type QueueingHintFn = (pod: Pod, oldObj: KObject | undefined, newObj: KObject | undefined) => QueueingHint;

export interface ClusterEventWithHint {
  event: { resource: EventResource; actionType: number };
  hint?: QueueingHintFn;
}

/** Whether a registered event (a mask) covers the event that happened. */
export function eventMatches(registered: { resource: EventResource; actionType: number }, happened: ClusterEvent): boolean {
  return registered.resource === happened.resource && (registered.actionType & happened.actionType) !== 0;
}

export const NodeAdd: ClusterEvent = { resource: 'Node', actionType: ActionType.Add, label: 'NodeAdd' };
export const NodeDelete: ClusterEvent = { resource: 'Node', actionType: ActionType.Delete, label: 'NodeDelete' };
export const AssignedPodAdd: ClusterEvent = { resource: 'Pod', actionType: ActionType.Add, label: 'AssignedPodAdd' };
export const AssignedPodDelete: ClusterEvent = { resource: 'Pod', actionType: ActionType.Delete, label: 'AssignedPodDelete' };
/** Moves every unschedulable pod regardless of plugins (the periodic flush, a restart). */
export const UnschedulableTimeout: ClusterEvent = { resource: 'Node', actionType: ActionType.All, label: 'UnschedulableTimeout' };
