// The oom_score_adj of a container by QoS class, as the kubelet sets it (pkg/kubelet/qos/policy.go):
// Guaranteed -997, BestEffort 1000, Burstable 1000 - 1000*memoryRequest/memoryCapacity kept within
// [3, 999]. A node whose agent may not lower scores (no CAP_SYS_RESOURCE, as in some VMs) passes a
// floor of 0: the engine would otherwise fail to start the container.
import { parseQuantity, type ResourceRequirements } from '@skiff/api';
import type { QOSClass } from './qos.js';

export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BEST_EFFORT_OOM_SCORE_ADJ = 1000;

export function oomScoreAdj(qos: QOSClass, resources: ResourceRequirements | undefined, memoryCapacityBytes: number, floor = -1000): number {
  let adj: number;
  if (qos === 'Guaranteed') adj = GUARANTEED_OOM_SCORE_ADJ;
  else if (qos === 'BestEffort') adj = BEST_EFFORT_OOM_SCORE_ADJ;
  else {
    const req = resources?.requests?.memory;
    const request = req === undefined ? 0 : Number(parseQuantity(req).value());
    adj = memoryCapacityBytes > 0 ? 1000 - Math.floor((1000 * request) / memoryCapacityBytes) : 1000;
    if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) adj = 1000 + GUARANTEED_OOM_SCORE_ADJ;
    if (adj === BEST_EFFORT_OOM_SCORE_ADJ) adj = BEST_EFFORT_OOM_SCORE_ADJ - 1;
  }
  return Math.max(floor, adj);
}
