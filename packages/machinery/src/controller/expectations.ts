// client-go's ControllerExpectations and UIDTrackingControllerExpectations
// (pkg/controller/controller_utils.go): a controller that creates or deletes N objects records that
// it expects N adds or deletes to come back through its informer, and does not act on that owner
// again until they have (or until the expectations are five minutes old: a missed watch event must
// not stall the owner forever). This keeps a controller from creating twice when it reconciles
// again before its informer has seen its own writes.
import { type Clock, realClock } from '../clock.js';

/** client-go's ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  setAt: number;
}

export class ControllerExpectations {
  private readonly items = new Map<string, Expectation>();

  constructor(
    protected readonly clock: Clock = realClock,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /** The outstanding adds and deletes for the owner key, if any are recorded. */
  get(key: string): { add: number; del: number } | undefined {
    const e = this.items.get(key);
    return e && { add: e.add, del: e.del };
  }

  /**
   * Whether the owner may be synced: no expectations recorded, all of them observed, or recorded
   * longer ago than the timeout.
   */
  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.setAt > this.timeoutMs;
  }

  /** Replaces the owner's expectations (and restarts its timeout). */
  set(key: string, add: number, del: number): void {
    this.items.set(key, { add, del, setAt: this.clock.now() });
  }

  expectCreations(key: string, adds: number): void {
    this.set(key, adds, 0);
  }

  expectDeletions(key: string, dels: number): void {
    this.set(key, 0, dels);
  }

  /** One expected add was seen (an informer's onAdd for an object of this owner). */
  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  /** One expected delete was seen. */
  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  /** Fewer writes happened than expected (a create failed): expect that many fewer. */
  lower(key: string, add: number, del: number): void {
    const e = this.items.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }

  raise(key: string, add: number, del: number): void {
    const e = this.items.get(key);
    if (!e) return;
    e.add += add;
    e.del += del;
  }

  /** Forgets the owner (it was deleted). */
  delete(key: string): void {
    this.items.delete(key);
  }
}

/** The creates and deletes of one owner whose outcome is unknown (see writeOutcomeUnknown). */
export interface UnconfirmedWrites {
  /** Keys of objects created under a name the controller chose. */
  creates: string[];
  /** Keys and uids of objects whose deletion was sent. */
  deletes: { key: string; uid: string }[];
}

/**
 * Expectations of deletions tracked by the deleted objects' keys, so that a delete observed twice
 * (the DELETED event, then a re-list's tombstone) is counted once.
 *
 * A create or delete whose reply was lost (the apiserver died after committing it, or not) is
 * "unconfirmed": its expectation stays counted, so the owner is not synced again on a cache that
 * has not caught up yet (Kubernetes counts it as failed and may create or delete twice). The
 * controller settles each one by reading the object back (confirmCreation / confirmDeletion):
 * if it happened the informer will bring it; if not, the expectation is lowered.
 */
export class UIDTrackingControllerExpectations extends ControllerExpectations {
  private readonly uids = new Map<string, Set<string>>();
  private readonly unsettled = new Map<string, { creates: Set<string>; deletes: Map<string, string> }>();

  /** The keys whose deletion the owner still expects. */
  getUIDs(ownerKey: string): ReadonlySet<string> | undefined {
    return this.uids.get(ownerKey);
  }

  /** Expects the deletion of exactly these objects (their keys, or uids). */
  expectDeletionsOf(ownerKey: string, deletedKeys: string[]): void {
    this.uids.set(ownerKey, new Set(deletedKeys));
    this.expectDeletions(ownerKey, deletedKeys.length);
  }

  /** A deletion of `deletedKey` was seen: counted once, and only if it was expected. */
  deletionObservedOf(ownerKey: string, deletedKey: string): void {
    const set = this.uids.get(ownerKey);
    if (!set?.delete(deletedKey)) return;
    this.deletionObserved(ownerKey);
  }

  /** The create of `createdKey` may or may not have happened: its expected add stays counted. */
  creationUnconfirmed(ownerKey: string, createdKey: string): void {
    this.unsettledOf(ownerKey).creates.add(createdKey);
  }

  /** The delete of `deletedKey` (uid `uid`) may or may not have happened: its expected delete stays counted. */
  deletionUnconfirmed(ownerKey: string, deletedKey: string, uid: string): void {
    this.unsettledOf(ownerKey).deletes.set(deletedKey, uid);
  }

  /** The owner's writes of unknown outcome, if any. */
  unconfirmed(ownerKey: string): UnconfirmedWrites | undefined {
    const u = this.unsettled.get(ownerKey);
    if (!u) return undefined;
    return { creates: [...u.creates], deletes: [...u.deletes].map(([key, uid]) => ({ key, uid })) };
  }

  /** Settles an unconfirmed create: if it did not happen, one add fewer is expected. */
  confirmCreation(ownerKey: string, createdKey: string, happened: boolean): void {
    const u = this.unsettled.get(ownerKey);
    if (!u?.creates.delete(createdKey)) return;
    if (!happened) this.lower(ownerKey, 1, 0);
    this.dropIfSettled(ownerKey);
  }

  /** Settles an unconfirmed delete: if it did not happen, its deletion is no longer expected. */
  confirmDeletion(ownerKey: string, deletedKey: string, happened: boolean): void {
    const u = this.unsettled.get(ownerKey);
    if (!u?.deletes.delete(deletedKey)) return;
    if (!happened) this.deletionObservedOf(ownerKey, deletedKey);
    this.dropIfSettled(ownerKey);
  }

  /** New expectations replace the old ones, unsettled writes included. */
  override set(key: string, add: number, del: number): void {
    this.unsettled.delete(key);
    super.set(key, add, del);
  }

  override delete(key: string): void {
    this.uids.delete(key);
    this.unsettled.delete(key);
    super.delete(key);
  }

  private unsettledOf(ownerKey: string): { creates: Set<string>; deletes: Map<string, string> } {
    let u = this.unsettled.get(ownerKey);
    if (!u) this.unsettled.set(ownerKey, (u = { creates: new Set(), deletes: new Map() }));
    return u;
  }

  private dropIfSettled(ownerKey: string): void {
    const u = this.unsettled.get(ownerKey);
    if (u && u.creates.size === 0 && u.deletes.size === 0) this.unsettled.delete(ownerKey);
  }
}
