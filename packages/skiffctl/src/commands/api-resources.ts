// skiffctl api-resources: the resource types the server serves, from discovery.
import type { APIResourceInfo, Client } from '@skiff/machinery';
import type { Io } from '../io.js';
import { layoutRows } from '../printers/table-layout.js';

export interface ApiResourcesArgs {
  /** --namespaced=true|false filters by scope. */
  namespaced?: boolean;
  /** "name" prints `deployments.apps` lines; "wide" adds VERBS. */
  output?: string;
  noHeaders?: boolean;
}

export async function apiResources(client: Client, args: ApiResourcesArgs, io: Io): Promise<number> {
  const d = await client.discovery();
  const rs = d.resources
    .filter((r) => args.namespaced === undefined || r.namespaced === args.namespaced)
    .sort((a, b) => (a.group === b.group ? a.name.localeCompare(b.name) : a.group.localeCompare(b.group)));
  if (args.output === 'name') {
    for (const r of rs) io.stdout.write(`${r.group ? `${r.name}.${r.group}` : r.name}\n`);
    return 0;
  }
  const wide = args.output === 'wide';
  const rows = rs.map((r) => row(r, wide));
  if (!args.noHeaders) rows.unshift(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS'] : [])]);
  io.stdout.write(layoutRows(rows).text);
  return 0;
}

function row(r: APIResourceInfo, wide: boolean): string[] {
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  const cells = [r.name, r.shortNames.join(','), apiVersion, String(r.namespaced), r.kind];
  if (wide) cells.push(`[${r.verbs.join(' ')}]`);
  return cells;
}
