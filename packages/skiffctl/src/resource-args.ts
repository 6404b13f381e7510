// Positional arguments as kubectl reads them: `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...`.
import type { ResourceType } from '@skiff/api';
import { UsageError } from './cli-error.js';
import { resolveType } from './resources.js';

export interface ResourceQuery {
  type: ResourceType;
  /** Empty: every object of the type (subject to selectors). */
  names: string[];
}

/** What `all` means, as kubectl's category: the workloads and their services. */
const ALL = ['pods', 'services', 'deployments', 'replicasets'];

export function parseResourceArgs(args: readonly string[], verb: string): ResourceQuery[] {
  if (args.length === 0) throw new UsageError(`You must specify the type of resource to ${verb}.`);
  const queries: ResourceQuery[] = [];
  const add = (type: ResourceType, names: string[]): void => {
    const q = queries.find((x) => x.type === type);
    if (q) q.names.push(...names.filter((n) => !q.names.includes(n)));
    else queries.push({ type, names: [...names] });
  };
  if (args.some((a) => a.includes('/'))) {
    for (const a of args) {
      const i = a.indexOf('/');
      if (i <= 0 || i === a.length - 1) {
        throw new UsageError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'skiffctl ${verb} resource/<resource_name>' instead of 'skiffctl ${verb} resource resource/<resource_name>')`);
      }
      add(resolveType(a.slice(0, i)), [a.slice(i + 1)]);
    }
    return queries;
  }
  const [types, ...names] = args as [string, ...string[]];
  for (const t of types.split(',').filter(Boolean)) {
    if (t === 'all') for (const x of ALL) add(resolveType(x), names);
    else add(resolveType(t), names);
  }
  if (queries.length === 0) throw new UsageError(`You must specify the type of resource to ${verb}.`);
  return queries;
}
