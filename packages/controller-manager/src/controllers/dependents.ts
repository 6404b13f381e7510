// Dependent events for a controller, as Kubernetes' addPod/updatePod/deletePod in the ReplicaSet
// controller (and addReplicaSet/... in the Deployment controller): a dependent's controller (or, for
// an orphan, every owner whose selector matches it) is queued, and the creations and deletions the
// controller expects are counted as they come back.
import { type KObject, type LabelSelector, labelSelectorFromObject, objectKey } from '@skiff/api';
import { type Lister, type EventHandler, type UIDTrackingControllerExpectations, type WorkQueue, deletedObject, getControllerOf } from '@skiff/machinery';

export interface OwnerEventsOptions<O extends KObject> {
  ownerKind: string;
  owners: Lister<O>;
  /** The owner's selector matches these labels. */
  selects(owner: O, labels: Record<string, string>): boolean;
  /** Counted as dependents come and go (the ReplicaSet controller's pods). */
  expectations?: UIDTrackingControllerExpectations;
  queue: WorkQueue;
}

/** The keys of the owners a dependent should wake: its controller, or the owners that could adopt it. */
export function ownerKeys<O extends KObject>(opts: OwnerEventsOptions<O>, obj: KObject): { controller?: string; keys: string[] } {
  const ns = obj.metadata.namespace ?? '';
  const ref = getControllerOf(obj);
  if (ref) {
    if (ref.kind !== opts.ownerKind) return { keys: [] };
    const owner = opts.owners.get(ns, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) return { keys: [] };
    const key = objectKey(owner);
    return { controller: key, keys: [key] };
  }
  if (obj.metadata.deletionTimestamp) return { keys: [] };
  const labels = obj.metadata.labels ?? {};
  return { keys: opts.owners.list(ns).filter((o) => opts.selects(o, labels)).map(objectKey) };
}

/** The handler a controller adds on its dependents' informer next to runController's watches. */
export function dependentEventHandler<O extends KObject>(opts: OwnerEventsOptions<O>): EventHandler<KObject> {
  const deleted = (obj: KObject): void => {
    const { controller } = ownerKeys(opts, obj);
    if (!controller) return;
    opts.expectations?.deletionObservedOf(controller, objectKey(obj));
    opts.queue.add(controller);
  };
  return {
    onAdd: (obj) => {
      if (obj.metadata.deletionTimestamp) return deleted(obj);
      const { controller, keys } = ownerKeys(opts, obj);
      if (controller) opts.expectations?.creationObserved(controller);
      for (const k of keys) opts.queue.add(k);
    },
    onUpdate: (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
      if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) deleted(cur);
      const keys = new Set([...ownerKeys(opts, old).keys, ...ownerKeys(opts, cur).keys]);
      for (const k of keys) opts.queue.add(k);
    },
    onDelete: (obj) => deleted(deletedObject(obj)),
  };
}

/** Whether an owner's spec.selector selects these labels; an empty selector selects nothing. */
export function specSelectorSelects(owner: KObject & { spec?: { selector?: LabelSelector } }, labels: Record<string, string>): boolean {
  const sel = owner.spec?.selector;
  if (!sel || (!sel.matchLabels && !sel.matchExpressions)) return false;
  return labelSelectorFromObject(sel).matches(labels);
}


