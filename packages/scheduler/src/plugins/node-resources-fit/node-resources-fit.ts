// Filter: the pod's requests (init containers and overhead counted as Kubernetes does) fit in the
// node's allocatable minus what its pods request, and the pod count stays within allocatable pods.
// Score: LeastAllocated (default) or MostAllocated over the configured resources.
import type { KObject, Node, Pod } from '@skiff/api';
import { ActionType, type ClusterEventWithHint, type QueueingHint } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, ScorePlugin } from '../../framework/interface.js';
import { NodeInfo, ROW } from '../../framework/node-info.js';
import { podInfoOf, type PodInfo } from '../../framework/pod-info.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY } from '../../framework/resource.js';
import { Code, Status } from '../../framework/status.js';
import { NodeResourcesFitName } from '../names.js';
import { allocationScorer, defaultScoringStrategy, type AllocationScorer, type ScoringStrategy } from './scoring-strategy.js';

export interface NodeResourcesFitArgs {
  /** Unset fields default as Kubernetes: LeastAllocated over cpu and memory, weight 1 each. */
  scoringStrategy?: Partial<ScoringStrategy>;
}

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** Every resource the pod lacks on the node (empty: it fits). Shared with preemption. */
export function insufficientResources(pod: PodInfo, nodeInfo: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: nodeInfo.pods.length, capacity: alloc.allowedPodNumber });
  }
  const req = pod.requests;
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && !req.scalar?.size) return out;
  const check = (name: string, r: number, u: number, cap: number): void => {
    if (r > 0 && cap < r + u) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: r, used: u, capacity: cap });
  };
  check(CPU, req.milliCPU, used.milliCPU, alloc.milliCPU);
  check(MEMORY, req.memory, used.memory, alloc.memory);
  check(EPHEMERAL_STORAGE, req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage);
  if (req.scalar) for (const [name, r] of req.scalar) check(name, r, used.get(name), alloc.get(name));
  return out;
}

/**
 * The allocation-free check of the hot path, on the node's row (NodeInfo.row: one block of doubles
 * instead of the Resource objects); insufficientResources says why when it fails.
 */
export function fits(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  const row = nodeInfo.row;
  const req = pod.requests;
  if (row[ROW.pods] + 1 > row[ROW.allowedPods]) return false;
  if (req.milliCPU > 0 && row[ROW.allocatableMilliCPU] < req.milliCPU + row[ROW.requestedMilliCPU]) return false;
  if (req.memory > 0 && row[ROW.allocatableMemory] < req.memory + row[ROW.requestedMemory]) return false;
  if (req.ephemeralStorage > 0 && row[ROW.allocatableEphemeralStorage] < req.ephemeralStorage + row[ROW.requestedEphemeralStorage]) return false;
  if (req.scalar) for (const [name, r] of req.scalar) if (r > 0 && nodeInfo.allocatable.get(name) < r + nodeInfo.requested.get(name)) return false;
  return true;
}

/** A node event helps only if the node's allocatable could hold the pod at all (Kubernetes' hint). */
export function isSchedulableAfterNodeChange(pod: Pod, _old: KObject | undefined, newObj: KObject | undefined): QueueingHint {
  const node = newObj as Node | undefined;
  if (!node) return 'Queue';
  const empty = new NodeInfo(node);
  return insufficientResources(podInfoOf(pod), empty).length === 0 ? 'Queue' : 'Skip';
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeResourcesFitName;
  readonly strategy: ScoringStrategy;
  private readonly scorer: AllocationScorer;

  constructor(args: NodeResourcesFitArgs = {}) {
    const s = args.scoringStrategy ?? {};
    this.strategy = { type: s.type ?? defaultScoringStrategy.type, resources: s.resources ?? defaultScoringStrategy.resources };
    this.scorer = allocationScorer(this.strategy.type, this.strategy.resources);
  }

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (fits(pod, nodeInfo)) return Status.SUCCESS;
    const missing = insufficientResources(pod, nodeInfo);
    return new Status(
      Code.Unschedulable,
      missing.map((m) => m.reason),
      this.name,
    );
  }

  score(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): number {
    return this.scorer(nodeInfo, pod);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete | ActionType.UpdatePodScaleDown } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable }, hint: isSchedulableAfterNodeChange },
    ];
  }
}
