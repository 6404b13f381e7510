// skiffctl cordon / uncordon: sets or clears a Node's spec.unschedulable (one merge patch), printing
// `node/n1 cordoned` or `node/n1 already cordoned` as kubectl does.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { out, printError } from '../io-lines.js';
import { listAll } from '../list-all.js';
import { resolveType } from '../resources.js';
import { dryRunSuffix, type DryRun } from './apply.js';

export interface CordonArgs {
  nodes: string[];
  selector?: string;
  dryRun?: DryRun;
}

/** The nodes named, or those the selector matches (kubectl's GetNodes). */
export async function selectNodes(client: Client, nodes: readonly string[], selector: string | undefined, verb: string): Promise<KObject[]> {
  if (nodes.length === 0 && selector === undefined) throw new UsageError(`USAGE: ${verb} NODE [flags]`);
  if (nodes.length > 0 && selector !== undefined) throw new UsageError('cannot specify both a node name and a --selector option');
  if (selector !== undefined) return (await listAll(client, resolveType('nodes'), { labelSelector: selector })).items;
  const out: KObject[] = [];
  for (const n of nodes) out.push(await client.get('nodes', '', n));
  return out;
}

/** Sets spec.unschedulable; prints the outcome line. */
export async function setUnschedulable(client: Client, node: KObject, unschedulable: boolean, dryRun: DryRun | undefined, io: Io): Promise<void> {
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  const name = node.metadata.name ?? '';
  const current = !!(node as { spec?: { unschedulable?: boolean } }).spec?.unschedulable;
  if (current === unschedulable) {
    out(io, `node/${name} already ${verb}`);
    return;
  }
  if (dryRun !== 'client') await client.patch('nodes', '', name, { spec: { unschedulable: unschedulable ? true : null } }, dryRun === 'server' ? { dryRun: true } : {});
  out(io, `node/${name} ${verb}${dryRunSuffix(dryRun)}`);
}

export function cordonCommand(unschedulable: boolean) {
  return async (client: Client, args: CordonArgs, io: Io): Promise<number> => {
    const nodes = await selectNodes(client, args.nodes, args.selector, unschedulable ? 'cordon' : 'uncordon');
    let failed = false;
    for (const n of nodes) {
      try {
        await setUnschedulable(client, n, unschedulable, args.dryRun, io);
      } catch (e) {
        failed = true;
        printError(io, e);
      }
    }
    return failed ? 1 : 0;
  };
}
