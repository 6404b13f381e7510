// Score: nodes that already have the pod's images, weighted by image size and by how widely the
// image is spread (Kubernetes' ImageLocality: 23MB..1000MB per container mapped onto 0..100).
import type { CycleState, StateData } from '../../framework/cycle-state.js';
import { Status } from '../../framework/status.js';
import type { Handle, PreScorePlugin, ScorePlugin } from '../../framework/interface.js';
import { MAX_NODE_SCORE } from '../../framework/interface.js';
import { normalizedImageName, type NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { ImageLocalityName } from '../names.js';

const mb = 1024 * 1024;
export const MIN_THRESHOLD = 23 * mb;
export const MAX_CONTAINER_THRESHOLD = 1000 * mb;

const preScoreKey = `PreScore${ImageLocalityName}`;

/** The pod's images that some node has, each with its spread (nodes having it / all nodes). */
class PodImages implements StateData {
  constructor(
    readonly names: string[],
    readonly spread: number[],
    readonly containers: number,
  ) {}

  clone(): StateData {
    return this;
  }
}

export class ImageLocality implements PreScorePlugin, ScorePlugin {
  readonly name = ImageLocalityName;

  constructor(private readonly handle: Handle) {}

  /**
   * The pod's images, normalized once per cycle, with their spread; images no node has are left
   * out. When none of the pod's images is on any node every node would score 0 (the plugin has no
   * normalization): Skip, so that the cycle does not call score for each feasible node.
   */
  preScore(state: CycleState, pod: PodInfo): Status {
    const snapshot = this.handle.snapshot();
    const total = snapshot.numNodes;
    const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
    const names: string[] = [];
    const spread: number[] = [];
    for (const c of containers) {
      if (!c.image || total === 0) continue;
      const name = normalizedImageName(c.image);
      const nodes = snapshot.imageNodeCount.get(name);
      if (!nodes) continue;
      names.push(name);
      spread.push(nodes / total);
    }
    if (names.length === 0) return Status.SKIP;
    state.write(preScoreKey, new PodImages(names, spread, containers.length));
    return Status.SUCCESS;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const images = state.read<PodImages>(preScoreKey);
    if (!images || nodeInfo.imageSizes.size === 0) return 0;
    let sum = 0;
    for (let i = 0; i < images.names.length; i++) {
      const size = nodeInfo.imageSizes.get(images.names[i]);
      if (size !== undefined) sum += size * images.spread[i];
    }
    const max = MAX_CONTAINER_THRESHOLD * Math.max(1, images.containers);
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > max) sum = max;
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  }
}
