// Filter: a pod with spec.nodeName fits only on that node.
import { ActionType, type ClusterEventWithHint } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Code, Status } from '../../framework/status.js';
import { NodeNameName } from '../names.js';

export const ErrReasonNodeName = "node(s) didn't match the requested node name";
const rejected = new Status(Code.UnschedulableAndUnresolvable, [ErrReasonNodeName], NodeNameName);

export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = NodeNameName;

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const want = pod.pod.spec?.nodeName;
    return !want || want === nodeInfo.name ? Status.SUCCESS : rejected;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.Update } }];
  }
}
