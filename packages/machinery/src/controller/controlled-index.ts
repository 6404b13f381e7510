// An informer index of objects by their controller's uid, as Kubernetes' PodControllerUIDIndex: a
// controller's reconcile reads the objects it controls and the orphans of its namespace (the ones
// it may adopt), not every object of the namespace. With thousands of pods in a namespace, that
// listing and the claim over it were most of a controller-manager's CPU.
import type { KObject } from '@skiff/api';
import type { SharedInformer } from '../informer/shared-informer.js';
import { listerFor } from '../informer/lister.js';
import { getControllerOf } from './controller-ref.js';

export const CONTROLLER_UID_INDEX = 'metadata.ownerReferences[controller].uid';

/** The index value of the objects of `namespace` that no controller owns (a uid never holds "/"). */
function orphansOf(namespace: string): string {
  return `orphan/${namespace}`;
}

/**
 * Adds the index to the informer if it lacks it (whoever asks first) and returns the lookup: the
 * objects `owner` controls (in its namespace), then the orphans of its namespace, each sorted by key.
 */
export function controlledOrOrphaned<T extends KObject>(informer: SharedInformer<T>): (owner: KObject) => T[] {
  ensureIndex(informer);
  const lister = listerFor(informer);
  return (owner) => {
    const namespace = owner.metadata.namespace ?? '';
    const controlled = owner.metadata.uid ? lister.byIndex(CONTROLLER_UID_INDEX, owner.metadata.uid).filter((o) => (o.metadata.namespace ?? '') === namespace) : [];
    return [...controlled, ...lister.byIndex(CONTROLLER_UID_INDEX, orphansOf(namespace))];
  };
}

function ensureIndex<T extends KObject>(informer: SharedInformer<T>): void {
  if (!informer.indexer().indexNames().includes(CONTROLLER_UID_INDEX)) {
    informer.addIndexer(CONTROLLER_UID_INDEX, (o) => [getControllerOf(o)?.uid ?? orphansOf(o.metadata.namespace ?? '')]);
  }
}

/** The same index's other lookup: the objects of `namespace` that no controller owns, sorted by key. */
export function orphanedIn<T extends KObject>(informer: SharedInformer<T>): (namespace: string) => T[] {
  ensureIndex(informer);
  const lister = listerFor(informer);
  return (namespace) => lister.byIndex(CONTROLLER_UID_INDEX, orphansOf(namespace));
}
