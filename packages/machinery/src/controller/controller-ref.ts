// ControllerRef helpers, as client-go's metav1.NewControllerRef / GetControllerOf and
// controller-runtime's ControllerRefManager: an object has at most one owner reference with
// controller: true; a controller adopts the orphans its selector matches and releases the objects
// it controls that its selector no longer matches. Adoption and release are patches with the
// object's resourceVersion as precondition, so a change in between (another controller adopting
// first) fails with a conflict instead of overwriting.
import { type KObject, type OwnerReference, type Selector, isApiError } from '@skiff/api';
import type { Client } from '../client/types.js';

/** The owner reference a controller puts on what it creates: controller and blockOwnerDeletion true. */
export function newControllerRef(owner: KObject): OwnerReference {
  const m = owner.metadata;
  if (!m.name || !m.uid) throw new Error('a controller reference needs the owner name and uid');
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: m.name, uid: m.uid, controller: true, blockOwnerDeletion: true };
}

/** The owner reference with controller: true, if any. */
export function getControllerOf(obj: KObject): OwnerReference | undefined {
  // A plain loop: a ReplicaSet's claim asks this of each of its pods on every sync.
  const refs = obj.metadata.ownerReferences;
  if (!refs) return undefined;
  for (let i = 0; i < refs.length; i++) if (refs[i]!.controller === true) return refs[i];
  return undefined;
}

export function isControlledBy(obj: KObject, owner: KObject): boolean {
  const ref = getControllerOf(obj);
  return !!ref && ref.uid === owner.metadata.uid;
}

/** The strategic merge patch adopting `obj` for `owner` (ownerReferences merge by uid). */
export function adoptionPatch(owner: KObject, obj: KObject): Record<string, unknown> {
  return { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: [newControllerRef(owner)] } };
}

/** The strategic merge patch removing `owner`'s reference from `obj`. */
export function releasePatch(owner: KObject, obj: KObject): Record<string, unknown> {
  return { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }] } };
}

const SMP = { patchType: 'application/strategic-merge-patch+json' } as const;

export interface ControllerRefManagerOptions {
  client: Client;
  owner: KObject;
  /** What the owner selects (its spec.selector, parsed). */
  selector: Selector;
  /**
   * Checked once before the first adoption (client-go's RecheckDeletionTimestamp): throw to refuse
   * adopting, e.g. when a fresh read of the owner shows it being deleted.
   */
  canAdopt?: () => Promise<void>;
}

/** Claims objects for an owner: keeps what it controls and matches, adopts matching orphans, releases the rest. */
export class ControllerRefManager {
  private adoptChecked: Promise<void> | undefined;

  constructor(private readonly opts: ControllerRefManagerOptions) {}

  /**
   * The objects the owner controls after claiming (adopted ones as the server returned them). An
   * object that is gone (NOT_FOUND) is skipped; other errors are thrown after the rest is claimed.
   */
  async claim<T extends KObject>(objects: readonly T[]): Promise<T[]> {
    const claimed: T[] = [];
    const errors: unknown[] = [];
    for (const obj of objects) {
      // Decided without awaiting: only an adoption or a release waits for a write (a
      // ReplicaSet's reconcile claims thousands of pods, nearly all already its own).
      const action = this.actionFor(obj);
      if (action === 'keep') claimed.push(obj);
      if (action === 'keep' || action === 'ignore') continue;
      try {
        const mine = action === 'adopt' ? await this.adopt(obj) : await this.release(obj);
        if (mine) claimed.push(mine);
      } catch (e) {
        if (!isApiError(e, 'NOT_FOUND')) errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
    return claimed;
  }

  private actionFor(obj: KObject): 'keep' | 'ignore' | 'adopt' | 'release' {
    const { owner, selector } = this.opts;
    const ref = getControllerOf(obj);
    const matches = selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) return 'ignore'; // someone else's
      if (matches) return 'keep';
      return owner.metadata.deletionTimestamp ? 'ignore' : 'release'; // an owner going leaves it to the GC
    }
    if (!matches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) return 'ignore';
    return 'adopt';
  }

  private async adopt<T extends KObject>(obj: T): Promise<T> {
    this.adoptChecked ??= this.opts.canAdopt?.() ?? Promise.resolve();
    await this.adoptChecked;
    return this.patch(obj, adoptionPatch(this.opts.owner, obj));
  }

  private async release<T extends KObject>(obj: T): Promise<undefined> {
    await this.patch(obj, releasePatch(this.opts.owner, obj));
    return undefined;
  }

  private patch<T extends KObject>(obj: T, patch: Record<string, unknown>): Promise<T> {
    return this.opts.client.patch<T>(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name!, patch, SMP);
  }
}
