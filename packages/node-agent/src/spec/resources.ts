// cpu and memory of a container to the engine's cgroup settings, as the kubelet does it
// (kuberuntime calculateLinuxResources; cm.MilliCPUToShares, MilliCPUToQuota):
//   shares = request (or the limit when no request is given) * 1024 / 1000, within [2, 262144];
//            no request at all gives the minimum, 2 (Docker would read 0 as "unset", i.e. 1024);
//   quota  = limit * period / 1000 with the 100 ms period, at least 1 ms; no limit, no quota;
//   memory = the limit in bytes; memory+swap = the same (no swap, as the kubelet's NoSwap);
//   oom_score_adj from the QoS class (oom-score.ts).
import { parseQuantity, type ResourceRequirements } from '@skiff/api';
import type { LinuxResources } from '../runtime/runtime.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD_US = 100_000;
export const MIN_QUOTA_US = 1000;

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES;
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

export function milliCPUToQuota(milliCPU: number, periodUs: number): number {
  if (milliCPU === 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milliCPU * periodUs) / 1000));
}

function milli(s: string | undefined): number {
  return s === undefined ? 0 : Number(parseQuantity(s).milli());
}

function bytes(s: string | undefined): number {
  return s === undefined ? 0 : Number(parseQuantity(s).value());
}

export function linuxResources(resources: ResourceRequirements | undefined, oomScoreAdj: number): LinuxResources {
  const cpuRequest = resources?.requests?.cpu;
  const cpuLimit = milli(resources?.limits?.cpu);
  const sharesFrom = cpuRequest === undefined ? cpuLimit : milli(cpuRequest);
  const memory = bytes(resources?.limits?.memory);
  return {
    cpuShares: milliCPUToShares(sharesFrom),
    cpuQuota: milliCPUToQuota(cpuLimit, QUOTA_PERIOD_US),
    cpuPeriod: QUOTA_PERIOD_US,
    memoryLimitBytes: memory,
    memorySwapLimitBytes: memory,
    oomScoreAdj,
  };
}
