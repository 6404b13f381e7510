// Filter: the pod's requests (init containers and overhead counted as Kubernetes does) fit in the
// node's allocatable minus what its pods request, and the pod count stays within allocatable pods.
// Score: LeastAllocated (default) or MostAllocated over the configured resources.
import { ActionType, type ClusterEventWithHint } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, ScorePlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, type Resource } from '../../framework/resource.js';
import { Code, Status } from '../../framework/status.js';
import { NodeResourcesFitName } from '../names.js';
import { allocationScore, defaultScoringStrategy, type ScoringStrategy } from './scoring-strategy.js';

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

function requestedWith(node: Resource, pod: Resource, nonZeroNode: Resource, nonZeroPod: Resource): (r: string) => number {
  return (r) => (r === CPU || r === MEMORY ? nonZeroNode.get(r) + nonZeroPod.get(r) : node.get(r) + pod.get(r));
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NodeResourcesFitName;
  readonly strategy: ScoringStrategy;

  constructor(args: NodeResourcesFitArgs = {}) {
    const s = args.scoringStrategy ?? {};
    this.strategy = { type: s.type ?? defaultScoringStrategy.type, resources: s.resources ?? defaultScoringStrategy.resources };
  }

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const missing = insufficientResources(pod, nodeInfo);
    if (missing.length === 0) return Status.SUCCESS;
    return new Status(
      Code.Unschedulable,
      missing.map((m) => m.reason),
      this.name,
    );
  }

  score(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): number {
    const requested = requestedWith(nodeInfo.requested, pod.requests, nodeInfo.nonZeroRequested, pod.nonZeroRequests);
    return allocationScore(this.strategy.type, this.strategy.resources, requested, (r) => nodeInfo.allocatable.get(r));
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete | ActionType.UpdatePodScaleDown } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } },
    ];
  }
}
