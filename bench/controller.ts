// `npm run bench -- controller`: skiff-controller-manager scaling a Deployment from 0 to 3,000 pods,
// then rolling all 3,000 over (maxSurge 25 %, maxUnavailable 25 %), against a real apiserver and
// etcd (child processes) with hollow nodes. In this process: a binder standing in for the scheduler
// and a fake agent marking each bound pod Running and Ready at once (bench/lib/hollow-pods.ts).
// The peer, measured in the same run just before and just after the scale-up: the apiserver's raw
// create rate for the same pods (a closed loop of creates straight through the API, with the same
// binder and fake agent binding them and marking them Ready meanwhile, so both figures carry the same
// per-pod work besides the create). Figures: time to
// all available for both phases; pods per second for the scale-up and the raw peer over the same
// window, as the bench's own watch sees it: from the first pod created to the last of them Ready (the
// agent's write done), so that both windows hold every create, bind and status write of their pods
// (the raw loop runs ahead of the binder and agent: by its last create most of their writes were
// still to come): their ratio is create_ratio_same_work. create_ratio, the issue's figure, is the
// ratio of the create rates: first to last pod seen, both sides (with the share of binds and Ready
// writes done by then); beside them session 13's window (from the scale request; the raw client's
// loop); the controller-manager's peak RSS and CPU seconds. Last
// line: JSON.
//
// The controller-manager runs with --kube-api-qps 0 (no client-side rate limit; its default 50 qps
// would make the limiter, not the controllers, the measure) and --leader-elect=false (one instance;
// on a machine this loaded a renewal may miss its deadline, and a leader that loses its Lease exits).
// The hollow nodes renew their Leases as kubelets do (else the node lifecycle controller would take
// them for silent after 40 s and mark their pods not ready in the middle of a long, loaded run).
// Warm-up before measuring, for both sides: a round of raw creates (not counted), and the
// Deployment scaled to a tenth of N and back to 0 (V8 compiles the hot paths of both then).
// Flags: --replicas N (default 3000), --nodes N (default 30), --profile FILE (a CPU profile of the
// controller-manager during the measured scale-up, written to FILE for Chrome DevTools or
// speedscope; its hottest functions and the share of each package are printed).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Deployment, KObject, Node, Pod } from '@skiff/api';
import { createClient, letHttp2StreamsDieYoung, type Client } from '@skiff/machinery';
import { freePort, procSample, startApiServer, startEtcd, UNLIMITED, type BenchApiServer, type BenchEtcd } from './lib/apiserver-etcd.js';
import { closedLoop, sleep } from './lib/apiserver-load.js';
import { type HollowStats, hollowNode, renewHollowLeases, runHollowPods } from './lib/hollow-pods.js';
import { PodBoundsWatch, rollingBounds } from '@skiff/machinery/testing';
import { CpuProfiler, cpuShare, hotFunctions, profileHook } from './lib/cpu-profile.js';

// Workaround, measured on Node 20: see machinery's http2-release.ts (as every component's main).
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPLICAS = arg('replicas', 3000);
const NODES = arg('nodes', 30);
const pi = process.argv.indexOf('--profile');
const PROFILE = pi >= 0 ? process.argv[pi + 1] : undefined;
const WARM_PODS = Math.max(1, Math.round(REPLICAS / 10));
const RAW_PODS = Math.min(REPLICAS, 1500);
const RAW_CONCURRENCY = 100;
const NS = 'default';
const root = new URL('../..', import.meta.url).pathname;

const fmt = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const log = (s: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

function template(image: string): NonNullable<Deployment['spec']>['template'] {
  return {
    metadata: { labels: { app: 'bench' } },
    spec: { containers: [{ name: 'app', image, resources: { requests: { cpu: '1m', memory: '1Mi' } } }], terminationGracePeriodSeconds: 30 },
  };
}

function rawPod(i: number): KObject {
  const t = template('bench:raw');
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `raw-${i}`, namespace: NS, labels: { app: 'raw' } }, spec: t.spec } as KObject;
}

