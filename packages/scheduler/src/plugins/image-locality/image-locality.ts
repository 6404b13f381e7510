// Score: nodes that already have the pod's images, weighted by image size and by how widely the
// image is spread (Kubernetes' ImageLocality: 23MB..1000MB per container mapped onto 0..100).
import type { CycleState } from '../../framework/cycle-state.js';
import type { Handle, ScorePlugin } from '../../framework/interface.js';
import { MAX_NODE_SCORE } from '../../framework/interface.js';
import { normalizedImageName, type NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { ImageLocalityName } from '../names.js';

const mb = 1024 * 1024;
export const MIN_THRESHOLD = 23 * mb;
export const MAX_CONTAINER_THRESHOLD = 1000 * mb;

export class ImageLocality implements ScorePlugin {
  readonly name = ImageLocalityName;

  constructor(private readonly handle: Handle) {}

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const snapshot = this.handle.snapshot();
    const total = snapshot.numNodes;
    const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
    let sum = 0;
    for (const c of containers) {
      if (!c.image) continue;
      const name = normalizedImageName(c.image);
      const size = nodeInfo.imageSizes.get(name);
      if (size === undefined || total === 0) continue;
      sum += size * ((snapshot.imageNodeCount.get(name) ?? 1) / total);
    }
    const max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers.length);
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > max) sum = max;
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  }
}
