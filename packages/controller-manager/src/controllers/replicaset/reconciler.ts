// The ReplicaSet reconciler, as Kubernetes' ReplicaSetController.syncReplicaSet: claim the active
// pods the selector matches (adopt orphans, release what stopped matching), create or delete the
// difference to spec.replicas unless earlier writes are still expected back through the informer,
// then write the status computed from the pods. Unlike Kubernetes, a create or delete whose reply
// was lost is not counted as failed but settled first (unconfirmed.ts).
import { type Pod, type ReplicaSet, clone, generateName, isApiError, jsonEqual, labelSelectorFromObject, objectKey } from '@skiff/api';
import {
  type Client,
  type Clock,
  ControllerRefManager,
  type EventRecorder,
  type Lister,
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
  type Request,
  type UIDTrackingControllerExpectations,
  type WriteAck,
  newControllerRef,
  writeOutcomeUnknown,
} from '@skiff/machinery';
import { isPodActive } from '../../pod-util.js';
import { podsToDelete } from './ranking.js';
import { SlowStartRamps, slowStartBatch } from './slow-start.js';
import { type ManageError, type PodCounts, calculateStatus, statusFromCounts } from './status.js';
import type { PodTallies } from './tally.js';
import { settleUnconfirmedWrites } from './unconfirmed.js';

/** Kubernetes' BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;
/** Kubernetes' statusUpdateRetries: one more status write on a fresh copy after a conflict. */
const STATUS_UPDATE_RETRIES = 1;

export interface ReplicaSetReconcilerDeps {
  client: Client;
  replicaSets: Lister<ReplicaSet>;
  /** the pods a ReplicaSet controls and the orphans of its namespace (controlledOrOrphaned) */
  podsOf: (rs: ReplicaSet) => Pod[];
  /** the orphaned pods of a namespace (orphanedIn), for the tally's path */
  orphansIn?: (namespace: string) => Pod[];
  /** the pod cache by name (to settle writes of unknown outcome) */
  pods: Lister<Pod>;
  /** Incremental claim and status (tally.ts); without it every sync claims and counts all pods. */
  tallies?: PodTallies;
  expectations: UIDTrackingControllerExpectations;
  recorder: EventRecorder;
  clock: Clock;
  burstReplicas?: number;
  /** The slow-start ramps carried across syncs (slow-start.ts); a fresh one by default. */
  ramps?: SlowStartRamps;
}

/**
 * The pods a ReplicaSet creates from its template (Kubernetes' GetPodFromTemplate), one per call of
 * the function returned. Kubernetes leaves the name to the apiserver (generateName); here the
 * controller draws it the same way, so that a create whose reply is lost can be looked up by name.
 * The template is copied once, not per pod: the pods share its spec, labels, annotations and
 * finalizers (a create only serializes them), each with metadata of its own (the name is redrawn
 * in place).
 */
export function podsFromTemplate(rs: ReplicaSet): () => Pod {
  const t = clone(rs.spec?.template ?? {});
  const meta = t.metadata ?? {};
  const prefix = `${rs.metadata.name}-`;
  return () => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: generateName(prefix),
      generateName: prefix,
      namespace: rs.metadata.namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
      ownerReferences: [newControllerRef(rs)],
    },
    spec: t.spec ?? { containers: [] },
  });
}

/** As the apiserver's RetryGenerateName: attempts in all when the drawn name is taken. */
const NAME_ATTEMPTS = 8;

/**
 * Creates a pod whose name the controller drew from its generateName. A name already taken (27^5
 * names: a 3,000-pod ReplicaSet meets a collision about one time in four) is drawn again, in place
 * in `pod`, so that an unconfirmed create is looked up under the name actually sent.
 */
