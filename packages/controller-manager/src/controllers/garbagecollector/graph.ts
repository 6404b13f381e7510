// The garbage collector's dependency graph, as Kubernetes' GraphBuilder's uidToNode: one node per
// object uid, with its ownerReferences and the uids of its dependents. An owner known only from a
// dependent's ownerReferences is a virtual node; an object whose deletion was observed stays as an
// absent node while dependents still point at it (so they are collected without asking the
// apiserver). Updates return the uids whose state may have changed, for the collector's queue.
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type KObject, type OwnerReference } from '@skiff/api';

/** Where an object is: its resource (the informer it came from), namespace, name and uid. */
export interface ObjectRef {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
}

export interface GraphNode {
  /** Unset for a virtual node (an owner not observed, or observed deleted). */
  ref?: ObjectRef;
  /** The object's deletion was observed: its uid never comes back. */
  absent: boolean;
  owners: OwnerReference[];
  dependents: Set<string>;
  /** Marked deleted with the foregroundDeletion finalizer: waits for blocking dependents. */
  deletingDependents: boolean;
  /** Marked deleted with the orphan finalizer: its dependents are to be released. */
  orphaning: boolean;
  beingDeleted: boolean;
}

function sameOwners(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((r, i) => r.uid === b[i]!.uid && !!r.blockOwnerDeletion === !!b[i]!.blockOwnerDeletion);
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** The object was added or changed: returns the uids to reconcile. */
  observe(resource: string, obj: KObject): string[] {
    const m = obj.metadata;
    const uid = m.uid;
    if (!uid) return [];
    const queue = new Set<string>();
    let node = this.nodes.get(uid);
    const fresh = !node?.ref;
    if (!node) {
      node = { absent: false, owners: [], dependents: new Set(), deletingDependents: false, orphaning: false, beingDeleted: false };
      this.nodes.set(uid, node);
    }
    node.ref = { resource, namespace: m.namespace ?? '', name: m.name ?? '', uid };
    node.absent = false;
    const owners = m.ownerReferences ?? [];
    if (fresh || !sameOwners(node.owners, owners)) {
      const before = new Map(node.owners.map((r) => [r.uid, r]));
      const after = new Map(owners.map((r) => [r.uid, r]));
      for (const [ownerUid, r] of before) {
        const owner = this.nodes.get(ownerUid);
        if (!owner) continue;
        const still = after.get(ownerUid);
        if (!still) this.unlink(ownerUid, uid);
        // A blocking reference gone or unblocked may be what a foreground deletion waits for.
        if (owner.deletingDependents && r.blockOwnerDeletion && !still?.blockOwnerDeletion) queue.add(ownerUid);
      }
      for (const ownerUid of after.keys()) {
        const owner = this.ensure(ownerUid);
        owner.dependents.add(uid);
        // An owner never observed, observed gone, or waiting for its dependents: look at this one.
        if (!owner.ref || owner.absent || owner.deletingDependents) queue.add(uid);
      }
      node.owners = [...owners];
    }
    const finalizers = m.finalizers ?? [];
    const deleting = !!m.deletionTimestamp;
    const wasDeletingDependents = node.deletingDependents;
    node.beingDeleted = deleting;
    node.deletingDependents = deleting && finalizers.includes(FINALIZER_FOREGROUND);
    node.orphaning = deleting && finalizers.includes(FINALIZER_ORPHAN);
    if (node.deletingDependents || node.orphaning) queue.add(uid);
    if (node.deletingDependents && !wasDeletingDependents) for (const d of node.dependents) queue.add(d);
    return [...queue];
  }

  /** The object was deleted: returns the uids to reconcile (its dependents, owners waiting for it). */
  forget(obj: KObject): string[] {
    const uid = obj.metadata.uid;
    const node = uid ? this.nodes.get(uid) : undefined;
    if (!uid || !node) return [];
    const queue = new Set<string>(node.dependents);
    for (const r of node.owners) {
      if (this.nodes.get(r.uid)?.deletingDependents) queue.add(r.uid);
      this.unlink(r.uid, uid);
    }
    node.owners = [];
    delete node.ref;
    node.absent = true;
    node.beingDeleted = node.deletingDependents = node.orphaning = false;
    if (node.dependents.size === 0) this.nodes.delete(uid);
    return [...queue];
  }

  /** An owner looked up and found missing (or with another uid): remembered as absent. */
  markAbsent(uid: string): void {
    const node = this.nodes.get(uid);
    if (node && !node.ref) node.absent = true;
  }

  private ensure(uid: string): GraphNode {
    let node = this.nodes.get(uid);
    if (!node) {
      node = { absent: false, owners: [], dependents: new Set(), deletingDependents: false, orphaning: false, beingDeleted: false };
      this.nodes.set(uid, node);
    }
    return node;
  }

  /** Drops `dependent` from `owner`'s dependents; a virtual owner left with none is dropped. */
  private unlink(ownerUid: string, dependent: string): void {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return;
    owner.dependents.delete(dependent);
    if (!owner.ref && owner.dependents.size === 0) this.nodes.delete(ownerUid);
  }
}
