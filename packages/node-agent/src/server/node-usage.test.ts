import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { usageFromStats } from '../runtime/docker/stats.js';
import { cpuNanoCores, parseMeminfo, parseProcStat } from './node-usage.js';

describe('/proc parsing', () => {
  it('parseProcStat: busy is everything but idle and iowait', () => {
    assert.deepEqual(parseProcStat('cpu  100 5 50 1000 20 3 2 0 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\n'), { busy: 160, total: 1180 });
    assert.throws(() => parseProcStat('intr 1 2 3\n'), /no cpu line/);
  });

  const meminfo: [string, string, { totalBytes: number; workingSetBytes: number }][] = [
    ['MemAvailable', 'MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    400 kB\nCached:   200 kB\n', { totalBytes: 1024000, workingSetBytes: 614400 }],
    ['an old kernel without MemAvailable', 'MemTotal:       1000 kB\nMemFree:         100 kB\nCached:   200 kB\n', { totalBytes: 1024000, workingSetBytes: 716800 }],
  ];
  for (const [name, text, want] of meminfo) it(`parseMeminfo: ${name}`, () => assert.deepEqual(parseMeminfo(text), want));

  const cpu: [string, number, number, number, number][] = [
    ['one core busy for a second (100 ticks)', 0, 100, 1, 1_000_000_000],
    ['half a core over two seconds', 0, 100, 2, 500_000_000],
    ['no window', 0, 100, 0, 0],
    ['counters that went back', 100, 50, 1, 0],
  ];
  for (const [name, before, after, seconds, want] of cpu) {
    it(`cpuNanoCores: ${name}`, () => assert.equal(cpuNanoCores({ busy: before, total: 0 }, { busy: after, total: 0 }, seconds), want));
  }
});

describe('usageFromStats (Docker stats, stream=false)', () => {
  const cases: { name: string; stats: Parameters<typeof usageFromStats>[0]; cpu: number; mem: number }[] = [
    {
      name: 'a quarter core over one second, cgroup v1 working set',
      stats: { read: '2026-12-03T10:00:01.000Z', preread: '2026-12-03T10:00:00.000Z', cpu_stats: { cpu_usage: { total_usage: 1_250_000_000 } }, precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 } }, memory_stats: { usage: 10_000, stats: { total_inactive_file: 4_000 } } },
      cpu: 250_000_000,
      mem: 6_000,
    },
    {
      name: 'cgroup v2 inactive_file',
      stats: { read: '2026-12-03T10:00:01.000Z', preread: '2026-12-03T10:00:00.500Z', cpu_stats: { cpu_usage: { total_usage: 2_000 } }, precpu_stats: { cpu_usage: { total_usage: 1_000 } }, memory_stats: { usage: 5_000, stats: { inactive_file: 1_000 } } },
      cpu: 2_000,
      mem: 4_000,
    },
    {
      name: 'no previous sample (a container just started): no rate',
      stats: { read: '2026-12-03T10:00:01.000Z', preread: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 5_000 } }, precpu_stats: { cpu_usage: { total_usage: 0 } }, memory_stats: { usage: 100 } },
      cpu: 0,
      mem: 100,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const u = usageFromStats(c.stats);
      assert.deepEqual({ cpu: u.cpuNanoCores, mem: u.memoryWorkingSetBytes }, { cpu: c.cpu, mem: c.mem });
    });
  }
});
