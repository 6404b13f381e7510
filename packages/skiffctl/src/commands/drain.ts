// skiffctl drain NODE: cordons the node, then deletes its pods (Skiff's apiserver has no eviction
// subresource, so this is kubectl's delete path, as with --disable-eviction) with their own grace
// period or --grace-period, and waits until they are gone or --timeout passes. Pods drain must not
// touch stop it before anything is deleted (see drain-filters.ts).
import { ApiError, type KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError } from '../cli-error.js';
import { parseDuration } from '../duration.js';
import type { Io } from '../io.js';
import { err, out, printError } from '../io-lines.js';
import { listAll } from '../list-all.js';
import { resolveType } from '../resources.js';
import type { DryRun } from './apply.js';
import { selectNodes, setUnschedulable } from './cordon.js';
import { planDrain, type DrainFilterOptions, type DrainPlan } from './drain-filters.js';

export interface DrainArgs extends DrainFilterOptions {
  nodes: string[];
  selector?: string;
  /** Pod selector: only these pods are drained. */
  podSelector?: string;
  /** Seconds; negative or unset: each pod's own. */
  gracePeriod?: number;
  /** Go duration; "0" or unset: wait as long as it takes. */
  timeout?: string;
  dryRun?: DryRun;
  pollMs?: number;
}

const lines = (m: Map<string, string[]>, prefix: string): string[] => [...m].map(([msg, pods]) => `${prefix}${msg}: ${pods.join(', ')}`);

/** kubectl's aggregate error text: one error as it is, several in brackets. */
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

export async function drain(client: Client, args: DrainArgs, io: Io): Promise<number> {
  const nodes = await selectNodes(client, args.nodes, args.selector, 'drain');
  const pending: string[] = [];
  const errors: string[] = [];
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    try {
      await setUnschedulable(client, node, true, args.dryRun, io);
      await drainNode(client, name, args, io);
      out(io, `node/${name} drained${args.dryRun === 'client' ? ' (dry run)' : args.dryRun === 'server' ? ' (server dry run)' : ''}`);
    } catch (e) {
      if (!(e instanceof CliError || e instanceof ApiError)) throw e;
      const msg = e.message;
      err(io, `error: unable to drain node "${name}" due to error: ${msg}, continuing command...`);
      errors.push(msg);
      pending.push(name);
    }
  }
  if (pending.length === 0) return 0;
  err(io, 'There are pending nodes to be drained:');
  for (const n of pending) err(io, ` ${n}`);
  printError(io, new CliError(aggregate(errors)));
  return 1;
}

async function drainNode(client: Client, node: string, args: DrainArgs, io: Io): Promise<void> {
  const { items } = await listAll(client, resolveType('pods'), { namespace: '', fieldSelector: `spec.nodeName=${node}`, ...(args.podSelector ? { labelSelector: args.podSelector } : {}) });
  const plan: DrainPlan = planDrain(items, args);
  if (plan.refusals.size > 0) throw new CliError(aggregate(lines(plan.refusals, 'cannot delete ')));
  for (const w of lines(plan.warnings, 'Warning: ')) err(io, w);
  if (args.dryRun === 'client') {
    for (const p of plan.delete) out(io, `pod/${p.metadata.name} deleted (dry run)`);
    return;
  }
  const timeoutMs = parseDuration(args.timeout ?? '0');
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  const gracePeriod = args.gracePeriod !== undefined && args.gracePeriod >= 0 ? { gracePeriodSeconds: args.gracePeriod } : {};
  for (const p of plan.delete) {
    try {
      await client.delete('pods', p.metadata.namespace ?? '', p.metadata.name ?? '', { ...gracePeriod, ...(args.dryRun === 'server' ? { dryRun: true } : {}) });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'NOT_FOUND')) throw e;
    }
  }
  if (args.dryRun === 'server') {
    for (const p of plan.delete) out(io, `pod/${p.metadata.name} deleted (server dry run)`);
    return;
  }
  await waitForDeletion(client, plan.delete, deadline, args.pollMs ?? 1000, io, args.timeout ?? '0');
}

/** Polls until every pod is gone (or replaced by another with the same name), printing each. */
async function waitForDeletion(client: Client, pods: readonly KObject[], deadline: number, pollMs: number, io: Io, timeout: string): Promise<void> {
  let left = [...pods];
  for (;;) {
    const still: KObject[] = [];
    for (const p of left) {
      if (await exists(client, p)) still.push(p);
      else out(io, `pod/${p.metadata.name} deleted`);
    }
    left = still;
    if (left.length === 0) return;
    if (Date.now() >= deadline) throw new CliError(`drain did not complete within ${timeout}`);
    if (io.signal?.aborted) throw new CliError('drain interrupted');
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

async function exists(client: Client, pod: KObject): Promise<boolean> {
  try {
    const live = await client.get('pods', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    return live.metadata.uid === pod.metadata.uid;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_FOUND') return false;
    throw e;
  }
}
