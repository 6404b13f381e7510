// skiffctl scale: sets spec.replicas of Deployments and ReplicaSets through their scale subresource
// (UpdateScale), as kubectl. Without preconditions the write is unconditional (the server retries
// concurrent changes); with --current-replicas or --resource-version the Scale is read, the
// preconditions checked, and the update carries the resourceVersion read (a conflict re-reads and
// re-checks, as kubectl's ScaleWithRetries does).
import { ApiError, hasScaleSubresource } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError, UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { out, printError } from '../io-lines.js';
import { objectRef } from '../resources.js';
import { selectTargets, type Target, type TargetArgs } from '../targets.js';
import { dryRunSuffix, type DryRun } from './apply.js';

export interface ScaleArgs extends TargetArgs {
  replicas?: number;
  /** Precondition: the current spec.replicas (-1 or unset: none). */
  currentReplicas?: number;
  /** Precondition: the object's current resourceVersion (empty or unset: none). */
  resourceVersion?: string;
  dryRun?: DryRun;
  output?: string;
}

const CONFLICT_RETRIES = 3;

/** kubectl's PreconditionError: "Expected replicas to be 2, was 3". */
export class PreconditionError extends CliError {
  constructor(precondition: 'replicas' | 'resource version', expected: number | string, actual: number | string) {
    super(`Expected ${precondition} to be ${expected}, was ${actual}`);
  }
}

export async function scale(client: Client, args: ScaleArgs, io: Io): Promise<number> {
  if (args.replicas === undefined) throw new UsageError('required flag(s) "replicas" not set');
  if (!Number.isInteger(args.replicas) || args.replicas < 0) {
    throw new UsageError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  }
  const targets = await selectTargets(client, args, 'scale');
  let failed = false;
  for (const t of targets) {
    try {
      if (!hasScaleSubresource(t.type.kind)) throw new CliError(`no scaler has been implemented for ${t.type.kind}`);
      await scaleOne(client, t, args.replicas, args);
      out(io, args.output === 'name' ? objectRef(t.type, t.name) : `${objectRef(t.type, t.name)} scaled${dryRunSuffix(args.dryRun)}`);
    } catch (e) {
      failed = true;
      printError(io, e);
    }
  }
  return failed ? 1 : 0;
}

async function scaleOne(client: Client, t: Target, replicas: number, args: ScaleArgs): Promise<void> {
  const current = args.currentReplicas ?? -1;
  const resourceVersion = args.resourceVersion ?? '';
  const dry = args.dryRun === 'server' ? { dryRun: true } : {};
  const name = { name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}) };
  if (current < 0 && !resourceVersion) {
    if (args.dryRun === 'client') {
      await client.getScale(t.type.resource, t.namespace, t.name);
      return;
    }
    await client.updateScale(t.type.resource, { metadata: name, spec: { replicas } }, dry);
    return;
  }
  for (let attempt = 0; ; attempt++) {
    const scale = await client.getScale(t.type.resource, t.namespace, t.name);
    const actual = scale.spec?.replicas ?? 0;
    if (current >= 0 && actual !== current) throw new PreconditionError('replicas', current, actual);
    const rv = scale.metadata.resourceVersion ?? '';
    if (resourceVersion && rv !== resourceVersion) throw new PreconditionError('resource version', resourceVersion, rv);
    if (args.dryRun === 'client') return;
    try {
      await client.updateScale(t.type.resource, { metadata: { ...name, resourceVersion: rv }, spec: { replicas } }, dry);
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'ABORTED') || attempt >= CONFLICT_RETRIES) throw e;
    }
  }
}
