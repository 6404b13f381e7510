// NodeStats: the node's usage (/proc, sampled over one second) and every running pod's (the
// runtime's per-container samples, taken at the same time), as the kubelet's stats summary.
import { compareStrings } from '@skiff/api';
import type { NodeStatsResponse, PodUsage } from '@skiff/machinery';
import type { ContainerRuntime, ContainerSummary } from '../runtime/runtime.js';
import { cpuNanoCores, parseMeminfo, parseProcStat, readProc, type ReadProc } from './node-usage.js';

export interface StatsOptions {
  nodeName: string;
  runtime: ContainerRuntime;
  readProc?: ReadProc;
  /** the /proc/stat window (default 1000 ms) */
  windowMs?: number;
  now?: () => number;
}

export async function nodeStats(o: StatsOptions): Promise<NodeStatsResponse> {
  const read = o.readProc ?? readProc;
  const now = o.now ?? Date.now;
  const windowMs = o.windowMs ?? 1000;
  const node = (async () => {
    const t0 = now();
    const before = parseProcStat(await read('/proc/stat'));
    await new Promise((r) => setTimeout(r, windowMs));
    const after = parseProcStat(await read('/proc/stat'));
    const seconds = (now() - t0) / 1000;
    const mem = parseMeminfo(await read('/proc/meminfo'));
    return { name: o.nodeName, timestamp: new Date(now()).toISOString(), windowSeconds: seconds, cpuNanoCores: cpuNanoCores(before, after, seconds), memoryWorkingSetBytes: mem.workingSetBytes };
  })();
  const running = (await o.runtime.listContainers()).filter((c) => c.state === 'running');
  const samples = await Promise.all(running.map(async (c) => ({ c, s: await o.runtime.containerStats(c.id).catch(() => undefined) })));
  const pods = new Map<string, PodUsage>();
  for (const { c, s } of samples) {
    if (!s) continue; // stopped meanwhile
    const p = pods.get(c.pod.uid) ?? podEntry(c, s.timeMs, s.windowSeconds);
    pods.set(c.pod.uid, p);
    p.containers.push({ name: c.name, cpuNanoCores: s.cpuNanoCores, memoryWorkingSetBytes: s.memoryWorkingSetBytes });
  }
  const list = [...pods.values()].sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  for (const p of list) p.containers.sort((a, b) => compareStrings(a.name, b.name));
  return { node: await node, pods: list };
}

function podEntry(c: ContainerSummary, timeMs: number, windowSeconds: number): PodUsage {
  return { namespace: c.pod.namespace, name: c.pod.name, uid: c.pod.uid, timestamp: new Date(timeMs).toISOString(), windowSeconds, containers: [] };
}
