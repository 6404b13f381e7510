// skiffctl expose TYPE NAME --port P: a Service selecting what the object selects (a Deployment's or
// ReplicaSet's matchLabels, a Service's selector, a Pod's labels), with the object's labels, as
// kubectl's expose generator builds it.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError, UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import type { Loose } from '../printers/column.js';
import { parseResourceArgs } from '../resource-args.js';
import { createGenerated, type GeneratedArgs } from './create-generated.js';

export interface ExposeArgs extends GeneratedArgs {
  resources: string[];
  namespace: string;
  port?: string;
  targetPort?: string;
  protocol?: string;
  type?: string;
  name?: string;
  selector?: string;
}

interface Exposable {
  selector(o: Loose): Record<string, string> | undefined;
  /** The pod spec, for ports when --port is not given. */
  podSpec(o: Loose): Loose | undefined;
}

const fromTemplate: Exposable = {
  selector: (o) => {
    if ((o.spec?.selector?.matchExpressions ?? []).length > 0) throw new CliError(`couldn't convert expressions - "${JSON.stringify(o.spec.selector.matchExpressions)}" to map-based selector format`);
    return o.spec?.selector?.matchLabels;
  },
  podSpec: (o) => o.spec?.template?.spec,
};

/** What each kind exposes. */
const EXPOSABLE: Record<string, Exposable> = {
  deployments: fromTemplate,
  replicasets: fromTemplate,
  services: { selector: (o) => o.spec?.selector, podSpec: () => undefined },
  pods: { selector: (o) => o.metadata?.labels, podSpec: (o) => o.spec },
};

const parseSelector = (s: string): Record<string, string> =>
  Object.fromEntries(
    s.split(',').map((kv) => {
      const [k, v] = kv.split('=');
      if (!k || v === undefined) throw new UsageError(`invalid selector "${s}": expose takes key=value pairs`);
      return [k.trim(), v.trim()];
    }),
  );

const intOrString = (s: string): number | string => (/^\d+$/.test(s) ? Number(s) : s);

export function serviceFor(obj: KObject, how: Exposable, args: ExposeArgs): KObject {
  const o = obj as Loose;
  const selector = args.selector ? parseSelector(args.selector) : how.selector(o);
  if (!selector || Object.keys(selector).length === 0) {
    throw new CliError(`couldn't retrieve selectors via --selector flag or introspection: the ${obj.kind} "${obj.metadata.name}" has no selector`);
  }
  let ports: Loose[];
  if (args.port !== undefined) {
    ports = [{ port: Number(args.port), protocol: args.protocol ?? 'TCP', targetPort: intOrString(args.targetPort ?? args.port) }];
  } else {
    const found = ((how.podSpec(o)?.containers ?? []) as Loose[]).flatMap((c) => (c.ports ?? []) as Loose[]);
    if (found.length === 0) throw new CliError("couldn't find port via --port flag or introspection");
    ports = found.map((p, i) => ({
      ...(found.length > 1 ? { name: `port-${i + 1}` } : {}),
      port: p.containerPort,
      protocol: args.protocol ?? p.protocol ?? 'TCP',
      targetPort: args.targetPort !== undefined ? intOrString(args.targetPort) : p.containerPort,
    }));
  }
  if (ports.some((p) => !Number.isInteger(p.port) || p.port <= 0)) throw new UsageError(`invalid --port "${args.port}": must be a port number`);
  const labels = obj.metadata.labels;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: args.name ?? obj.metadata.name ?? '', namespace: args.namespace, ...(labels ? { labels } : {}) },
    spec: { selector, ports, ...(args.type ? { type: args.type } : {}) },
  } as KObject;
}

export async function expose(client: Client, args: ExposeArgs, io: Io): Promise<number> {
  const queries = parseResourceArgs(args.resources, 'expose');
  const names = queries.flatMap((q) => q.names.map((n) => ({ type: q.type, name: n })));
  if (names.length !== 1) throw new UsageError('expose takes exactly one object: TYPE NAME or TYPE/NAME');
  const { type, name } = names[0]!;
  const how = EXPOSABLE[type.resource];
  if (!how) throw new CliError(`cannot expose a ${type.kind}`);
  const obj = await client.get(type.resource, args.namespace, name);
  return createGenerated(client, serviceFor(obj, how, args), args, io, 'exposed');
}
