// The Deployment reconciler, as Kubernetes' DeploymentController.syncDeployment: claim the
// ReplicaSets the selector matches, then one of: status only (being deleted), scale (paused, or
// spec.replicas changed), or a step of the strategy (RollingUpdate, Recreate), finishing with the
// status and the Progressing condition. A rollback is a template set back to an older one: that
// ReplicaSet becomes the new one again with the next revision.
import { type Deployment, type Pod, type ReplicaSet, clone, labelSelectorFromObject } from '@skiff/api';
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
  isControlledBy,
} from '@skiff/machinery';
import { PAUSED_REASON, PROGRESSING, RESUMED_REASON, TIMED_OUT_REASON, deploymentComplete, getCondition, hasProgressDeadline, newCondition, setCondition } from './conditions.js';
import type { SyncEnv } from './env.js';
import { isRollingUpdate, replicasOf } from './fenceposts.js';
import { cleanupDeployment } from './history.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { oldPodsRunning, scaleDownOldForRecreate, scaleUpNewForRecreate } from './recreate.js';
import { activeReplicaSets, desiredReplicasAnnotation } from './replica-sets.js';
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from './rolling.js';
import { scale } from './scale.js';
import { syncDeploymentStatus, syncRolloutStatus } from './status.js';

export interface DeploymentReconcilerDeps {
  client: Client;
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  recorder: EventRecorder;
  clock: Clock;
}

const requeue = (ms: number | undefined): ReconcileResult => (ms === undefined ? undefined : { requeueAfterMs: ms });

export class DeploymentReconciler implements Reconciler {
  private readonly env: SyncEnv;

  constructor(private readonly deps: DeploymentReconcilerDeps) {
    this.env = { client: deps.client, recorder: deps.recorder, now: () => deps.clock.now() };
  }

  async reconcile(_ctx: ReconcileContext, { namespace, name }: Request): Promise<ReconcileResult> {
    const cached = this.deps.deployments.get(namespace, name);
    if (!cached) return;
    let d: Deployment = cached;
    const sel = d.spec?.selector;
    if (!sel || (!sel.matchLabels && !sel.matchExpressions) || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      this.deps.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.metadata.generation ?? 0) > (d.status?.observedGeneration ?? 0)) {
        const next = clone(d);
        next.status = { ...(next.status ?? {}), observedGeneration: d.metadata.generation };
        await this.deps.client.updateStatus(next);
      }
      return;
    }
    const rsList = await this.claimReplicaSets(d);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs, d: dd } = await getAllReplicaSetsAndSyncRevision(this.env, d, rsList, false);
      await syncDeploymentStatus(this.env, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, dd);
      return;
    }
    d = await this.checkPausedConditions(d);
    if (d.spec?.paused || this.isScalingEvent(d, rsList)) return this.sync(d, rsList);
    return isRollingUpdate(d) ? this.rolloutRolling(d, rsList) : this.rolloutRecreate(d, rsList);
  }

  private async claimReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
    const { client } = this.deps;
    const ns = d.metadata.namespace ?? '';
    const manager = new ControllerRefManager({
      client,
      owner: d,
      selector: labelSelectorFromObject(d.spec?.selector),
      canAdopt: async () => {
        const fresh = await client.get<Deployment>('deployments', ns, d.metadata.name!);
        if (fresh.metadata.uid !== d.metadata.uid) throw new Error(`original Deployment ${ns}/${d.metadata.name} is gone`);
        if (fresh.metadata.deletionTimestamp) throw new Error(`${ns}/${d.metadata.name} has just been deleted`);
      },
    });
    return manager.claim(this.deps.replicaSets.list(ns));
  }

  /** Progressing Unknown with DeploymentPaused / DeploymentResumed when spec.paused flips. */
  private async checkPausedConditions(d: Deployment): Promise<Deployment> {
    if (!hasProgressDeadline(d)) return d;
    const c = getCondition(d.status, PROGRESSING);
    if (c?.reason === TIMED_OUT_REASON) return d;
    const paused = !!d.spec?.paused;
    const pausedCond = c?.reason === PAUSED_REASON;
    if (paused === pausedCond) return d;
    const next = clone(d);
    next.status ??= {};
    const now = this.env.now();
    if (paused) setCondition(next.status, newCondition(PROGRESSING, 'Unknown', PAUSED_REASON, 'Deployment is paused', now));
    else setCondition(next.status, newCondition(PROGRESSING, 'Unknown', RESUMED_REASON, 'Deployment is resumed', now));
    return this.deps.client.updateStatus(next);
  }

  /** An active ReplicaSet's desired-replicas annotation differs from spec.replicas (isScalingEvent). */
  private isScalingEvent(d: Deployment, rsList: readonly ReplicaSet[]): boolean {
    return activeReplicaSets(rsList).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== replicasOf(d);
    });
  }

  private async sync(d0: Deployment, rsList: readonly ReplicaSet[]): Promise<ReconcileResult> {
    const { d, newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(this.env, d0, rsList, false);
    await scale(this.env, d, newRS, oldRSs);
    if (d.spec?.paused) await cleanupDeployment(this.env, oldRSs, d);
    await syncDeploymentStatus(this.env, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  private async rolloutRolling(d0: Deployment, rsList: readonly ReplicaSet[]): Promise<ReconcileResult> {
    const { d, newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(this.env, d0, rsList, true);
    const rs = newRS!;
    const all = [...oldRSs, rs];
    if (await reconcileNewReplicaSet(this.env, all, rs, d)) return requeue(await syncRolloutStatus(this.env, all, rs, d));
    if (await reconcileOldReplicaSets(this.env, all, activeReplicaSets(oldRSs), rs, d)) return requeue(await syncRolloutStatus(this.env, all, rs, d));
    if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(this.env, oldRSs, d);
    return requeue(await syncRolloutStatus(this.env, all, rs, d));
  }

  private async rolloutRecreate(d0: Deployment, rsList: readonly ReplicaSet[]): Promise<ReconcileResult> {
    let { d, newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(this.env, d0, rsList, false);
    const all = (): ReplicaSet[] => [...oldRSs, ...(newRS ? [newRS] : [])];
    if (await scaleDownOldForRecreate(this.env, activeReplicaSets(oldRSs), d)) return requeue(await syncRolloutStatus(this.env, all(), newRS, d));
    const ns = d.metadata.namespace ?? '';
    const podsOf = (rs: ReplicaSet): Pod[] => this.deps.pods.list(ns).filter((p) => isControlledBy(p, rs));
    if (oldPodsRunning(newRS, oldRSs, podsOf)) return requeue(await syncRolloutStatus(this.env, all(), newRS, d));
    if (!newRS) ({ d, newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(this.env, d, rsList, true));
    await scaleUpNewForRecreate(this.env, newRS!, d);
    if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(this.env, oldRSs, d);
    return requeue(await syncRolloutStatus(this.env, all(), newRS, d));
  }
}
