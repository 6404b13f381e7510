// Incremental claim and status for the ReplicaSet's syncs. A 3,000-pod ReplicaSet syncs on nearly
// every event of its pods, and each sync claimed and counted all of them (half of the controller's
// CPU once its creates were done, and competing with the apiserver for the cores while creating).
// Per ReplicaSet, a tally of what each pod it controls adds to the status, kept up to date from the
// pod events: the pod handler marks a changed pod (before the owner is queued), and the next sync
// reads back only the marked pods from the cache. The tally stands for the claim and
// calculateStatus only where they would give the same result (reconciler.ts checks the rest):
// the same selector and template labels as when it was built, minReadySeconds 0 (availability is a
// matter of time), and no active pod it controls that its selector no longer matches (the claim
// would release it). Otherwise the sync takes the full path, which rebuilds the tally from the
// same cache read.
import { type KObject, type Pod, type ReplicaSet, type Selector, jsonEqual, objectKey, splitKey } from '@skiff/api';
import { type Lister, getControllerOf } from '@skiff/machinery';
import { isPodActive, isPodReady } from '../../pod-util.js';
import type { PodCounts } from './status.js';

const ACTIVE = 1;
const MATCHES = 2;
const LABELED = 4;
const READY = 8;

interface Tally {
  uid: string;
  namespace: string;
  /** What the tally was built for: spec.selector (and its parsed form) and the template's labels. */
  selectorSpec: unknown;
  selector: Selector;
  templateLabels: Record<string, string>;
  /** Each controlled pod's flags, by key. */
  flags: Map<string, number>;
  /** Pods changed since the tally was last brought up to date. */
  dirty: Set<string>;
  replicas: number;
  labeled: number;
  ready: number;
  /** Active pods it controls that its selector does not match. */
  mismatched: number;
}

export class PodTallies {
  private readonly byUid = new Map<string, Tally>();
  private readonly uidByKey = new Map<string, string>();

  constructor(private readonly pods: Lister<Pod>) {}

  /** Number of tallies kept (one per ReplicaSet synced on the tally's terms). */
  get size(): number {
    return this.byUid.size;
  }

  /** A pod was added, changed or deleted: marks it for its controller's tally. Call before queueing the owner. */
  touched(pod: KObject): void {
    const uid = getControllerOf(pod)?.uid;
    if (uid === undefined) return;
    this.byUid.get(uid)?.dirty.add(objectKey(pod));
  }

  /**
   * The counts of the active pods `rs` controls that `selector` matches, as claim + calculateStatus
   * would give them from the cache now; undefined when the tally cannot stand for them (none built,
   * built for another selector or template, a controlled pod to release).
   */
  counts(rs: ReplicaSet, selector: Selector): PodCounts | undefined {
    const uid = rs.metadata.uid;
    const t = uid === undefined ? undefined : this.byUid.get(uid);
    if (!t) return undefined;
    if ((rs.spec?.minReadySeconds ?? 0) > 0 || !jsonEqual(t.selectorSpec, rs.spec?.selector ?? null) || !jsonEqual(t.templateLabels, templateLabels(rs))) {
      this.forget(objectKey(rs));
      return undefined;
    }
    t.selector = selector;
    for (const key of t.dirty) {
      const old = t.flags.get(key);
      if (old !== undefined) {
        count(t, old, -1);
        t.flags.delete(key);
      }
      const { namespace, name } = splitKey(key);
      const pod = this.pods.get(namespace, name);
      if (pod && (pod.metadata.namespace ?? '') === t.namespace && getControllerOf(pod)?.uid === t.uid) {
        const f = flagsOf(t, pod);
        t.flags.set(key, f);
        count(t, f, 1);
      }
    }
    t.dirty.clear();
    if (t.mismatched > 0) return undefined;
    return { replicas: t.replicas, fullyLabeledReplicas: t.labeled, readyReplicas: t.ready, availableReplicas: t.ready };
  }

  /**
   * Builds `rs`'s tally from `candidates`, the cache's pods it controls (and orphans, skipped) read
   * in the same turn of the event loop as this call, so that every later change is marked. Nothing
   * is kept for a ReplicaSet with minReadySeconds.
   */
  rebuild(rs: ReplicaSet, selector: Selector, candidates: readonly Pod[]): void {
    const key = objectKey(rs);
    this.forget(key);
    const uid = rs.metadata.uid;
    if (uid === undefined || (rs.spec?.minReadySeconds ?? 0) > 0) return;
    const t: Tally = {
      uid,
      namespace: rs.metadata.namespace ?? '',
      selectorSpec: rs.spec?.selector ?? null,
      selector,
      templateLabels: templateLabels(rs),
      flags: new Map(),
      dirty: new Set(),
      replicas: 0,
      labeled: 0,
      ready: 0,
      mismatched: 0,
    };
    for (const pod of candidates) {
      if ((pod.metadata.namespace ?? '') !== t.namespace || getControllerOf(pod)?.uid !== uid) continue;
      const f = flagsOf(t, pod);
      t.flags.set(objectKey(pod), f);
      count(t, f, 1);
    }
    this.byUid.set(uid, t);
    this.uidByKey.set(key, uid);
  }

  /** Drops the tally of the ReplicaSet `key` (gone, or not to be tallied). */
  forget(key: string): void {
    const uid = this.uidByKey.get(key);
    if (uid === undefined) return;
    this.uidByKey.delete(key);
    this.byUid.delete(uid);
  }
}

function templateLabels(rs: ReplicaSet): Record<string, string> {
  return rs.spec?.template?.metadata?.labels ?? {};
}

function flagsOf(t: Tally, pod: Pod): number {
  let f = 0;
  if (isPodActive(pod)) f |= ACTIVE;
  const labels = pod.metadata.labels ?? {};
  if (t.selector.matches(labels)) f |= MATCHES;
  let labeled = true;
  for (const k in t.templateLabels) {
    if (labels[k] !== t.templateLabels[k]) {
      labeled = false;
      break;
    }
  }
  if (labeled) f |= LABELED;
  if (isPodReady(pod)) f |= READY;
  return f;
}

/** What a pod with flags `f` adds to (sign 1) or takes from (-1) the tally: as the claim keeps it and calculateStatus counts it. */
function count(t: Tally, f: number, sign: 1 | -1): void {
  if (!(f & ACTIVE)) return;
  if (!(f & MATCHES)) {
    t.mismatched += sign;
    return;
  }
  t.replicas += sign;
  if (f & LABELED) t.labeled += sign;
  if (f & READY) t.ready += sign;
}