async function createWithDrawnName(client: Client, pod: Pod): Promise<WriteAck> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Only the name is read back: the reply is not decoded into a Pod (createAck).
      return await client.createAck(pod);
    } catch (e) {
      if (!isApiError(e, 'ALREADY_EXISTS') || attempt >= NAME_ATTEMPTS) throw e;
      pod.metadata.name = generateName(pod.metadata.generateName!);
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ReplicaSetReconciler implements Reconciler {
  private readonly burst: number;
  private readonly ramps: SlowStartRamps;

  constructor(private readonly deps: ReplicaSetReconcilerDeps) {
    this.burst = deps.burstReplicas ?? BURST_REPLICAS;
    this.ramps = deps.ramps ?? new SlowStartRamps();
  }

  async reconcile(ctx: ReconcileContext, { namespace, name }: Request): Promise<ReconcileResult> {
    const { replicaSets, podsOf, expectations, client } = this.deps;
    const key = `${namespace}/${name}`;
    const rs = replicaSets.get(namespace, name);
    if (!rs) {
      expectations.delete(key);
      this.deps.tallies?.forget(key);
      this.ramps.forget(key);
      return;
    }
    await settleUnconfirmedWrites(this.deps, key, rs);
    const needsSync = expectations.satisfied(key);
    const selector = labelSelectorFromObject(rs.spec?.selector);
    const manager = new ControllerRefManager({
      client,
      owner: rs,
      selector,
      canAdopt: async () => {
        const fresh = await client.get<ReplicaSet>('replicasets', namespace, name);
        if (fresh.metadata.uid !== rs.metadata.uid) throw new Error(`original ReplicaSet ${key} is gone: got uid ${fresh.metadata.uid}, wanted ${rs.metadata.uid}`);
        if (fresh.metadata.deletionTimestamp) throw new Error(`${key} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
      },
    });
    // The tally stands for the claim when no orphan is to be adopted and no pod to be deleted (the
    // deletions rank the pods themselves); else the full claim, which rebuilds the tally.
    let counts: PodCounts | undefined = rs.metadata.deletionTimestamp ? undefined : this.deps.tallies?.counts(rs, selector);
    if (counts && needsSync && counts.replicas > (rs.spec?.replicas ?? 1)) counts = undefined;
    if (counts && this.deps.orphansIn?.(namespace).some((p) => isPodActive(p) && selector.matches(p.metadata.labels))) counts = undefined;
    let owned: Pod[] | undefined;
    if (!counts) {
      const candidates = podsOf(rs);
      this.deps.tallies?.rebuild(rs, selector, candidates);
      owned = await manager.claim(candidates.filter(isPodActive));
    }

    let manageError: ManageError | undefined;
    let cause: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      const res = await this.manageReplicas(ctx, rs, key, owned, owned ? owned.length : counts!.replicas);
      manageError = res?.manageError;
      cause = res?.cause;
    }
    const now = this.deps.clock.now();
    const status = owned ? calculateStatus(rs, owned, manageError, now) : statusFromCounts(rs, counts!, manageError, now);
    const updated = await this.updateStatus(rs, status);
    if (cause !== undefined) throw cause;
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const want = updated.spec?.replicas ?? 1;
    if (minReady > 0 && status.readyReplicas === want && status.availableReplicas !== want) return { requeueAfterMs: minReady * 1000 };
  }

  /** `owned`: the claimed pods, needed to pick deletions; undefined when only their count (`have`) is known. */
  private async manageReplicas(ctx: ReconcileContext, rs: ReplicaSet, key: string, owned: Pod[] | undefined, have: number): Promise<{ manageError: ManageError; cause: unknown } | undefined> {
    const { expectations, recorder, client } = this.deps;
    const diff = have - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, this.burst);
      expectations.expectCreations(key, count);
      ctx.log.debug('too few replicas, creating', { need: rs.spec?.replicas, creating: count });
      let unconfirmed = 0;
      let refused = false;
      const initial = this.ramps.initialBatch(key, this.deps.clock.now());
      const newPod = podsFromTemplate(rs);
      const { successes, error, largestBatch } = await slowStartBatch(count, initial, async () => {
        const want = newPod();
        try {
          const ack = await createWithDrawnName(client, want);
          recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${ack.name}`);
        } catch (e) {
          // As Kubernetes: a namespace being deleted refuses every create; that is no failure of the ReplicaSet.
          if (isApiError(e) && e.reason === 'NamespaceTerminating') {
            refused = true;
            return;
          }
          recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${message(e)}`);
          if (writeOutcomeUnknown(e)) {
            // Maybe created: expected until settled by name.
            unconfirmed++;
            expectations.creationUnconfirmed(key, objectKey(want));
            ctx.log.info('create of unknown outcome, to be settled before the next sync', { pod: want.metadata.name, err: e });
          }
          throw e;
        }
      });
      // Creates that were refused or skipped never come back through the informer.
      expectations.lower(key, count - successes - unconfirmed, 0);
      this.ramps.finished(key, this.deps.clock.now(), error === undefined && !refused, largestBatch);
      if (error !== undefined) return { manageError: { reason: 'FailedCreate', message: message(error) }, cause: error };
      return undefined;
    }
    if (diff > 0) {
      if (!owned) throw new Error(`${key}: deletions need the claimed pods`);
      const count = Math.min(diff, this.burst);
      const victims = podsToDelete(owned, owned, count);
      expectations.expectDeletionsOf(key, victims.map(objectKey));
      ctx.log.debug('too many replicas, deleting', { need: rs.spec?.replicas, deleting: count });
      const results = await Promise.allSettled(
        victims.map(async (p) => {
          const podKey = objectKey(p);
          try {
            await client.delete('pods', p.metadata.namespace ?? '', p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
            recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
          } catch (e) {
            if (writeOutcomeUnknown(e)) {
              // Maybe deleted: expected until settled by reading the pod back.
              expectations.deletionUnconfirmed(key, podKey, p.metadata.uid ?? '');
              ctx.log.info('delete of unknown outcome, to be settled before the next sync', { pod: p.metadata.name, err: e });
            } else {
              // The informer will not see this deletion.
              expectations.deletionObservedOf(key, podKey);
            }
            if (isApiError(e, 'NOT_FOUND')) return;
            recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${message(e)}`);
            throw e;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) return { manageError: { reason: 'FailedDelete', message: message(failed.reason) }, cause: failed.reason };
    }
    return undefined;
  }

  /**
   * As Kubernetes' updateReplicaSetStatus: the status is written on the cached copy; when that copy
   * is stale (the deployment controller scaled it meanwhile: ABORTED), once more on a fresh GET
   * (statusUpdateRetries = 1), instead of failing the whole sync into a requeue with backoff.
   */
  private async updateStatus(rs: ReplicaSet, status: ReplicaSet['status']): Promise<ReplicaSet> {
    let cur = rs;
    for (let attempt = 0; ; attempt++) {
      if (jsonEqual(cur.status ?? {}, status)) return cur;
      const next = clone(cur);
      next.status = status;
      try {
        return await this.deps.client.updateStatus(next);
      } catch (e) {
        if (!isApiError(e, 'ABORTED') || attempt >= STATUS_UPDATE_RETRIES) throw e;
        cur = await this.deps.client.get<ReplicaSet>('replicasets', rs.metadata.namespace ?? '', rs.metadata.name!);
        if (cur.metadata.uid !== rs.metadata.uid) throw e;
      }
    }
  }
}
