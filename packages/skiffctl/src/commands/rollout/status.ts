// skiffctl rollout status: follows the Deployment with a watch and prints kubectl's progress lines
// until the rollout is complete (exit 0), the deadline is exceeded (Progressing=False with
// ProgressDeadlineExceeded: exit 1), the object is deleted, or --timeout passes. Like kubectl's
// (a reflector under the watch), it rides through the apiserver going away: while the server is
// unavailable it tries again every second, until the rollout ends or --timeout passes.
import { ApiError, type KObject } from '@skiff/api';
import { realClock, sleep, type Client } from '@skiff/machinery';
import { CliError, UsageError } from '../../cli-error.js';
import type { Io } from '../../io.js';
import { out } from '../../io-lines.js';
import type { Loose } from '../../printers/column.js';
import { selectTargets, type TargetArgs } from '../../targets.js';
import { parseDuration } from '../../duration.js';
import { requireDeployment } from './targets.js';

export interface RolloutStatusArgs extends TargetArgs {
  /** false: print the status once and exit. */
  watch?: boolean;
  /** Go duration ("5m", "30s"); "0" or unset: no limit. */
  timeout?: string;
}

export interface RolloutState {
  message: string;
  done: boolean;
}

/** kubectl's DeploymentStatusViewer: the line to print and whether the rollout is complete. */
export function deploymentRolloutState(d: KObject): RolloutState {
  const spec: Loose = (d as Loose).spec ?? {};
  const status: Loose = (d as Loose).status ?? {};
  const name = d.metadata.name ?? '';
  if ((d.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return { message: 'Waiting for deployment spec update to be observed...', done: false };
  const progressing = ((status.conditions ?? []) as Loose[]).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new CliError(`deployment "${name}" exceeded its progress deadline`);
  const replicas: number = spec.replicas ?? 1;
  const updated: number = status.updatedReplicas ?? 0;
  const total: number = status.replicas ?? 0;
  const available: number = status.availableReplicas ?? 0;
  if (updated < replicas) return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`, done: false };
  if (total > updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`, done: false };
  if (available < updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`, done: false };
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}

export async function rolloutStatus(client: Client, args: RolloutStatusArgs, io: Io): Promise<number> {
  const targets = await selectTargets(client, args, 'rollout status');
  if (targets.length !== 1) throw new UsageError('rollout status is only supported on individual resources and resource collections; exactly one resource was expected');
  const t = targets[0]!;
  requireDeployment(t, 'status viewer');
  const timeoutMs = parseDuration(args.timeout ?? '0');
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  io.signal?.addEventListener('abort', stop, { once: true });
  const timer = timeoutMs > 0 ? setTimeout(stop, timeoutMs) : undefined;
  try {
    const done = await follow(client, t.namespace, t.name, args.watch !== false, ac.signal, io);
    if (done || args.watch === false || io.signal?.aborted) return done || args.watch === false ? 0 : 130;
    throw new CliError('timed out waiting for the condition');
  } finally {
    if (timer) clearTimeout(timer);
    io.signal?.removeEventListener('abort', stop);
  }
}

/** Prints each new state from a watch of the one Deployment; true once complete. */
async function follow(client: Client, namespace: string, name: string, watch: boolean, signal: AbortSignal, io: Io): Promise<boolean> {
  let last = '';
  const show = (d: KObject): boolean => {
    const s = deploymentRolloutState(d);
    if (s.message !== last) out(io, s.message);
    last = s.message;
    return s.done;
  };
  const first = await client.get('deployments', namespace, name);
  if (show(first) || !watch) return true;
  let rv = first.metadata.resourceVersion ?? '';
  /** Reads the object again after the watch broke: undefined once the rollout is complete, "" while the server is unavailable, else the revision to watch from. */
  const reread = async (): Promise<string | undefined> => {
    try {
      const d = await client.get('deployments', namespace, name);
      return show(d) ? undefined : (d.metadata.resourceVersion ?? '');
    } catch (e) {
      if (isUnavailable(e) && !signal.aborted) return '';
      throw e;
    }
  };
  while (!signal.aborted) {
    try {
      for await (const batch of client.watch('deployments', { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: rv }, signal)) {
        rv = batch.resourceVersion;
        for (const e of batch.events) {
          if (e.type === 'DELETED') throw new CliError('object has been deleted');
          if (e.object && (e.type === 'ADDED' || e.type === 'MODIFIED') && show(e.object)) return true;
        }
      }
    } catch (e) {
      if (signal.aborted) return false;
      if (isUnavailable(e)) {
        // The apiserver is restarting or unreachable: wait a second, then read and watch again.
        await sleep(realClock, 1000, signal);
        if (signal.aborted) return false;
      } else if (!(e instanceof ApiError && e.code === 'OUT_OF_RANGE')) throw e;
      // The revision was compacted, or the server was away: read the object again and watch from there.
      const next = await reread();
      if (next === undefined) return true;
      if (next !== '') rv = next;
    }
  }
  return false;
}

function isUnavailable(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'UNAVAILABLE';
}
