// Finding or creating the new ReplicaSet, as Kubernetes' getNewReplicaSet: the ReplicaSet whose
// template is the Deployment's gets the next revision (a rollback to an older template moves that
// ReplicaSet's revision forward, the old number going to revision-history); otherwise one is
// created, named <deployment>-<pod-template-hash>. A name taken by a ReplicaSet with another
// template is a hash collision: status.collisionCount goes up and the next sync picks a new name.
import { type Deployment, type ReplicaSet, clone, isApiError } from '@skiff/api';
import { newControllerRef } from '@skiff/machinery';
import { FOUND_NEW_RS_REASON, NEW_RS_REASON, PROGRESSING, getCondition, hasProgressDeadline, newCondition, setCondition } from './conditions.js';
import type { ReplicaSetsOf, SyncEnv } from './env.js';
import { isRollingUpdate } from './fenceposts.js';
import { computeHash } from './hash.js';
import {
  DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
  REVISION_ANNOTATION,
  equalIgnoreHash,
  findNewReplicaSet,
  maxRevision,
  newRSNewReplicas,
  setNewReplicaSetAnnotations,
} from './replica-sets.js';

/** Sets the Deployment's revision annotation; true when it changed. */
function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = (d.metadata.annotations ??= {});
  if (a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}

/**
 * The new ReplicaSet (created when `create` and missing) and the old ones. The Deployment returned
 * is the one stored after any revision or condition write.
 */
export async function getAllReplicaSetsAndSyncRevision(env: SyncEnv, d: Deployment, rsList: readonly ReplicaSet[], create: boolean): Promise<ReplicaSetsOf> {
  const existing = findNewReplicaSet(d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) return syncExistingNewRS(env, d, existing, oldRSs, newRevision);
  if (!create) return { d, newRS: undefined, oldRSs };
  return createNewRS(env, d, oldRSs, newRevision);
}

async function syncExistingNewRS(env: SyncEnv, d: Deployment, existing: ReplicaSet, oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSetsOf> {
  let rs = existing;
  const copy = clone(existing);
  const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
  const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
  if (annotationsChanged || minReadyChanged) {
    copy.spec!.minReadySeconds = d.spec?.minReadySeconds ?? 0;
    rs = await env.client.update(copy);
  }
  const next = clone(d);
  let changed = setDeploymentRevision(next, rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
  let stored = d;
  if (changed) stored = await env.client.update(next);
  const status = clone(stored.status ?? {});
  changed = false;
  if (hasProgressDeadline(d) && !getCondition(status, PROGRESSING)) {
    setCondition(status, newCondition(PROGRESSING, 'True', FOUND_NEW_RS_REASON, `Found new replica set "${rs.metadata.name}"`, env.now()));
    changed = true;
  }
  if (changed) {
    const s = clone(stored);
    s.status = status;
    stored = await env.client.updateStatus(s);
  }
  return { d: stored, newRS: rs, oldRSs };
}

async function createNewRS(env: SyncEnv, d: Deployment, oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSetsOf> {
  const hash = computeHash(d.spec!.template, d.status?.collisionCount);
  const template = clone(d.spec!.template);
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  const selector = clone(d.spec!.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d)],
      labels: { ...(template.metadata.labels ?? {}) },
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  const replicas = newRSNewReplicas(d, oldRSs, undefined, isRollingUpdate(d));
  rs.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  let created: ReplicaSet;
  try {
    created = await env.client.create(rs);
  } catch (e) {
    if (!isApiError(e, 'ALREADY_EXISTS')) {
      if (hasProgressDeadline(d)) {
        const s = clone(d);
        s.status ??= {};
        setCondition(s.status, newCondition('ReplicaFailure', 'True', 'FailedCreate', (e as Error).message, env.now()));
        await env.client.updateStatus(s).catch(() => undefined);
      }
      throw e;
    }
    // Ours with the same template: the cache had not seen it yet.
    const there = await env.client.get<ReplicaSet>('replicasets', rs.metadata.namespace ?? '', rs.metadata.name!);
    const ours = there.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid);
    if (ours && equalIgnoreHash(there.spec?.template, d.spec?.template)) return { d, newRS: there, oldRSs };
    const s = clone(d);
    s.status ??= {};
    s.status.collisionCount = (s.status.collisionCount ?? 0) + 1;
    await env.client.updateStatus(s);
    throw new Error(`found a hash collision for deployment "${d.metadata.name}": bumping collisionCount to ${s.status.collisionCount}`);
  }
  if (replicas > 0) env.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);

  let stored = d;
  const next = clone(d);
  if (setDeploymentRevision(next, String(newRevision))) stored = await env.client.update(next);
  if (hasProgressDeadline(d)) {
    const s = clone(stored);
    s.status ??= {};
    setCondition(s.status, newCondition(PROGRESSING, 'True', NEW_RS_REASON, `Created new replica set "${created.metadata.name}"`, env.now()));
    stored = await env.client.updateStatus(s);
  }
  return { d: stored, newRS: created, oldRSs };
}
