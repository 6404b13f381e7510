// Preloaded into the benchmarked apiserver (node --import .../cpu-profile-hook.js): each SIGUSR2
// starts, then stops, a CPU profile through node's inspector (in-process, no port). On start it
// writes `<SKIFF_BENCH_PROFILE>.started`; on stop the profile goes to `<SKIFF_BENCH_PROFILE>` (written
// to a temporary name, then renamed, so the benchmark sees it whole). Nothing else in the apiserver
// changes; the benchmark reads the profile with cpu-profile.ts.
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.SKIFF_BENCH_PROFILE;
if (out) {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  let running = false;
  const toggle = async (): Promise<void> => {
    if (!running) {
      running = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      writeFileSync(`${out}.started`, '');
      return;
    }
    running = false;
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    await post('Profiler.disable');
    writeFileSync(`${out}.tmp`, JSON.stringify(profile));
    renameSync(`${out}.tmp`, out);
  };
  process.on('SIGUSR2', () => {
    toggle().catch((e: unknown) => process.stderr.write(`cpu-profile-hook: ${String(e)}\n`));
  });
}

// With SKIFF_BENCH_DIAG=<file>: once a second, one JSON line appended to <file> with the event
// loop's delay over that second (perf_hooks.monitorEventLoopDelay: max and p99, ms) and the garbage
// collections in it (count and pause ms by kind, from the 'gc' performance entries), and the heap
// in use (all of it, and the old generation's part): to tell whether a latency tail lines up with a collection or with something else.
const diag = process.env.SKIFF_BENCH_DIAG;
if (diag) {
  const { appendFileSync } = await import('node:fs');
  const { monitorEventLoopDelay, PerformanceObserver, constants } = await import('node:perf_hooks');
  const { getHeapSpaceStatistics } = await import('node:v8');
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  let gcs: Record<string, { n: number; ms: number; maxMs: number }> = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[((e as unknown as { detail: { kind: number } }).detail).kind] ?? 'other';
      const g = (gcs[kind] ??= { n: 0, ms: 0, maxMs: 0 });
      g.n++;
      g.ms += e.duration;
      g.maxMs = Math.max(g.maxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = Date.now();
  // The old generation in use (old, code, large-object spaces): its growth between full collections is what the young generation promoted.
  const old = (): number => getHeapSpaceStatistics().reduce((n, s) => (s.space_name.startsWith('new_') ? n : n + s.space_used_size), 0) / 2 ** 20;
  setInterval(() => {
    const r = (v: number): number => Math.round(v * 10) / 10;
    for (const g of Object.values(gcs)) {
      g.ms = r(g.ms);
      g.maxMs = r(g.maxMs);
    }
    const line = { t: Math.round((Date.now() - t0) / 1000), at: Date.now(), eldMaxMs: r(h.max / 1e6), eldP99Ms: r(h.percentile(99) / 1e6), gc: gcs, heapMb: r(process.memoryUsage().heapUsed / 2 ** 20), oldMb: r(old()) };
    appendFileSync(diag, JSON.stringify(line) + '\n');
    h.reset();
    gcs = {};
  }, 1000).unref();
}
