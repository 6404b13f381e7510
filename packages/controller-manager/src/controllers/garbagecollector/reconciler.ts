// The garbage collector's reconcile of one graph node (key: the object's uid), as Kubernetes'
// attemptToDeleteItem and attemptToOrphan: an object marked with `orphan` releases its dependents,
// then its finalizer; one marked with `foregroundDeletion` waits for its blocking dependents, then
// drops its finalizer; an object whose owners are all gone is deleted (with the policy its own
// finalizers ask for, else Background); one that keeps a live owner drops references to the others.
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type KObject, isApiError } from '@skiff/api';
import type { Client, ReconcileContext, ReconcileResult, Reconciler, Request, WorkQueue } from '@skiff/machinery';
import type { DependencyGraph, GraphNode } from './graph.js';
import { classifyOwners, type OwnerLookup } from './owners.js';
import { removeFinalizerPatch, removeOwnerReferencesPatch, unblockOwnerReferencesPatch } from './patches.js';

const SMP = { patchType: 'application/strategic-merge-patch+json' } as const;
/** Dependents released at once by an orphaning owner. */
const ORPHAN_PARALLELISM = 16;

export interface GarbageCollectorOptions {
  client: Client;
  graph: DependencyGraph;
  lookup: OwnerLookup;
  queue: WorkQueue;
  /** Resolves once the graph holds every informer's initial list. */
  ready: Promise<unknown>;
}

export class GarbageCollectorReconciler implements Reconciler {
  constructor(private readonly o: GarbageCollectorOptions) {}

  async reconcile(ctx: ReconcileContext, req: Request): Promise<ReconcileResult> {
    await this.o.ready;
    const uid = req.name;
    const node = this.o.graph.get(uid);
    const obj = node?.ref && this.o.lookup.cached(node.ref.resource, node.ref.namespace, node.ref.name);
    if (!node || !obj || obj.metadata.uid !== uid) return;
    const m = obj.metadata;
    if (m.deletionTimestamp) {
      const finalizers = m.finalizers ?? [];
      if (finalizers.includes(FINALIZER_ORPHAN)) await this.orphanDependents(ctx, node, obj);
      else if (finalizers.includes(FINALIZER_FOREGROUND)) await this.processDeletingDependents(ctx, node, obj);
      return;
    }
    if (!m.ownerReferences?.length) return;
    const owners = await classifyOwners(obj, this.o.graph, this.o.lookup);
    if (owners.solid.length > 0) {
      const gone = [...owners.dangling, ...owners.waiting].map((r) => r.uid);
      if (gone.length === 0) return;
      ctx.log.info('removing references to owners that are gone or being deleted', { owners: gone });
      await this.patch(node, removeOwnerReferencesPatch(obj, gone));
      return;
    }
    if (owners.waiting.length > 0 && node.dependents.size > 0) {
      // An owner waits for this object, which has dependents of its own: delete it in the
      // foreground too. A dependent that waits in turn would make a cycle: unblock first.
      if ([...node.dependents].some((d) => this.o.graph.get(d)?.deletingDependents)) await this.patch(node, unblockOwnerReferencesPatch(obj));
      ctx.log.info('deleting object in the foreground: its owners are being deleted');
      await this.delete(node, 'Foreground');
      return;
    }
    // No live owner: collected, with the policy its own finalizers ask for (else Background).
    ctx.log.info('deleting object: all its owners are gone', { owners: (m.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}`) });
    await this.delete(node, undefined);
  }

  /** Removes the owner's references from its dependents, then the `orphan` finalizer. */
  private async orphanDependents(ctx: ReconcileContext, node: GraphNode, owner: KObject): Promise<void> {
    const uid = owner.metadata.uid!;
    const dependents = [...node.dependents].map((d) => this.o.graph.get(d)).filter((d): d is GraphNode => !!d?.ref);
    for (let i = 0; i < dependents.length; i += ORPHAN_PARALLELISM) {
      await Promise.all(
        dependents.slice(i, i + ORPHAN_PARALLELISM).map(async (d) => {
          const dep = this.o.lookup.cached(d.ref!.resource, d.ref!.namespace, d.ref!.name);
          if (!dep || dep.metadata.uid !== d.ref!.uid || !dep.metadata.ownerReferences?.some((r) => r.uid === uid)) return;
          await this.patch(d, removeOwnerReferencesPatch(dep, [uid]));
        }),
      );
    }
    ctx.log.info('orphaned dependents, removing the orphan finalizer', { dependents: dependents.length });
    await this.patch(node, removeFinalizerPatch(owner, FINALIZER_ORPHAN));
  }

  /** Waits for the dependents that block the owner's deletion, then removes `foregroundDeletion`. */
  private async processDeletingDependents(ctx: ReconcileContext, node: GraphNode, owner: KObject): Promise<void> {
    const uid = owner.metadata.uid!;
    const blocking = [...node.dependents].filter((d) => this.o.graph.get(d)?.owners.some((r) => r.uid === uid && r.blockOwnerDeletion));
    if (blocking.length === 0) {
      ctx.log.info('no dependents block the deletion, removing the foregroundDeletion finalizer');
      await this.patch(node, removeFinalizerPatch(owner, FINALIZER_FOREGROUND));
      return;
    }
    // Each blocking dependent is deleted by its own reconcile; their deletions queue the owner again.
    for (const d of blocking) if (!this.o.graph.get(d)?.beingDeleted) this.o.queue.add(d);
  }

  private async patch(node: GraphNode, patch: Record<string, unknown>): Promise<void> {
    const ref = node.ref!;
    try {
      await this.o.client.patch(ref.resource, ref.namespace, ref.name, patch, SMP);
    } catch (e) {
      if (!isApiError(e, 'NOT_FOUND')) throw e;
    }
  }

  private async delete(node: GraphNode, propagationPolicy: 'Foreground' | undefined): Promise<void> {
    const ref = node.ref!;
    try {
      await this.o.client.delete(ref.resource, ref.namespace, ref.name, { preconditions: { uid: ref.uid }, ...(propagationPolicy ? { propagationPolicy } : {}) });
    } catch (e) {
      // Gone already, or the name holds a new object now (a uid precondition failure).
      if (!isApiError(e, 'NOT_FOUND') && !isApiError(e, 'ABORTED')) throw e;
    }
  }
}
