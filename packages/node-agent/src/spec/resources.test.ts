import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRequirements } from '@skiff/api';
import { oomScoreAdj } from './oom-score.js';
import type { QOSClass } from './qos.js';
import { linuxResources, milliCPUToQuota, milliCPUToShares } from './resources.js';

void describe('milliCPUToShares and milliCPUToQuota', () => {
  const cases: { name: string; milli: number; shares: number; quota: number }[] = [
    { name: 'zero: minimum shares, no quota', milli: 0, shares: 2, quota: 0 },
    { name: '1m: shares floor at 2, quota at 1ms', milli: 1, shares: 2, quota: 1000 },
    { name: '100m', milli: 100, shares: 102, quota: 10000 },
    { name: '500m', milli: 500, shares: 512, quota: 50000 },
    { name: '1 cpu', milli: 1000, shares: 1024, quota: 100000 },
    { name: '2.5 cpus', milli: 2500, shares: 2560, quota: 250000 },
    { name: 'beyond the shares maximum', milli: 300_000, shares: 262144, quota: 30_000_000 },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      assert.equal(milliCPUToShares(c.milli), c.shares);
      assert.equal(milliCPUToQuota(c.milli, 100_000), c.quota);
    });
  }
});

void describe('linuxResources', () => {
  const cases: { name: string; r?: ResourceRequirements; want: { cpuShares: number; cpuQuota: number; memoryLimitBytes: number } }[] = [
    { name: 'nothing', want: { cpuShares: 2, cpuQuota: 0, memoryLimitBytes: 0 } },
    { name: 'request only', r: { requests: { cpu: '250m', memory: '64Mi' } }, want: { cpuShares: 256, cpuQuota: 0, memoryLimitBytes: 0 } },
    { name: 'limit only: shares from the limit', r: { limits: { cpu: '1', memory: '128Mi' } }, want: { cpuShares: 1024, cpuQuota: 100000, memoryLimitBytes: 134217728 } },
    { name: 'request and limit', r: { requests: { cpu: '100m' }, limits: { cpu: '200m', memory: '1G' } }, want: { cpuShares: 102, cpuQuota: 20000, memoryLimitBytes: 1_000_000_000 } },
    { name: 'explicit zero request with a limit', r: { requests: { cpu: '0' }, limits: { cpu: '1' } }, want: { cpuShares: 2, cpuQuota: 100000, memoryLimitBytes: 0 } },
    { name: 'fractional memory rounds up', r: { limits: { memory: '1.5Ki' } }, want: { cpuShares: 2, cpuQuota: 0, memoryLimitBytes: 1536 } },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const got = linuxResources(c.r, 0);
      assert.deepEqual({ cpuShares: got.cpuShares, cpuQuota: got.cpuQuota, memoryLimitBytes: got.memoryLimitBytes }, c.want);
      assert.equal(got.cpuPeriod, 100_000);
      assert.equal(got.memorySwapLimitBytes, got.memoryLimitBytes, 'no swap');
    });
  }
});

void describe('oomScoreAdj', () => {
  const gi = 1024 ** 3;
  const cases: { name: string; qos: QOSClass; request?: string; floor?: number; want: number }[] = [
    { name: 'guaranteed', qos: 'Guaranteed', want: -997 },
    { name: 'best effort', qos: 'BestEffort', want: 1000 },
    { name: 'burstable with a quarter of the memory', qos: 'Burstable', request: '1Gi', want: 750 },
    { name: 'burstable without memory request', qos: 'Burstable', want: 999 },
    { name: 'burstable requesting everything', qos: 'Burstable', request: '4Gi', want: 3 },
    { name: 'burstable requesting more than the node has', qos: 'Burstable', request: '8Gi', want: 3 },
    { name: 'a floor of 0 for a node that cannot lower scores', qos: 'Guaranteed', floor: 0, want: 0 },
  ];
  for (const c of cases) {
    void it(c.name, () => assert.equal(oomScoreAdj(c.qos, c.request ? { requests: { memory: c.request } } : undefined, 4 * gi, c.floor), c.want));
  }
});
