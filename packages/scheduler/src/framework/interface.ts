// One small interface per extension point (Kubernetes' kube-scheduler framework/interface.go).
// A plugin implements the ones it needs; `implements` is the conformance check.
import type { Pod } from '@skiff/api';
import type { CycleState } from './cycle-state.js';
import type { ClusterEventWithHint } from './events.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { QueuedPodInfo } from './queued-pod-info.js';
import type { Snapshot } from './snapshot.js';
import type { Status } from './status.js';

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
}

/** Orders the active queue. Exactly one per profile. */
export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** Lets preemption (and nominated pods) tell a plugin's PreFilter state that a pod came or went. */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

/** Runs once per cycle before filtering; writes CycleState. Skip: the plugin's Filter is not run. */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

/** Does the pod fit on this node? Must not write state. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface PostFilterResult {
  status: Status;
  nominatedNodeName?: string;
  /** Pods to delete so the pod fits on the nominated node (the wiring deletes them). */
  victims?: Pod[];
}

/** Runs when no node fits (preemption). */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, nodeStatuses: ReadonlyMap<string, Status>): PostFilterResult;
}

/** Runs once per cycle before scoring, over the feasible nodes. Skip: its Score is not run. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

/** Ranks a feasible node; scores are then normalized to 0..100 and weighted. */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  /** Rewrites `scores` (one per node of `nodes`) in place into 0..MAX_NODE_SCORE. */
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: Float64Array): void;
}

/** Claims per-node resources of the plugin's own (volumes, ...) once the node is chosen. */
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitResult {
  status: Status;
  /** With Code.Wait: how long to wait for an allow before rejecting. */
  timeoutMs?: number;
}

/** Approves, denies or delays (Wait) the binding. */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): PermitResult;
}

/** Binds the pod. Skip: leave it to the next bind plugin. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** Which cluster events may make a pod this plugin rejected schedulable. */
export interface EnqueueExtensions extends Plugin {
  eventsToRegister(): ClusterEventWithHint[];
}

/** Performs the Bind RPC; supplied by the wiring (a typed client), faked in tests. */
export interface PodBinder {
  /** `annotations` go onto the pod in the same write (the Binding's metadata, as Kubernetes). */
  bind(pod: Pod, nodeName: string, annotations?: Record<string, string>): Promise<void>;
}

/** The part of a profile's Framework that preemption uses to try a node without some pods. */
export interface FilterRunner {
  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

/** What a plugin gets at construction. */
export interface Handle {
  /** The snapshot of the cycle in progress. */
  snapshot(): Snapshot;
  /** The profile's own runner: preemption re-runs the filters with pods removed. */
  framework(): FilterRunner;
  binder: PodBinder | undefined;
  /** The node preemption nominated the pod to in this process, if any (the pod's status may lag). */
  nominatedNodeOf?(pod: Pod): string | undefined;
}

export type PluginFactory = (args: unknown, handle: Handle) => Plugin;

export function isQueueSort(p: Plugin): p is QueueSortPlugin {
  return typeof (p as QueueSortPlugin).less === 'function';
}
export function isPreFilter(p: Plugin): p is PreFilterPlugin {
  return typeof (p as PreFilterPlugin).preFilter === 'function';
}
export function isFilter(p: Plugin): p is FilterPlugin {
  return typeof (p as FilterPlugin).filter === 'function';
}
export function isPostFilter(p: Plugin): p is PostFilterPlugin {
  return typeof (p as PostFilterPlugin).postFilter === 'function';
}
export function isPreScore(p: Plugin): p is PreScorePlugin {
  return typeof (p as PreScorePlugin).preScore === 'function';
}
export function isScore(p: Plugin): p is ScorePlugin {
  return typeof (p as ScorePlugin).score === 'function';
}
export function isReserve(p: Plugin): p is ReservePlugin {
  return typeof (p as ReservePlugin).reserve === 'function';
}
export function isPermit(p: Plugin): p is PermitPlugin {
  return typeof (p as PermitPlugin).permit === 'function';
}
export function isBind(p: Plugin): p is BindPlugin {
  return typeof (p as BindPlugin).bind === 'function';
}
export function isEnqueueExtensions(p: Plugin): p is EnqueueExtensions {
  return typeof (p as EnqueueExtensions).eventsToRegister === 'function';
}
