// The garbage collector's view of an object's owners, as Kubernetes' attemptToDeleteItem
// classifies them: solid (exists, not waiting for its dependents), dangling (gone, or the name now
// holds another uid) and waiting for dependents' deletion (marked with foregroundDeletion).
import { FINALIZER_FOREGROUND, type KObject, type OwnerReference, isApiError, resourceByKind } from '@skiff/api';
import type { DependencyGraph } from './graph.js';

export type OwnerState = 'solid' | 'dangling' | 'waiting';

export interface OwnerLookup {
  /** The object from the informer caches, if there. */
  cached(resource: string, namespace: string, name: string): KObject | undefined;
  /** The object from the apiserver (NOT_FOUND rejects). */
  live(resource: string, namespace: string, name: string): Promise<KObject>;
}

export interface ClassifiedOwners {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waiting: OwnerReference[];
}

function stateOf(owner: KObject): OwnerState {
  const m = owner.metadata;
  return m.deletionTimestamp && (m.finalizers ?? []).includes(FINALIZER_FOREGROUND) ? 'waiting' : 'solid';
}

/**
 * What one owner reference of an object in `namespace` points at: the graph first (an owner seen
 * deleted is dangling without a request), then the caches, then the apiserver (a cache may lag).
 * A kind Skiff does not serve is left alone (solid), as an owner the collector cannot judge.
 */
export async function ownerState(ref: OwnerReference, namespace: string, graph: DependencyGraph, lookup: OwnerLookup): Promise<OwnerState> {
  const node = graph.get(ref.uid);
  if (node?.absent) return 'dangling';
  if (node?.ref) {
    const o = lookup.cached(node.ref.resource, node.ref.namespace, node.ref.name);
    if (o?.metadata.uid === ref.uid) return stateOf(o);
  }
  const t = resourceByKind(ref.kind);
  if (!t) return 'solid';
  // A cluster-scoped object cannot be owned by a namespaced one: such a reference is dangling.
  if (t.namespaced && !namespace) return 'dangling';
  const ns = t.namespaced ? namespace : '';
  try {
    const o = await lookup.live(t.resource, ns, ref.name);
    if (o.metadata.uid === ref.uid) return stateOf(o);
  } catch (e) {
    if (!isApiError(e, 'NOT_FOUND')) throw e;
  }
  graph.markAbsent(ref.uid);
  return 'dangling';
}

export async function classifyOwners(obj: KObject, graph: DependencyGraph, lookup: OwnerLookup): Promise<ClassifiedOwners> {
  const out: ClassifiedOwners = { solid: [], dangling: [], waiting: [] };
  for (const ref of obj.metadata.ownerReferences ?? []) out[await ownerState(ref, obj.metadata.namespace ?? '', graph, lookup)].push(ref);
  return out;
}
