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
