// skiffctl rollout undo: puts a revision's pod template back into the Deployment, as kubectl's
// DeploymentRollbacker: the ReplicaSet's template without pod-template-hash, and its annotations
// (but the controller's own) copied onto the Deployment. The controller then moves that
// ReplicaSet's revision forward.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError } from '../../cli-error.js';
import type { Io } from '../../io.js';
import { out, printError } from '../../io-lines.js';
import { LAST_APPLIED } from '../../last-applied.js';
import type { Loose } from '../../printers/column.js';
import { objectRef } from '../../resources.js';
import { selectTargets, type TargetArgs } from '../../targets.js';
import { dryRunSuffix, type DryRun } from '../apply.js';
import { REVISION_ANNOTATION, deploymentRevisions, templateWithoutHash, templatesEqual, type Revision } from './revisions.js';
import { requireDeployment } from './targets.js';

export interface RolloutUndoArgs extends TargetArgs {
  /** 0 or unset: the previous revision. */
  toRevision?: number;
  dryRun?: DryRun;
}

/** Annotations of a ReplicaSet that are not copied back (kubectl's skipCopyAnnotations). */
const SKIP_COPY = new Set([
  LAST_APPLIED,
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/** The revision to go back to: `to`, else the second newest. */
export function rollbackTarget(d: KObject, revisions: readonly Revision[], to: number): Revision {
  if (to > 0) {
    const r = revisions.find((x) => x.revision === to);
    if (!r) throw new CliError(`unable to find specified revision ${to} in history`);
    return r;
  }
  const previous = revisions.length >= 2 ? revisions[revisions.length - 2] : undefined;
  if (!previous) throw new CliError(`no rollout history found for deployment "${d.metadata.name ?? ''}"`);
  return previous;
}

export async function rolloutUndo(client: Client, args: RolloutUndoArgs, io: Io): Promise<number> {
  const targets = await selectTargets(client, args, 'rollout undo');
  let failed = false;
  for (const t of targets) {
    try {
      requireDeployment(t, 'rollbacker');
      const d = await client.get<KObject>('deployments', t.namespace, t.name);
      const ref = objectRef(t.type, t.name);
      if ((d as Loose).spec?.paused) {
        throw new CliError(`you cannot rollback a paused deployment; resume it first with 'skiffctl rollout resume ${ref}' and try again`);
      }
      const target = rollbackTarget(d, await deploymentRevisions(client, d), args.toRevision ?? 0);
      if (templatesEqual((target.replicaSet as Loose).spec?.template, (d as Loose).spec?.template)) {
        out(io, `${ref} skipped rollback (current template already matches revision ${target.revision})`);
        continue;
      }
      const annotations = { ...d.metadata.annotations };
      for (const [k, v] of Object.entries(target.replicaSet.metadata.annotations ?? {})) if (!SKIP_COPY.has(k)) annotations[k] = v;
      const next = { ...d, metadata: { ...d.metadata, annotations }, spec: { ...(d as Loose).spec, template: templateWithoutHash(target.replicaSet) } };
      // The update carries the resourceVersion read: a concurrent change is a conflict, not lost.
      if (args.dryRun !== 'client') await client.update(next, args.dryRun === 'server' ? { dryRun: true } : {});
      out(io, `${ref} rolled back${dryRunSuffix(args.dryRun)}`);
    } catch (e) {
      failed = true;
      printError(io, e);
    }
  }
  return failed ? 1 : 0;
}
