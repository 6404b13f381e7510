// The pod informer's index by spec.nodeName, shared by the controllers that look at a node's pods
// (node lifecycle, taint-based eviction): added once per informer, whoever asks first.
import type { Pod } from '@skiff/api';
import type { SharedInformer } from '@skiff/machinery';

export const POD_NODE_NAME_INDEX = 'spec.nodeName';

/** Adds the index if the informer lacks it; returns a lookup of a node's pods (read-only, cached). */
export function podsByNode(informer: SharedInformer<Pod>): (nodeName: string) => Pod[] {
  if (!informer.indexer().indexNames().includes(POD_NODE_NAME_INDEX)) {
    informer.addIndexer(POD_NODE_NAME_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  }
  return (nodeName) => informer.byIndex(POD_NODE_NAME_INDEX, nodeName);
}
