// skiffctl get: tables (default, -o wide), -o yaml|json|name, selectors, -A, -f, -w.
import { isApiError, type KObject, type ResourceType } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { err, out, printError } from '../io-lines.js';
import { listAll, withTypeMeta } from '../list-all.js';
import { loadManifestObjects } from '../manifest-objects.js';
import { parseOutputFormat, type OutputFormat } from '../output-format.js';
import { eventLastSeen } from '../printers/cluster-columns.js';
import { renderStructured } from '../printers/structured.js';
import { noResourcesMessage } from '../printers/no-resources.js';
import { renderTable, type TableOptions } from '../printers/table.js';
import { parseResourceArgs, type ResourceQuery } from '../resource-args.js';
import type { GetArgs } from './get-args.js';
import { watchResource } from './get-watch.js';

export type { GetArgs } from './get-args.js';

interface Group {
  type: ResourceType;
  items: KObject[];
}

export async function get(client: Client, args: GetArgs, io: Io): Promise<number> {
  const format = parseOutputFormat(args.output);
  const namespace = args.allNamespaces ? '' : args.namespace || args.defaultNamespace;
  if (args.watch || args.watchOnly) return watchResource(client, args, format, namespace, io);

  let failed = false;
  let groups: Group[];
  let single = false;
  let listed = false;
  if (args.filenames && args.filenames.length > 0) {
    if (args.resources.length > 0) throw new UsageError('when paths or filenames are given, no resource type or name may be given as argument');
    groups = [];
    const objects = await loadManifestObjects(
      args.filenames,
      { recursive: !!args.recursive, stdin: io.stdin },
      { ...(args.namespace ? { flag: args.namespace } : {}), fallback: args.defaultNamespace },
      { structure: false },
    );
    for (const m of objects) {
      try {
        addTo(groups, m.type, [withTypeMeta(await client.get(m.type.resource, m.namespace, m.name), m.type)]);
      } catch (e) {
        failed = true;
        printError(io, e);
      }
    }
    single = objects.length === 1;
  } else {
    const queries = parseResourceArgs(args.resources, 'get');
    groups = [];
    for (const q of queries) {
      try {
        const r = await fetch(client, q, namespace, args, io);
        if (!r.ok) failed = true;
        addTo(groups, q.type, r.items);
        if (q.names.length === 0) listed = true;
      } catch (e) {
        failed = true;
        printError(io, e);
      }
    }
    single = queries.length === 1 && queries[0]!.names.length === 1;
  }

  const total = groups.reduce((n, g) => n + g.items.length, 0);
  if (format === 'yaml' || format === 'json' || format === 'name') {
    const all = groups.flatMap((g) => g.items);
    if (format !== 'name' || all.length > 0) io.stdout.write(renderStructured(format, all, single));
  } else if (total > 0) {
    printTables(groups, format, args, io);
  }
  if (total === 0 && listed && !failed && format !== 'yaml' && format !== 'json') {
    err(io, noResourcesMessage(groups, namespace));
  }
  return failed ? 1 : 0;
}

function addTo(groups: Group[], type: ResourceType, items: KObject[]): void {
  const g = groups.find((x) => x.type === type);
  if (g) g.items.push(...items);
  else groups.push({ type, items });
}

/**
 * The objects of one query. `ok` is false when a named object failed (reported already); what was
 * found is still printed, as kubectl does.
 */
async function fetch(client: Client, q: ResourceQuery, namespace: string, args: GetArgs, io: Io): Promise<{ items: KObject[]; ok: boolean }> {
  if (q.names.length === 0) {
    const { items } = await listAll(
      client,
      q.type,
      {
        namespace: q.type.namespaced ? namespace : '',
        ...(args.selector ? { labelSelector: args.selector } : {}),
        ...(args.fieldSelector ? { fieldSelector: args.fieldSelector } : {}),
      },
      args.chunkSize,
    );
    if (q.type.kind === 'Event') items.sort((a, b) => Date.parse(eventLastSeen(a) ?? '') - Date.parse(eventLastSeen(b) ?? ''));
    return { items, ok: true };
  }
  if (args.allNamespaces && q.type.namespaced) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  const items: KObject[] = [];
  let ok = true;
  for (const name of q.names) {
    try {
      items.push(withTypeMeta(await client.get(q.type.resource, namespace, name), q.type));
    } catch (e) {
      if (args.ignoreNotFound && isApiError(e, 'NOT_FOUND')) continue;
      ok = false;
      printError(io, e);
    }
  }
  return { items, ok };
}

function printTables(groups: Group[], format: OutputFormat, args: GetArgs, io: Io): void {
  const withKind = groups.length > 1;
  const now = (args.now ?? Date.now)();
  const opts: TableOptions = {
    wide: format === 'wide',
    namespaceColumn: !!args.allNamespaces,
    withKind,
    showLabels: !!args.showLabels,
    noHeaders: !!args.noHeaders,
    now,
  };
  const blocks = groups.filter((g) => g.items.length > 0).map((g) => renderTable(g.type, g.items, opts).text);
  out(io, blocks.join('\n').replace(/\n$/, ''));
}