/**
 * The creates of one phase as the hollow watch saw them, the same observer and window definitions
 * for the raw peer and the scale-up: `rate` from the first to the last pod first seen, with how much
 * of the binder's and agent's work for those pods ended inside that window; `fullRate` from the
 * first pod seen to the last of them Ready (the agent's write done), so that every create, bind and
 * status write of the phase is inside the window on both sides.
 */
interface CreateWindow {
  pods: number;
  /** (pods - 1) per second, first to last sight. */
  rate: number;
  /** first and last sight (performance.now() ms) */
  first: number;
  last: number;
  /** Binds and Ready status writes of these pods that ended inside [first, last], per pod. */
  boundShare: number;
  readyShare: number;
  /** pods per second, first sight to the last of them Ready. */
  fullRate: number;
}

/**
 * Where the scale-up's creates spent their time, from the pods' first sights alone: every sync
 * creates up to 500 (burstReplicas) in slow-start batches, each batch sent once the last of the one
 * before was answered, and a sync's creates start once the last of the sync before is seen by the
 * informer, so the sorted sights fall into syncs and batches in order. Per sync: its first 63 pods
 * (the ramp, batches 1 to 32, five round trips, when the sync starts at a batch of 1: the first
 * sync; the later ones carry the ramp on and start with a batch of up to 256, so there these 63 are
 * the first of that batch), the rest of its pods (the bulk), and the gap to the next sync's first pod;
 * the time from a sync's first sight to its second (a batch of one's round trip when it starts at 1).
 */
function rampShares(sights: number[], burst = 500): { ramp: number; bulk: number; gap: number; single: number[] } {
  const s = [...sights].sort((a, b) => a - b);
  let ramp = 0;
  let bulk = 0;
  let gap = 0;
  const single: number[] = [];
  for (let start = 0; start < s.length; start += burst) {
    const end = Math.min(start + burst, s.length) - 1;
    const rampEnd = Math.min(start + 62, end);
    ramp += s[rampEnd]! - s[start]!;
    bulk += s[end]! - s[rampEnd]!;
    if (start + 1 <= end) single.push(s[start + 1]! - s[start]!);
    if (end + 1 < s.length) gap += s[end + 1]! - s[end]!;
  }
  const all = s[s.length - 1]! - s[0]!;
  return { ramp: ramp / all, bulk: bulk / all, gap: gap / all, single };
}

function createWindow(stats: HollowStats, prefix: string, since: number): CreateWindow {
  const sights = [...stats.created].filter(([k, t]) => k.startsWith(prefix) && t >= since);
  const times = sights.map(([, t]) => t);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const inside = (at: Map<string, number>): number => sights.filter(([k]) => (at.get(k) ?? Infinity) <= last).length / sights.length;
  const lastReady = Math.max(...sights.map(([k]) => stats.readyAt.get(k) ?? NaN));
  return {
    pods: sights.length,
    rate: (sights.length - 1) / ((last - first) / 1000),
    first,
    last,
    boundShare: inside(stats.boundAt),
    readyShare: inside(stats.readyAt),
    fullRate: sights.length / ((lastReady - first) / 1000),
  };
}

/**
 * The apiserver's raw create rate for `n` pods: `loop` as the client saw it (first create sent to
 * last reply), `window` as the hollow watch saw it; once all are Ready they are removed.
 */
