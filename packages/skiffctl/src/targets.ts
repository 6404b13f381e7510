// The objects a verb acts on (scale, label, annotate, rollout, set image): `TYPE NAME...`,
// `TYPE/NAME...`, or a type with `-l SELECTOR` / `--all`, as kubectl's resource builder reads them.
import type { KObject, ResourceType } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { UsageError } from './cli-error.js';
import { listAll } from './list-all.js';
import { parseResourceArgs } from './resource-args.js';

export interface TargetArgs {
  resources: string[];
  namespace?: string;
  defaultNamespace: string;
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
}

/** One object to act on; `object` is set when it was listed (a selector or --all). */
export interface Target {
  type: ResourceType;
  namespace: string;
  name: string;
  object?: KObject;
}

/** The targets the arguments name; a name together with a selector or --all is a usage error. */
export async function selectTargets(client: Client, args: TargetArgs, verb: string): Promise<Target[]> {
  const queries = parseResourceArgs(args.resources, verb);
  const ns = args.namespace ?? args.defaultNamespace;
  const byName = queries.some((q) => q.names.length > 0);
  if (byName && (args.selector !== undefined || args.all)) throw new UsageError('name cannot be provided when a selector is specified');
  if (!byName && args.selector === undefined && !args.all) throw new UsageError('resource(s) were provided, but no name was specified');
  const out: Target[] = [];
  for (const q of queries) {
    const namespace = q.type.namespaced ? ns : '';
    if (byName) {
      for (const name of q.names) out.push({ type: q.type, namespace, name });
      continue;
    }
    const listNs = q.type.namespaced && !args.allNamespaces ? ns : '';
    const { items } = await listAll(client, q.type, { namespace: listNs, ...(args.selector ? { labelSelector: args.selector } : {}) });
    for (const o of items) out.push({ type: q.type, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '', object: o });
  }
  return out;
}
