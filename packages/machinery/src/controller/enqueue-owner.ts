// Mappers from a watched object to the queue keys of the objects that should be reconciled.
import { type KObject, objectKey } from '@skiff/api';

export interface EnqueueOwnerOptions {
  /** Only the owner reference with controller: true (default true), as controller-runtime's OnlyControllerOwner. */
  onlyController?: boolean;
  /** Match the owner's apiVersion too (e.g. "apps/v1"). */
  apiVersion?: string;
  /** The owner kind is cluster-scoped: its key is just the name. Default false (owners share the namespace). */
  clusterScopedOwner?: boolean;
}

/** The object's own "ns/name" key: the default mapping. */
export function enqueueObject(obj: KObject): string[] {
  return [objectKey(obj)];
}

/**
 * Maps an owned object to its owner's key via metadata.ownerReferences, e.g. a ReplicaSet
 * controller watching pods: `{ informer: pods, mapToKeys: enqueueOwner('ReplicaSet') }`.
 */
export function enqueueOwner(kind: string, opts: EnqueueOwnerOptions = {}): (obj: KObject) => string[] {
  const onlyController = opts.onlyController ?? true;
  return (obj) =>
    (obj.metadata.ownerReferences ?? [])
      .filter((ref) => ref.kind === kind && (!onlyController || ref.controller === true))
      .filter((ref) => opts.apiVersion === undefined || ref.apiVersion === opts.apiVersion)
      .map((ref) => (opts.clusterScopedOwner || !obj.metadata.namespace ? ref.name : `${obj.metadata.namespace}/${ref.name}`));
}
