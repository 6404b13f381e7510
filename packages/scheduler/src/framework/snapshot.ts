// What one scheduling cycle reads: the NodeInfos as they were when the cycle started. The cache
// updates it incrementally (only NodeInfos whose generation moved); plugins never write to it.
import type { NodeInfo } from './node-info.js';

export class Snapshot {
  nodeInfoMap = new Map<string, NodeInfo>();
  /** Every node, in a stable order (the cycle's round-robin start index walks it). */
  nodeInfoList: NodeInfo[] = [];
  /** Nodes with at least one pod that has (anti-)affinity terms. */
  havePodsWithAffinityList: NodeInfo[] = [];
  /** Nodes with at least one pod that has required anti-affinity terms. */
  havePodsWithRequiredAntiAffinityList: NodeInfo[] = [];
  /** Normalized image name -> number of nodes that have it. */
  imageNodeCount = new Map<string, number>();
  /** The cache generation this snapshot reflects. */
  generation = 0;

  /** A snapshot of fixed NodeInfos, for tests and for "explain" requests. */
  static of(nodeInfos: NodeInfo[]): Snapshot {
    const s = new Snapshot();
    for (const n of nodeInfos) s.nodeInfoMap.set(n.name, n);
    s.rebuildLists();
    s.imageNodeCount = countImages(nodeInfos);
    return s;
  }

  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }

  get numNodes(): number {
    return this.nodeInfoList.length;
  }

  /** Recomputes the lists from the map, in the order of `order` (node names) when given. */
  rebuildLists(order?: Iterable<string>): void {
    const names = order ? [...order] : [...this.nodeInfoMap.keys()];
    this.nodeInfoList = [];
    this.havePodsWithAffinityList = [];
    this.havePodsWithRequiredAntiAffinityList = [];
    for (const name of names) {
      const n = this.nodeInfoMap.get(name);
      if (!n?.node) continue;
      this.nodeInfoList.push(n);
      if (n.podsWithAffinity.length) this.havePodsWithAffinityList.push(n);
      if (n.podsWithRequiredAntiAffinity.length) this.havePodsWithRequiredAntiAffinityList.push(n);
    }
  }
}

function countImages(nodeInfos: NodeInfo[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of nodeInfos) for (const img of n.imageSizes.keys()) m.set(img, (m.get(img) ?? 0) + 1);
  return m;
}
