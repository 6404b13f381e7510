// skiffctl top pods|nodes: cpu and memory usage as kubectl top prints it (cpu in millicores "12m",
// memory in mebibytes "5Mi"; nodes with percentages of their allocatable), from TopPods/TopNodes.
import { toMilli, type Node } from '@skiff/api';
import type { Client, NodeUsage, PodUsage, StreamClient } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { err, printWarnings } from '../io-lines.js';
import { layoutRows } from '../printers/table-layout.js';

export const cpuCell = (nanoCores: number): string => `${Math.round(nanoCores / 1e6)}m`;
export const memoryCell = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))}Mi`;

function percent(used: number, allocatable: number): string {
  return allocatable > 0 ? `${Math.round((used / allocatable) * 100)}%` : '<unknown>';
}

export type SortBy = 'cpu' | 'memory';

function sortBy(by: string | undefined): SortBy | undefined {
  if (by === undefined) return undefined;
  if (by !== 'cpu' && by !== 'memory') throw new UsageError(`--sort-by accepts only cpu or memory, not "${by}"`);
  return by;
}

const podCpu = (p: PodUsage) => p.containers.reduce((s, c) => s + c.cpuNanoCores, 0);
const podMemory = (p: PodUsage) => p.containers.reduce((s, c) => s + c.memoryWorkingSetBytes, 0);

export interface TopPodsArgs {
  namespace: string;
  allNamespaces?: boolean;
  name?: string;
  selector?: string;
  containers?: boolean;
  noHeaders?: boolean;
  sortBy?: string;
}

/** The table of `top pods` (pure). */
export function podsTable(items: PodUsage[], a: TopPodsArgs): string[][] {
  const by = sortBy(a.sortBy);
  const pods = [...items];
  if (by) pods.sort((x, y) => (by === 'cpu' ? podCpu(y) - podCpu(x) : podMemory(y) - podMemory(x)));
  const ns = a.allNamespaces ? ['NAMESPACE'] : [];
  const rows: string[][] = [];
  if (a.containers) {
    if (!a.noHeaders) rows.push([...ns, 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    for (const p of pods) for (const c of p.containers) rows.push([...(a.allNamespaces ? [p.namespace] : []), p.name, c.name, cpuCell(c.cpuNanoCores), memoryCell(c.memoryWorkingSetBytes)]);
  } else {
    if (!a.noHeaders) rows.push([...ns, 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    for (const p of pods) rows.push([...(a.allNamespaces ? [p.namespace] : []), p.name, cpuCell(podCpu(p)), memoryCell(podMemory(p))]);
  }
  return rows;
}

export interface TopNodesArgs {
  name?: string;
  selector?: string;
  noHeaders?: boolean;
  sortBy?: string;
}

/** The table of `top nodes` (pure): percentages of each node's allocatable cpu and memory. */
export function nodesTable(items: NodeUsage[], nodes: Node[], a: TopNodesArgs): string[][] {
  const by = sortBy(a.sortBy);
  const list = [...items];
  if (by) list.sort((x, y) => (by === 'cpu' ? y.cpuNanoCores - x.cpuNanoCores : y.memoryWorkingSetBytes - x.memoryWorkingSetBytes));
  const allocatable = new Map(nodes.map((n) => [n.metadata.name ?? '', n.status?.allocatable ?? {}]));
  const rows: string[][] = a.noHeaders ? [] : [['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']];
  for (const u of list) {
    const alloc = allocatable.get(u.name) ?? {};
    const cpuMilli = alloc.cpu ? Number(toMilli(alloc.cpu)) : 0;
    const memBytes = alloc.memory ? Number(toMilli(alloc.memory)) / 1000 : 0;
    rows.push([u.name, cpuCell(u.cpuNanoCores), percent(u.cpuNanoCores / 1e6, cpuMilli), memoryCell(u.memoryWorkingSetBytes), percent(u.memoryWorkingSetBytes, memBytes)]);
  }
  return rows;
}

export async function topPods(stream: StreamClient, a: TopPodsArgs, io: Io): Promise<number> {
  const { response, warnings } = await stream.unary<{ items?: PodUsage[] }>('TopPods', { namespace: a.allNamespaces ? '' : a.namespace, labelSelector: a.selector ?? '', name: a.name ?? '' });
  printWarnings(io, warnings);
  const items = response.items ?? [];
  if (items.length === 0) {
    err(io, a.allNamespaces ? 'No resources found' : `No resources found in ${a.namespace} namespace.`);
    return 0;
  }
  io.stdout.write(layoutRows(podsTable(items, a)).text);
  return 0;
}

export async function topNodes(client: Client, stream: StreamClient, a: TopNodesArgs, io: Io): Promise<number> {
  const { response, warnings } = await stream.unary<{ items?: NodeUsage[] }>('TopNodes', { labelSelector: a.selector ?? '', name: a.name ?? '' });
  printWarnings(io, warnings);
  const items = response.items ?? [];
  if (items.length === 0) {
    err(io, 'error: metrics not available yet');
    return 1;
  }
  const nodes = (await client.list<Node>('nodes', { ...(a.selector ? { labelSelector: a.selector } : {}) })).items;
  io.stdout.write(layoutRows(nodesTable(items, nodes, a)).text);
  return 0;
}
