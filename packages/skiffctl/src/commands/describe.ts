// skiffctl describe: a readable account of objects and their recent events. A name that matches no
// object exactly describes every object whose name starts with it, as kubectl does.
import { isApiError, notFound, type KObject, type ResourceType } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import { events, header } from '../describe/common.js';
import { describerFor } from '../describe/registry.js';
import { DescribeWriter } from '../describe/writer.js';
import type { Io } from '../io.js';
import { err, printError } from '../io-lines.js';
import { listAll, withTypeMeta } from '../list-all.js';
import { loadManifestObjects } from '../manifest-objects.js';
import { noResourcesMessage } from '../printers/no-resources.js';
import { parseResourceArgs } from '../resource-args.js';
import { pluralRef } from '../resources.js';

export interface DescribeArgs {
  resources: string[];
  filenames?: string[];
  recursive?: boolean;
  namespace?: string;
  defaultNamespace: string;
  allNamespaces?: boolean;
  selector?: string;
  /** --show-events (default true). */
  showEvents?: boolean;
  now?: () => number;
}

export async function describe(client: Client, args: DescribeArgs, io: Io): Promise<number> {
  const namespace = args.allNamespaces ? '' : args.namespace || args.defaultNamespace;
  const found: { type: ResourceType; obj: KObject }[] = [];
  let failed = false;
  if (args.filenames && args.filenames.length > 0) {
    const objects = await loadManifestObjects(
      args.filenames,
      { recursive: !!args.recursive, stdin: io.stdin },
      { ...(args.namespace ? { flag: args.namespace } : {}), fallback: args.defaultNamespace },
      { structure: false },
    );
    for (const m of objects) {
      try {
        found.push({ type: m.type, obj: await client.get(m.type.resource, m.namespace, m.name) });
      } catch (e) {
        failed = true;
        printError(io, e);
      }
    }
  } else {
    for (const q of parseResourceArgs(args.resources, 'describe')) {
      const ns = q.type.namespaced ? namespace : '';
      if (q.names.length === 0) {
        const { items } = await listAll(client, q.type, { namespace: ns, ...(args.selector ? { labelSelector: args.selector } : {}) });
        if (items.length === 0) err(io, noResourcesMessage([q], ns));
        for (const obj of items) found.push({ type: q.type, obj });
        continue;
      }
      if (args.allNamespaces && q.type.namespaced) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
      for (const name of q.names) {
        try {
          found.push(...(await byNameOrPrefix(client, q.type, ns, name)).map((obj) => ({ type: q.type, obj })));
        } catch (e) {
          failed = true;
          printError(io, e);
        }
      }
    }
  }
  const now = (args.now ?? Date.now)();
  let first = true;
  for (const { type, obj } of found) {
    if (!first) io.stdout.write('\n\n');
    first = false;
    io.stdout.write(await describeOne(client, type, withTypeMeta(obj, type), now, args.showEvents !== false));
  }
  return failed ? 1 : 0;
}

async function byNameOrPrefix(client: Client, type: ResourceType, namespace: string, name: string): Promise<KObject[]> {
  try {
    return [await client.get(type.resource, namespace, name)];
  } catch (e) {
    if (!isApiError(e, 'NOT_FOUND')) throw e;
    const { items } = await listAll(client, type, { namespace });
    const matches = items.filter((o) => (o.metadata.name ?? '').startsWith(name));
    if (matches.length === 0) throw notFound(pluralRef(type), name);
    return matches;
  }
}

/** The description of one object, events included. */
export async function describeOne(client: Client, type: ResourceType, obj: KObject, now: number, showEvents = true): Promise<string> {
  const w = new DescribeWriter();
  header(w, obj, now, { namespaced: type.namespaced });
  await describerFor(type.kind)(obj, { client, now, w });
  if (showEvents && type.kind !== 'Event') events(w, await eventsOf(client, obj), now);
  return w.toString();
}

/** The events about an object: by name in its namespace, then matched on kind and uid. */
export async function eventsOf(client: Client, obj: KObject): Promise<KObject[]> {
  try {
    const { items } = await client.list('events', {
      namespace: obj.metadata.namespace || 'default',
      fieldSelector: `involvedObject.name=${obj.metadata.name}`,
    });
    return items.filter((e) => {
      const ref = (e as { involvedObject?: { kind?: string; uid?: string } }).involvedObject ?? {};
      return (!ref.kind || ref.kind === obj.kind) && (!ref.uid || !obj.metadata.uid || ref.uid === obj.metadata.uid);
    });
  } catch {
    return [];
  }
}
