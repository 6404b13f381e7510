// skiffctl delete: by name, by -f, by -l selector or --all; --cascade, --grace-period,
// --ignore-not-found. A selector or --all is one DeleteCollection call. Prints `deployment.apps "web" deleted` for each.
import { isApiError, type KObject, type ResourceType } from '@skiff/api';
import type { Client, DeleteCollectionOptions, DeleteOptions } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { err, out, printError } from '../io-lines.js';
import { listAll } from '../list-all.js';
import { loadManifestObjects } from '../manifest-objects.js';
import { parseResourceArgs } from '../resource-args.js';
import { objectRef, singularRef } from '../resources.js';
import { dryRunSuffix, type DryRun } from './apply.js';

export interface DeleteArgs {
  resources: string[];
  filenames?: string[];
  recursive?: boolean;
  namespace?: string;
  defaultNamespace: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  /** background (default), foreground, orphan; also kubectl's legacy true/false. */
  cascade?: string;
  /** Seconds; negative: the object's own default. */
  gracePeriod?: number;
  /** --now: grace period 1. */
  now?: boolean;
  ignoreNotFound?: boolean;
  dryRun?: DryRun;
  output?: string;
}

interface Target {
  type: ResourceType;
  namespace: string;
  name: string;
}

export function propagationPolicy(cascade: string | undefined): DeleteOptions['propagationPolicy'] {
  switch (cascade ?? 'background') {
    case 'background':
    case 'true':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'orphan':
    case 'false':
      return 'Orphan';
    default:
      throw new UsageError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan".`);
  }
}

export async function del(client: Client, args: DeleteArgs, io: Io): Promise<number> {
  const opts: DeleteOptions = { propagationPolicy: propagationPolicy(args.cascade) };
  if (args.now) opts.gracePeriodSeconds = 1;
  else if (args.gracePeriod !== undefined && args.gracePeriod >= 0) opts.gracePeriodSeconds = args.gracePeriod;
  if (args.dryRun === 'server') opts.dryRun = true;
  const namespace = args.namespace || args.defaultNamespace;

  const targets: Target[] = [];
  let failed = false;
  let matched = 0;
  if (args.filenames && args.filenames.length > 0) {
    if (args.resources.length > 0) throw new UsageError('when paths or filenames are given, no resource type or name may be given as argument');
    const objects = await loadManifestObjects(
      args.filenames,
      { recursive: !!args.recursive, stdin: io.stdin },
      { ...(args.namespace ? { flag: args.namespace } : {}), fallback: args.defaultNamespace },
      { structure: false },
    );
    for (const m of objects) targets.push({ type: m.type, namespace: m.namespace, name: m.name });
  } else {
    const queries = parseResourceArgs(args.resources, 'delete');
    const bySelector = !!(args.selector || args.fieldSelector || args.all);
    for (const q of queries) {
      if (q.names.length > 0 && bySelector) throw new UsageError('name cannot be provided when a selector or --all is specified');
      if (q.names.length === 0 && !bySelector) {
        throw new UsageError('resource(s) were provided, but no name was specified');
      }
      if (q.names.length > 0) {
        if (args.allNamespaces && q.type.namespaced) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
        for (const name of q.names) targets.push({ type: q.type, namespace: q.type.namespaced ? namespace : '', name });
        continue;
      }
      const selected = await deleteSelected(client, q.type, {
        namespace: q.type.namespaced && !args.allNamespaces ? namespace : '',
        ...(args.selector ? { labelSelector: args.selector } : {}),
        ...(args.fieldSelector ? { fieldSelector: args.fieldSelector } : {}),
        ...opts,
      }, args.dryRun === 'client');
      for (const o of selected) printDeleted(io, args, q.type, o.metadata.name ?? '');
      matched += selected.length;
    }
    if (targets.length === 0 && matched === 0) {
      err(io, 'No resources found');
      return 0;
    }
  }

  for (const t of targets) {
    try {
      if (args.dryRun !== 'client') await client.delete(t.type.resource, t.namespace, t.name, opts);
      printDeleted(io, args, t.type, t.name);
    } catch (e) {
      if (args.ignoreNotFound && isApiError(e, 'NOT_FOUND')) continue;
      failed = true;
      printError(io, e);
    }
  }
  return failed ? 1 : 0;
}

/**
 * One DeleteCollection call for a selector or --all (the server deletes what it lists, in list
 * order); a client-side dry run only lists what would go.
 */
async function deleteSelected(client: Client, type: ResourceType, opts: DeleteCollectionOptions, clientDryRun: boolean): Promise<KObject[]> {
  if (clientDryRun) {
    const { namespace, labelSelector, fieldSelector } = opts;
    return (await listAll(client, type, { namespace, ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) })).items;
  }
  return (await client.deleteCollection(type.resource, opts)).map((r) => r.object);
}

function printDeleted(io: Io, args: DeleteArgs, type: ResourceType, name: string): void {
  out(io, args.output === 'name' ? objectRef(type, name) : `${singularRef(type)} "${name}" deleted${dryRunSuffix(args.dryRun)}`);
}
