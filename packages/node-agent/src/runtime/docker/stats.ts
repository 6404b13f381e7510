// A container's usage from the engine's stats endpoint (one sample, stream=false): Docker reads the
// cgroup twice about a second apart, so the cpu rate is the delta between `precpu_stats` and
// `cpu_stats` over the time between `preread` and `read`; the working set is the memory usage
// minus the inactive file pages (cgroup v1 `total_inactive_file`, v2 `inactive_file`), as the kubelet.
import type Docker from 'dockerode';
import type { ContainerUsageSample } from '../runtime.js';
import { engineCall } from './engine-errors.js';

export interface EngineStats {
  read?: string;
  preread?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  precpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

export function usageFromStats(s: EngineStats): ContainerUsageSample {
  const readMs = Date.parse(s.read ?? '');
  const prereadMs = Date.parse(s.preread ?? '');
  const cpu = s.cpu_stats?.cpu_usage?.total_usage ?? 0;
  const precpu = s.precpu_stats?.cpu_usage?.total_usage ?? 0;
  // the time stamps carry nanoseconds; milliseconds are precise enough for a window of ~1 s
  const windowSeconds = Number.isFinite(readMs) && Number.isFinite(prereadMs) && readMs > prereadMs && precpu > 0 ? (readMs - prereadMs) / 1000 : 0;
  const cpuNanoCores = windowSeconds > 0 && cpu >= precpu ? Math.round((cpu - precpu) / windowSeconds) : 0;
  const m = s.memory_stats ?? {};
  const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0;
  const usage = m.usage ?? 0;
  return { cpuNanoCores, memoryWorkingSetBytes: Math.max(0, usage - inactive), windowSeconds, timeMs: Number.isFinite(readMs) ? readMs : Date.now() };
}

export async function engineStats(c: Docker.Container): Promise<ContainerUsageSample> {
  const s = (await engineCall(`stats of ${c.id}`, () => c.stats({ stream: false }))) as EngineStats;
  return usageFromStats(s);
}
