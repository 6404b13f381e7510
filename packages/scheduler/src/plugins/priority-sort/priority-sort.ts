// QueueSort: higher spec.priority first, then the earlier queue timestamp.
import type { QueueSortPlugin } from '../../framework/interface.js';
import type { QueuedPodInfo } from '../../framework/queued-pod-info.js';
import { PrioritySortName } from '../names.js';

export class PrioritySort implements QueueSortPlugin {
  readonly name = PrioritySortName;

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.podInfo.priority;
    const pb = b.podInfo.priority;
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }
}
