// skiffctl scale: sets spec.replicas of Deployments and ReplicaSets. The apiserver has no scale
// subresource, so the write is a merge patch of spec.replicas, or, with --current-replicas, an
// update carrying the resourceVersion read with the precondition (a conflict re-reads and re-checks,
// as kubectl's ScaleWithRetries does).
import { ApiError, type KObject } from '@skiff/api';
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
  dryRun?: DryRun;
  output?: string;
}

/** Resources with a spec.replicas that scale writes. */
const SCALABLE = new Set(['deployments', 'replicasets']);
const CONFLICT_RETRIES = 3;

export class PreconditionError extends CliError {
  constructor(expected: number, actual: number) {
    super(`Expected replicas to be ${expected}, was ${actual}`);
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
      if (!SCALABLE.has(t.type.resource)) throw new CliError(`no scaler has been implemented for ${t.type.kind}`);
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
  const dry = args.dryRun === 'server' ? { dryRun: true } : {};
  if (current < 0) {
    if (args.dryRun === 'client') {
      await client.get(t.type.resource, t.namespace, t.name);
      return;
    }
    await client.patch(t.type.resource, t.namespace, t.name, { spec: { replicas } }, dry);
    return;
  }
  for (let attempt = 0; ; attempt++) {
    const obj = await client.get<KObject & { spec?: { replicas?: number } }>(t.type.resource, t.namespace, t.name);
    const actual = obj.spec?.replicas ?? 1;
    if (actual !== current) throw new PreconditionError(current, actual);
    if (args.dryRun === 'client') return;
    try {
      await client.update({ ...obj, spec: { ...obj.spec, replicas } }, dry);
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'ABORTED') || attempt >= CONFLICT_RETRIES) throw e;
    }
  }
}
