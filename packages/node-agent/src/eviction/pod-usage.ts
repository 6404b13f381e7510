// What the pods of the node use, for the eviction manager: every running container's memory working
// set from the runtime's stats (Docker's one-shot stats), by pod uid. Disk usage per container is
// not measured (Docker gives it only with a costly size listing): under disk pressure pods rank by
// priority alone.
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { PodUsageFigures } from './pressure-eviction.js';

export async function podMemoryUsage(runtime: ContainerRuntime): Promise<Map<string, PodUsageFigures>> {
  const running = (await runtime.listContainers()).filter((c) => c.state === 'running');
  const samples = await Promise.all(running.map(async (c) => ({ c, s: await runtime.containerStats(c.id).catch(() => undefined) })));
  const out = new Map<string, PodUsageFigures>();
  for (const { c, s } of samples) {
    if (!s) continue; // stopped meanwhile
    const p = out.get(c.pod.uid) ?? { containers: [] };
    p.containers.push({ name: c.name, memoryBytes: s.memoryWorkingSetBytes });
    out.set(c.pod.uid, p);
  }
  return out;
}
