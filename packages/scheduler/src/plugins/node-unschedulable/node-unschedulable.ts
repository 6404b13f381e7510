// Filter: a cordoned node (spec.unschedulable) takes only pods tolerating
// node.kubernetes.io/unschedulable:NoSchedule.
import { tolerated } from '@skiff/api';
import { ActionType, type ClusterEventWithHint } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { NodeUnschedulableName } from '../names.js';

export const ErrReasonUnschedulable = 'node(s) were unschedulable';
export const TaintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
const rejected = new Status(Code.UnschedulableAndUnresolvable, [ErrReasonUnschedulable], NodeUnschedulableName);

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = NodeUnschedulableName;

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.unschedulable) return Status.SUCCESS;
    const ok = tolerated({ key: TaintNodeUnschedulable, effect: 'NoSchedule' }, pod.pod.spec?.tolerations);
    return ok ? Status.SUCCESS : rejected;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint } }];
  }
}