async function rawCreateRate(client: Client, stats: HollowStats, round: number, n = RAW_PODS): Promise<{ loop: number; window: CreateWindow }> {
  const base = round * RAW_PODS;
  const since = performance.now();
  const r = await closedLoop(n, RAW_CONCURRENCY, (i) => client.create(rawPod(base + i)));
  if (r.errors) throw new Error(`raw creates failed: ${String(r.firstError)}`);
  const raw = async (): Promise<Pod[]> => (await client.list<Pod>('pods', { namespace: NS, labelSelector: 'app=raw' })).items;
  await waitFor('the raw pods Ready', async () => (await raw()).every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')), 10 * 60_000);
  const window = createWindow(stats, `${NS}/raw-`, since);
  const names = (await raw()).map((p) => p.metadata.name!);
  await closedLoop(names.length, RAW_CONCURRENCY, (i) => client.delete('pods', NS, names[i]!));
  await waitFor('the raw pods gone', async () => (await raw()).length === 0, 10 * 60_000);
  return { loop: n / (r.elapsedMs / 1000), window };
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs: number, onTick?: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    onTick?.();
    await sleep(100);
  }
}

async function settled(client: Client, replicas: number): Promise<boolean> {
  const d = await client.get<Deployment>('deployments', NS, 'bench');
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.availableReplicas === replicas && s.replicas === replicas;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-controller-'));
  const load0 = loadavg()[0]!;
  let etcd: BenchEtcd | undefined;
  let api: BenchApiServer | undefined;
  let cm: ReturnType<typeof spawn> | undefined;
  const stop = new AbortController();
  let client: Client | undefined;
  let agentClient: Client | undefined;
  const cleanup = (): void => {
    cm?.kill('SIGKILL');
    api?.killNow();
    etcd?.killNow();
  };
  process.once('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
  try {
    etcd = await startEtcd(dir);
    api = await startApiServer(root, etcd.endpoint);
    client = createClient({ server: api.address, rateLimit: UNLIMITED, timeoutMs: 60_000 });
    agentClient = createClient({ server: api.address, rateLimit: UNLIMITED, timeoutMs: 60_000 });
    log(`apiserver ${api.address}; ${NODES} hollow nodes`);
    const nodes = Array.from({ length: NODES }, (_, i) => `hollow-${i}`);
    for (const n of nodes) await client.create(hollowNode(n, Math.ceil((REPLICAS * 2) / NODES) + 10));
    const leases = await renewHollowLeases(agentClient, nodes, stop.signal);

    const hollow = await runHollowPods(agentClient, NS, nodes, stop.signal, () => performance.now());
    // The peer: a warm-up round (not counted), then the first round (before the controller-manager exists).
    const rawWarm = await rawCreateRate(client, hollow.stats, 2, WARM_PODS);
    log(`raw warm-up (${WARM_PODS} pods): ${fmt(rawWarm.window.rate, 0)}/s`);
    const raw1 = await rawCreateRate(client, hollow.stats, 0);
    log(`raw pod creates: ${fmt(raw1.window.fullRate, 0)}/s created to Ready (${fmt(raw1.window.rate, 0)}/s first to last created, client loop ${fmt(raw1.loop, 0)}/s)`);

    const http = `127.0.0.1:${await freePort()}`;
    const hook = PROFILE ? profileHook(root, join(dir, 'cm.cpuprofile')) : { nodeArgs: [], env: {} };
    cm = spawn(process.execPath, [...hook.nodeArgs, join(root, 'packages/controller-manager/dist/main.js'), '--server', api.address, '--http-listen', http, '--kube-api-qps', '0', '--leader-elect=false'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SKIFF_LOG_LEVEL: 'warn', ...hook.env },
    });
    let cmErr = '';
    const failures = new Map<string, number>();
    /** each controller's last failed reconcile's error message */
    const lastFailure = new Map<string, string>();
    const keep = (): ((d: Buffer) => void) => {
      let partial = '';
      return (d) => {
        const text = d.toString();
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        for (const l of lines) {
          if (!l.includes('"msg":"reconcile failed, retrying"')) continue;
          const rec = JSON.parse(l) as { controller?: string; err?: { message?: string } };
          const c = rec.controller ?? '?';
          failures.set(c, (failures.get(c) ?? 0) + 1);
          lastFailure.set(c, rec.err?.message ?? '');
        }
        cmErr = (cmErr + text).slice(-4000);
      };
    };
    cm.stdout?.on('data', keep());
    cm.stderr?.on('data', keep());
    const cmProc = cm;
    const cmAlive = (): void => {
      if (cmProc.exitCode !== null || cmProc.signalCode !== null) throw new Error(`skiff-controller-manager exited (${cmProc.exitCode ?? cmProc.signalCode}): ${cmErr}`);
    };
    const cmPid = cm.pid!;
    await waitFor('the controller-manager to lead and sync', async () => (await fetch(`http://${http}/readyz`).catch(() => undefined))?.status === 200, 60_000);

    await client.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bench', namespace: NS },
      spec: { replicas: 0, selector: { matchLabels: { app: 'bench' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, template: template('bench:1') },
    } as Deployment);
    await waitFor('the empty Deployment', () => settled(client!, 0), 60_000);

    // Warm-up: a tenth of N up and back to 0 (not measured).
    const tw = performance.now();
    await client.updateScale('deployments', { metadata: { name: 'bench', namespace: NS }, spec: { replicas: WARM_PODS } });
    await waitFor('the warm-up pods available', () => settled(client!, WARM_PODS), 10 * 60_000, cmAlive);
    await client.updateScale('deployments', { metadata: { name: 'bench', namespace: NS }, spec: { replicas: 0 } });
    await waitFor('the warm-up pods gone', async () => (await settled(client!, 0)) && (await client!.list<Pod>('pods', { namespace: NS, labelSelector: 'app=bench' })).items.length === 0, 10 * 60_000, cmAlive);
    log(`warm-up: ${WARM_PODS} pods up and down in ${fmt((performance.now() - tw) / 1000)} s`);

    let peakRss = 0;
    const sample = (): void => {
      cmAlive();
      try {
        peakRss = Math.max(peakRss, procSample(cmPid).rssMb);
      } catch {
        // exited
      }
    };
    const cpu0 = procSample(cmPid).cpuS;
    const profiler = PROFILE ? new CpuProfiler(cmPid, join(dir, 'cm.cpuprofile')) : undefined;
    await profiler?.start();

    // Scale-up through the scale subresource, as `skiffctl scale`.
    log(`scaling to ${REPLICAS}`);
    const t0 = performance.now();
    await client.updateScale('deployments', { metadata: { name: 'bench', namespace: NS }, spec: { replicas: REPLICAS } });
    await waitFor('all pods available', () => settled(client!, REPLICAS), 30 * 60_000, sample);
    const tUp = performance.now();
    const profile = await profiler?.stop();
    const up = createWindow(hollow.stats, `${NS}/bench-`, t0);
    const createRate = up.rate;
    // Session 13's figure: from the scale request (not the first create) to the last create seen.
    const createRateFromRequest = up.pods / ((up.last - t0) / 1000);
    const shares = rampShares([...hollow.stats.created].filter(([k, t]) => k.startsWith(`${NS}/bench-`) && t >= t0).map(([, t]) => t));
    const cpuUp = procSample(cmPid).cpuS - cpu0;
    log(`scale-up: ${fmt((tUp - t0) / 1000)} s, ${fmt(up.fullRate, 0)} pods/s created to Ready (${fmt(createRate, 0)}/s first to last created)`);

    // Rolling update of every pod, its bounds counted on the pods as well as sampled from the status.
    const bound = rollingBounds(REPLICAS, '25%', '25%');
    const bounds = await PodBoundsWatch.start(client, NS, 'app=bench');
    bounds.track(bound);
    const t1 = performance.now();
    await client.patch('deployments', NS, 'bench', { spec: { template: { spec: { containers: [{ name: 'app', image: 'bench:2' }] } } } }, { patchType: 'application/strategic-merge-patch+json' });
    let maxPods = 0;
    let minAvailable = REPLICAS;
    await waitFor(
      'the rollout',
      async () => {
        const d = await client!.get<Deployment>('deployments', NS, 'bench');
        maxPods = Math.max(maxPods, d.status?.replicas ?? 0);
        if (d.status?.observedGeneration === d.metadata.generation) minAvailable = Math.min(minAvailable, d.status?.availableReplicas ?? 0);
        return settled(client!, REPLICAS);
      },
      30 * 60_000,
      sample,
    );
    const tRoll = performance.now();
    await bounds.stop();
    sample();
    const cpuAll = procSample(cmPid).cpuS - cpu0;
    const hwm = procSample(cmPid).hwmMb;
    log(`rollout: ${fmt((tRoll - t1) / 1000)} s`);
    const leftover = (await client.list<Pod>('pods', { namespace: NS, labelSelector: 'app=bench' })).items.length;

    // The peer, second round (after, under the same machine load).
    const raw2 = await rawCreateRate(client, hollow.stats, 1);
    // The ratio compares windows holding the same work: every create, bind and Ready status write of
    // the phase's pods (the raw loop outruns the binder and agent, and so left most of their writes
    // after its last create; see the README).
    const raw = (raw1.window.fullRate + raw2.window.fullRate) / 2;
    const ratio = up.fullRate / raw;
    const rawCreates = (raw1.window.rate + raw2.window.rate) / 2;
    const rawLoop = (raw1.loop + raw2.loop) / 2;
    const pct = (x: number): string => `${fmt(x * 100, 0)} %`;
    const rssMb = Math.max(peakRss, hwm);

    const rows: [string, string, string, string][] = [
      ['scale-up 0 -> N, time to all available', `${fmt((tUp - t0) / 1000)} s`, '', ''],
      ['pods per second, first created to last Ready (scale-up)', fmt(up.fullRate, 0), `raw ${fmt(raw1.window.fullRate, 0)} / ${fmt(raw2.window.fullRate, 0)} (mean ${fmt(raw, 0)})`, ''],
      ['  ratio (ours / raw, the same work in both windows)', fmt(ratio, 2), '1.00', ''],
      ['pods per second, first to last created (scale-up)', fmt(createRate, 0), `raw ${fmt(raw1.window.rate, 0)} / ${fmt(raw2.window.rate, 0)} (mean ${fmt(rawCreates, 0)})`, ''],
      ['create ratio (ours / raw, first to last created)', fmt(createRate / rawCreates, 2), '1.00', '>= 0.8'],
      ['  binds / Ready writes done by the last create', `${pct(up.boundShare)} / ${pct(up.readyShare)}`, `raw ${pct(raw1.window.boundShare)} / ${pct(raw1.window.readyShare)}, ${pct(raw2.window.boundShare)} / ${pct(raw2.window.readyShare)}`, ''],
      ['  session 13 window (scale request / raw client loop)', fmt(createRateFromRequest, 0), `raw ${fmt(raw1.loop, 0)} / ${fmt(raw2.loop, 0)}, ratio ${fmt(createRateFromRequest / rawLoop, 2)}`, ''],
      ['rolling update of N, time to all available', `${fmt((tRoll - t1) / 1000)} s`, '', ''],
      ['controller-manager peak RSS', `${fmt(rssMb, 0)} MB`, '', '<= 300 MB'],
      ['controller-manager CPU (scale-up / total)', `${fmt(cpuUp, 1)} / ${fmt(cpuAll, 1)} s`, '', ''],
      ['rollout: most pods (Deployment status, sampled)', String(maxPods), `bound ${bound.maxPods}`, ''],
      ['rollout: fewest available (Deployment status)', String(minAvailable), `bound ${bound.minReady}`, ''],
      [`rollout: most active pods (pods, every revision${bounds.relists ? `; watch broke ${bounds.relists}x` : ''})`, String(bounds.maxActive), `bound ${bound.maxPods}`, `<= ${bound.maxPods}`],
      ['rollout: fewest ready pods (pods, every revision)', String(bounds.minReady), `bound ${bound.minReady}`, `>= ${bound.minReady}`],
    ];
    const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['measure', 'skiff', 'peer', 'target'][i]!.length));
    const line = (r: string[]): string => r.map((c, i) => (i === 0 || i === 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
    console.log('');
    console.log(`controller benchmark: N = ${REPLICAS} replicas on ${NODES} hollow nodes, maxSurge 25 %, maxUnavailable 25 %; controller-manager --kube-api-qps 0`);
    console.log(line(['measure', 'skiff', 'peer', 'target']));
    console.log(line(w.map((x) => '-'.repeat(x))));
    for (const r of rows) console.log(line(r));
    console.log(
      `scale-up creates, first to last seen: each sync's first 63 pods (the slow-start ramp, batches 1 to 32, where a sync starts at 1) ${pct(shares.ramp)}, the rest ${pct(shares.bulk)}, gaps between syncs ${pct(shares.gap)}; each sync's first to second pod ${shares.single.map((x) => fmt(x, 0)).join(', ')} ms`,
    );
    console.log(`raw: ${RAW_PODS} pod creates, ${RAW_CONCURRENCY} in flight, through the same apiserver with the same binder and agent, before and after the scale-up`);
    console.log(`hollow agent: ${hollow.stats.binds} binds, ${hollow.stats.statusWrites} status writes, ${hollow.stats.deletes} deletes, ${hollow.stats.errors()} errors; ${leftover} pods at the end`);
    console.log(`machine load average: ${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at the end (2 cores shared; other work skews every figure)`);
    console.log(`controller-manager reconciles failed (retried): ${failures.size ? [...failures].map(([k, n]) => `${k} ${n} (last: ${lastFailure.get(k)})`).join(', ') : 'none'}`);
    const notReady = (await client.list<Node>('nodes')).items.filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True').length;
    console.log(`hollow node leases: ${leases.failures()} renewals failed; ${notReady} nodes not Ready at the end`);
    if (bounds.breachCount) console.log(`rollout bound breaches (${bounds.breachCount}):\n  ${bounds.breaches.join('\n  ')}`);
    if (profile && PROFILE) {
      writeFileSync(PROFILE, JSON.stringify(profile));
      const { busy, hot } = hotFunctions(profile, 25);
      const shares = (['controller-manager', 'machinery', 'api'] as const).map((pkg) => `${pkg} ${fmt(cpuShare(profile, new RegExp(`/packages/${pkg}/dist/.*\\.js$`)).share * 100)} %`);
      console.log(`controller-manager CPU profile of the scale-up: ${PROFILE} (${busy} busy samples of 0.5 ms); inclusive: ${shares.join(', ')}; self time:`);
      for (const h of hot) console.log(`  ${fmt(h.self * 100)} %  ${h.where}`);
    }
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    console.log(
      JSON.stringify({
        scale_up_s: r2((tUp - t0) / 1000),
        rollout_s: r2((tRoll - t1) / 1000),
        create_ratio: r2(createRate / rawCreates),
        rss_mb: r2(rssMb),
        cpu_s: r2(cpuAll),
        rollout_max_pods: bounds.maxActive,
        rollout_min_ready: bounds.minReady,
        create_per_s: r2(up.fullRate),
        raw_create_per_s: r2(raw),
        create_ratio_same_work: r2(ratio),
        create_ratio_s13: r2(createRateFromRequest / rawLoop),
        ramp_share: r2(shares.ramp),
        gap_share: r2(shares.gap),
        replicas: REPLICAS,
        loadavg_start: r2(load0),
        loadavg_end: r2(loadavg()[0]!),
      }),
    );
  } finally {
    stop.abort();
    client?.close();
    agentClient?.close();
    if (cm && cm.exitCode === null) {
      cm.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      cm.kill('SIGKILL');
    }
    await api?.stop();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
