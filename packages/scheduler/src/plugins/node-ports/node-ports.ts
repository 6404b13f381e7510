// Filter: the pod's host ports (protocol, port, IP; 0.0.0.0 clashes with every IP) are free on the node.
import type { CycleState } from '../../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, PreFilterPlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { NodePortsName } from '../names.js';

export const ErrReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";
const rejected = new Status(Code.Unschedulable, [ErrReasonNodePorts], NodePortsName);

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NodePortsName;

  preFilter(_state: CycleState, pod: PodInfo): Status {
    return pod.hostPorts.length ? Status.SUCCESS : Status.SKIP;
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (nodeInfo.usedPorts.size === 0) return Status.SUCCESS;
    return pod.hostPorts.some((p) => nodeInfo.usedPorts.conflicts(p)) ? rejected : Status.SUCCESS;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.Update } },
    ];
  }
}
