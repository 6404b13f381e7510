// Benchmark: skiff-apiserver against etcd itself, on the same private etcd, in one run.
//
//   npm run bench -- apiserver [--n 20000]
//   npm run bench -- apiserver --creates-only --diag FILE   (the create phases alone, with the apiserver's
//   collections and event-loop stalls per phase; the flags: packages/apiserver/README.md)
//
// Creates: N small ConfigMaps (a) straight into etcd with the etcd3 client, one create-if-absent txn
// each, and (b) through skiff-apiserver over gRPC; 64 in flight for both: throughput, p50/p99, the
// ratio b/a. Then an open loop at 1,000 creates/s (latency from the scheduled send time), for both;
// the apiserver's p99 there against etcd's own p99 (open_loop_p99_ratio). Then the same open loop
// once more through the apiserver under node's inspector CPU profiler (so the profiler's cost stays
// out of the latencies): codec_cpu_share is the share of the apiserver's busy samples spent in the
// wire codec (@skiff/api's structural walk and strict checks, and protobufjs; lib/cpu-profile.ts).
// The hand-written one-pass codecs measured 7.6-8.8 % here, under the 10 % that would have kept
// them, so protobufjs replaced them.
// The apiserver's RSS after the N creates (no gc is called in it).
// Watches: (c) 1,000 pod watchers with spec.nodeName=node-<i> (as node agents) while 500 pod
// updates/s spread over the nodes; (d) 100 unfiltered configmap watchers in one namespace while 100
// objects/s change, and the same 100 watchers on etcd's own watch of that namespace's key prefix
// (the writes then go straight to etcd). Latency = event received - write acknowledged.
// Lists (lib/list-bench.ts; alone: `npm run bench -- apiserver-list`): 50,000 pods on 5,000 nodes,
// one node's pods and one namespace's through the apiserver against the same lists from etcd.
//
// The apiserver runs as its own process (node packages/apiserver/dist/main.js), so its RSS and CPU
// are its own. The raw etcd creates of (a) go under /bench-etcd/, outside the apiserver's /registry
// prefix, so the apiserver's watch caches neither see nor hold them; they run in a worker thread,
// as do the apiserver creates, so that the two load generators' garbage collections stay out of each
// other's figures.
//
// Last line of stdout: one JSON object with every figure.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setMaxListeners } from 'node:events';
import { Etcd3, type Watcher as EtcdWatcher } from 'etcd3';
import type { IWatchResponse } from 'etcd3/lib/rpc.js';
import type { KObject } from '@skiff/api';
import { createClient, letHttp2StreamsDieYoung, type Client } from '@skiff/machinery';
import { procSample, selfCpuS, startApiServer, startEtcd, UNLIMITED, type BenchApiServer, type BenchEtcd } from './lib/apiserver-etcd.js';
import { closedLoop, DeliveryLog, openLoop, pcts, sleep, type LoopResult, type Pcts } from './lib/apiserver-load.js';
import { configMap } from './lib/configmaps.js';
import { CreateLoad } from './lib/create-load.js';
import { CODEC_FILES, CpuProfiler, cpuShare, profileHook } from './lib/cpu-profile.js';
import { runListBench } from './lib/list-bench.js';
import { summarizeDiag } from './lib/diag-summary.js';

// As skiff-apiserver's main does (the bench's own clients and etcd client).
// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    n: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    pods: { type: 'string', default: '2000' },
    nodes: { type: 'string', default: '1000' },
    'pod-rate': { type: 'string', default: '500' },
    'cm-watchers': { type: 'string', default: '100' },
    'cm-rate': { type: 'string', default: '100' },
    clients: { type: 'string', default: '4' },
    /** A directory: the apiserver runs with --cpu-prof and writes its profile there on exit. */
    profile: { type: 'string' },
    /** Extra node flags for the apiserver process (space-separated), e.g. '--trace-gc --max-semi-space-size=8'. */
    'apiserver-node-args': { type: 'string', default: '' },
    /** Extra flags for skiff-apiserver itself (space-separated), e.g. '--no-lean-unary'. */
    'apiserver-args': { type: 'string', default: '' },
    /** Stop after the closed-loop and open-loop creates (no profile, watches or lists): for comparing changes to the create path. */
    'creates-only': { type: 'boolean', default: false },
    /** A file: the apiserver appends one line a second of event-loop delay and GC pauses (cpu-profile-hook.ts). */
    diag: { type: 'string' },
    /** A file for the apiserver's whole stdout and stderr (with --apiserver-node-args=--trace-gc: every collection and its reason). */
    'apiserver-out': { type: 'string' },
  },
  strict: true,
});
const N = Number(args.n);
const CONC = Number(args.concurrency);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const PODS = Number(args.pods);
const NODES = Number(args.nodes);
const POD_RATE = Number(args['pod-rate']);
const CM_WATCHERS = Number(args['cm-watchers']);
const CM_RATE = Number(args['cm-rate']);
const CLIENTS = Number(args.clients);
const ROUNDS = 4;
// Node compiles the hot paths over the first few thousand requests (on background threads, counted in
// the process's CPU): measured here, the apiserver's CPU per create was 312 us over the first 5,000
// creates after a 1,000-create warm-up and 206 us after them. The peers (etcd and its Go client) are
// compiled ahead of time; both sides get the same warm-up, and the rounds measure the steady state.
const WARMUP = Math.min(5000, Math.max(100, Math.round(N / 4)));

const root = new URL('../..', import.meta.url).pathname;
const NS_WARM = 'bench-warm';
const NS_CREATE = 'bench-create';
const NS_OPEN = 'bench-open';
const NS_PROFILE = 'bench-profile';
const NS_PODS = 'bench-pods';
const NS_WATCH = 'bench-watch';

// ---------------------------------------------------------------- lifecycle and cleanup

let dir: string | undefined;
let etcdProc: BenchEtcd | undefined;
let apiProc: BenchApiServer | undefined;
const closers: (() => void)[] = [];

function killAllSync(): void {
  apiProc?.killNow();
  etcdProc?.killNow();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\napiserver bench: ${sig}, cleaning up\n`);
    killAllSync();
    process.exit(130);
  });
}

const log = (s: string): void => {
  process.stderr.write(`[bench] ${s}\n`);
  // Phases marked in the apiserver's diagnostics file (--diag), to line its seconds up with them.
  if (args.diag) appendFileSync(args.diag, JSON.stringify({ mark: s.trim().slice(0, 80), at: Date.now() }) + '\n');
};

// ---------------------------------------------------------------- objects

function pod(name: string, node: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS_PODS, labels: { app: 'bench' } },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }] },
  };
}

// ---------------------------------------------------------------- measurement helpers

interface Usage {
  api: number;
  etcd: number;
  bench: number;
  wallS: number;
}

function usageSince(): () => Usage {
  const a0 = procSample(apiProc!.pid).cpuS;
  const e0 = procSample(etcdProc!.pid).cpuS;
  const b0 = selfCpuS();
  const t0 = performance.now();
  return () => ({
    api: procSample(apiProc!.pid).cpuS - a0,
    etcd: procSample(etcdProc!.pid).cpuS - e0,
    bench: selfCpuS() - b0,
    wallS: (performance.now() - t0) / 1000,
  });
}

function checkErrors(what: string, r: LoopResult): void {
  if (r.errors > 0) {
    const msg = r.firstError instanceof Error ? r.firstError.message : String(r.firstError);
    throw new Error(`${what}: ${r.errors} operations failed; first: ${msg}`);
  }
}

/** Failed operations of the measured phases: reported (and in the JSON), not fatal. */
const failures: Record<string, number> = {};
function noteErrors(key: string, what: string, r: LoopResult): void {
  if (r.errors === 0) return;
  failures[key] = (failures[key] ?? 0) + r.errors;
  const msg = r.firstError instanceof Error ? r.firstError.message : String(r.firstError);
  log(`!! ${what}: ${r.errors} of ${r.latencies.length} operations failed; first: ${msg}`);
}

const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const r1 = (v: number): number => Math.round(v * 10) / 10;
const r2 = (v: number): number => Math.round(v * 100) / 100;
const usageStr = (u: Usage): string =>
  `cpu s: apiserver ${fmt(u.api, 2)}, etcd ${fmt(u.etcd, 2)}, bench ${fmt(u.bench, 2)} over ${fmt(u.wallS, 1)} s wall`;

// ---------------------------------------------------------------- watchers

interface WatchSet {
  log: DeliveryLog;
  ready: Promise<void>;
  errors: unknown[];
  stop(): Promise<void>;
}

/** `count` skiff watchers (spread over the clients), each from the current state with
 * sendInitialEvents, ready once every one has had its initial-events-end bookmark. */
function skiffWatchers(clients: Client[], count: number, resource: string, opts: (i: number) => { namespace?: string; fieldSelector?: string }): WatchSet {
  const dl = new DeliveryLog();
  const ac = new AbortController();
  setMaxListeners(0, ac.signal); // one abort listener per watch
  const errors: unknown[] = [];
  let readyCount = 0;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const loops: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const client = clients[i % clients.length]!;
    loops.push(
      (async () => {
        let isReady = false;
        try {
          for await (const b of client.watch(resource, { ...opts(i), resourceVersion: '', sendInitialEvents: true }, ac.signal)) {
            const t = performance.now();
            if (!isReady) {
              if (b.initialEventsEnd) {
                isReady = true;
                if (++readyCount === count) markReady();
              }
              continue;
            }
            for (const e of b.events) {
              if (e.type === 'BOOKMARK' || !e.object) continue;
              dl.recv(e.object.metadata.name!, e.object.metadata.resourceVersion!, t);
            }
          }
          if (!ac.signal.aborted) errors.push(new Error('watch ended early'));
        } catch (e) {
          if (!ac.signal.aborted) errors.push(e);
        }
      })(),
    );
  }
  return {
    log: dl,
    ready: new Promise<void>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`only ${readyCount} of ${count} ${resource} watchers became ready in 60 s (errors: ${errors.map(String).slice(0, 3).join('; ')})`)),
        60_000,
      );
      void ready.then(() => (clearTimeout(t), resolve()));
    }),
    errors,
    async stop() {
      ac.abort();
      await Promise.all(loops);
    },
  };
}

function etcdWatchers(etcds: Etcd3[], count: number, prefix: string): { log: DeliveryLog; ready: Promise<void>; errors: unknown[]; stop(): Promise<void> } {
  const dl = new DeliveryLog();
  const errors: unknown[] = [];
  const ws: EtcdWatcher[] = [];
  const ready = Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const w = await etcds[i % etcds.length]!.watch().prefix(prefix).create();
      ws.push(w);
      w.on('data', (res: IWatchResponse) => {
        const t = performance.now();
        for (const ev of res.events) dl.recv(ev.kv.key.toString().slice(prefix.length), String(ev.kv.mod_revision), t);
      });
      w.on('error', (e: unknown) => errors.push(e));
    }),
  ).then(() => undefined);
  return {
    log: dl,
    ready,
    errors,
    async stop() {
      await Promise.all(ws.map((w) => w.cancel().catch(() => {})));
    },
  };
}

/** Waits until `done()` or `ms` passed. */
async function settle(done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await sleep(20);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  dir = mkdtempSync(join(tmpdir(), 'skiff-bench-apiserver-'));
  const load = loadavg()[0]!;
  log(`N=${N}, ${CONC} in flight; temp dir ${dir}; load average ${load.toFixed(2)} on ${cpus().length} cpus before start`);
  etcdProc = await startEtcd(dir);
  const hook = profileHook(root, join(dir, 'apiserver.cpuprofile'));
  const extraNodeArgs = args['apiserver-node-args'].split(/\s+/).filter(Boolean);
  apiProc = await startApiServer(root, etcdProc.endpoint, [...hook.nodeArgs, ...extraNodeArgs, ...(args.profile ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : [])], args['apiserver-args'].split(/\s+/).filter(Boolean), {
    ...hook.env,
    ...(args.diag ? { SKIFF_BENCH_DIAG: args.diag } : {}),
  }, args['apiserver-out']);
  log(`etcd ${etcdProc.endpoint} (pid ${etcdProc.pid}), skiff-apiserver ${apiProc.address} (pid ${apiProc.pid})`);

  const etcd = new Etcd3({ hosts: etcdProc.endpoint });
  closers.push(() => etcd.close());
  // The create loads, both ways, run in worker threads of their own (see lib/create-load.ts).
  const etcdCreates = new CreateLoad({ etcd: etcdProc.endpoint });
  closers.push(() => void etcdCreates.close());
  const apiCreates = new CreateLoad({ apiserver: apiProc.address });
  closers.push(() => void apiCreates.close());
  const client = createClient({ server: apiProc.address, userAgent: 'bench', rateLimit: UNLIMITED });
  closers.push(() => client.close());
  const watchClients = Array.from({ length: CLIENTS }, (_, i) => createClient({ server: apiProc!.address, userAgent: `bench-watch-${i}`, rateLimit: UNLIMITED }));
  closers.push(() => watchClients.forEach((c) => c.close()));
  const watchEtcds = Array.from({ length: CLIENTS }, () => new Etcd3({ hosts: etcdProc!.endpoint }));
  closers.push(() => watchEtcds.forEach((e) => e.close()));

  for (const ns of [NS_WARM, NS_CREATE, NS_OPEN, NS_PROFILE, NS_PODS, NS_WATCH]) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const rssStart = procSample(apiProc.pid).rssMb;

  // Warm-up (JIT, connections) on both paths; not measured.
  log(`warm-up: ${WARMUP} creates each way`);
  checkErrors('warm-up etcd', await etcdCreates.closed(NS_WARM, 0, WARMUP, CONC));
  checkErrors('warm-up apiserver', await apiCreates.closed(NS_WARM, 0, WARMUP, CONC));

  // (a) etcd directly and (b) through the apiserver, alternating in ROUNDS rounds of N/ROUNDS each,
  // so that a burst of outside load on the shared machine hits both alike.
  const rounds = N >= 4000 ? ROUNDS : 1;
  log(`(a) ${N} creates straight into etcd, (b) ${N} through skiff-apiserver; alternating, ${rounds} rounds`);
  const zero = (): Usage => ({ api: 0, etcd: 0, bench: 0, wallS: 0 });
  const addUsage = (x: Usage, y: Usage): void => void ((x.api += y.api), (x.etcd += y.etcd), (x.bench += y.bench), (x.wallS += y.wallS));
  const a: LoopResult = { latencies: new Float64Array(N), elapsedMs: 0, errors: 0 };
  const b: LoopResult = { latencies: new Float64Array(N), elapsedMs: 0, errors: 0 };
  const aUsage = zero();
  const bUsage = zero();
  const merge = (into: LoopResult, r: LoopResult, at: number): void => {
    into.latencies.set(r.latencies, at);
    into.elapsedMs += r.elapsedMs;
    into.errors += r.errors;
    if (r.firstError !== undefined) into.firstError ??= r.firstError;
  };
  for (let k = 0, at = 0; k < rounds; k++) {
    const n = Math.floor((N * (k + 1)) / rounds) - at;
    let u = usageSince();
    merge(a, await etcdCreates.closed(NS_CREATE, at, n, CONC), at);
    addUsage(aUsage, u());
    u = usageSince();
    merge(b, await apiCreates.closed(NS_CREATE, at, n, CONC), at);
    addUsage(bUsage, u());
    at += n;
  }
  noteErrors('a', '(a) etcd creates', a);
  const aRate = (N - a.errors) / (a.elapsedMs / 1000);
  const aP = pcts(a.latencies);
  log(`    (a) etcd: ${fmt(aRate, 0)}/s, p50 ${fmt(aP.p50)} ms, p99 ${fmt(aP.p99)} ms; ${usageStr(aUsage)}`);
  noteErrors('b', '(b) apiserver creates', b);
  const bRate = (N - b.errors) / (b.elapsedMs / 1000);
  const bP = pcts(b.latencies);
  log(`    (b) apiserver: ${fmt(bRate, 0)}/s, p50 ${fmt(bP.p50)} ms, p99 ${fmt(bP.p99)} ms; ${usageStr(bUsage)}`);
  await sleep(1000);
  const afterCreates = procSample(apiProc.pid);
  log(`    apiserver RSS ${fmt(afterCreates.rssMb)} MB (peak ${fmt(afterCreates.hwmMb)} MB, ${fmt(rssStart)} MB at start)`);

  // Open loop at RATE creates/s, both ways.
  log(`open loop: ${RATE} creates/s for ${SECONDS} s, etcd then apiserver`);
  let u = usageSince();
  const oe = await etcdCreates.open(NS_OPEN, RATE, SECONDS);
  const oeUsage = u();
  noteErrors('open_etcd', 'open-loop etcd creates', oe);
  const oeP = pcts(oe.latencies);
  log(`    etcd: p50 ${fmt(oeP.p50)} ms, p99 ${fmt(oeP.p99)} ms, max in flight ${oe.maxInFlight}; ${usageStr(oeUsage)}`);
  u = usageSince();
  const oa = await apiCreates.open(NS_OPEN, RATE, SECONDS);
  const oaUsage = u();
  noteErrors('open', 'open-loop apiserver creates', oa);
  const oaP = pcts(oa.latencies);
  log(`    apiserver: p50 ${fmt(oaP.p50)} ms, p99 ${fmt(oaP.p99)} ms, max in flight ${oa.maxInFlight}; ${usageStr(oaUsage)}`);
  const afterOpen = procSample(apiProc.pid);
  const openP99Ratio = oaP.p99 / oeP.p99;
  if (args['creates-only']) {
    if (args.diag) {
      await sleep(1500); // the apiserver's last diagnostics second
      console.log('apiserver diagnostics per phase (the phase named by the bench line that began it):');
      for (const p of summarizeDiag(args.diag)) console.log(`  ${JSON.stringify(p)}`);
    }
    console.log(`machine load average: ${load.toFixed(2)} before start, ${loadavg()[0]!.toFixed(2)} at the end`);
    console.log(
      JSON.stringify({
        n: N,
        create_per_s: Math.round(bRate),
        etcd_create_per_s: Math.round(aRate),
        create_ratio: r2(bRate / aRate),
        open_loop_p99_ratio: r2(openP99Ratio),
        create_p50_ms: r2(oaP.p50),
        create_p99_ms: r2(oaP.p99),
        etcd_create_open_p50_ms: r2(oeP.p50),
        etcd_create_open_p99_ms: r2(oeP.p99),
        apiserver_cpu_s_per_1000_creates: r2(bUsage.api / (N / 1000)),
        apiserver_cpu_s_open_loop: r2(oaUsage.api),
        rss_mb: r1(afterCreates.rssMb),
        rss_after_open_loop_mb: r1(afterOpen.rssMb),
        loadavg_start: r2(load),
        loadavg_end: r2(loadavg()[0]!),
        errors_total: Object.values(failures).reduce((x, y) => x + y, 0),
      }),
    );
    return;
  }

  // The same open loop through the apiserver, profiled.
  log(`open loop again through the apiserver under the CPU profiler: the wire codec's share`);
  const profiler = new CpuProfiler(apiProc.pid, join(dir, 'apiserver.cpuprofile'));
  await profiler.start();
  const op = await apiCreates.open(NS_PROFILE, RATE, SECONDS);
  const codec = cpuShare(await profiler.stop(), CODEC_FILES);
  noteErrors('profiled', 'profiled open-loop apiserver creates', op);
  log(`    ${codec.matched} of ${codec.busy} busy samples in the codecs (${fmt(codec.share * 100)} %): ${JSON.stringify(codec.byFile)}`);

  // (c) pod watchers by node.
  log(`(c) ${PODS} pods on ${NODES} nodes, ${NODES} watchers spec.nodeName=node-<i>`);
  const podNames = Array.from({ length: PODS }, (_, i) => `pod-${i}`);
  checkErrors('pod creates', await closedLoop(PODS, CONC, (i) => client.create(pod(podNames[i]!, `node-${i % NODES}`))));
  let u0 = usageSince();
  const cw = skiffWatchers(watchClients, NODES, 'pods', (i) => ({ fieldSelector: `spec.nodeName=node-${i}` }));
  await cw.ready;
  const cSetup = u0();
  log(`    ${NODES} watchers ready (initial state sent) in ${fmt(cSetup.wallS, 2)} s, apiserver cpu ${fmt(cSetup.api, 2)} s; ${POD_RATE} pod updates/s for ${SECONDS} s`);
  u = usageSince();
  const cWrites = await openLoop(POD_RATE, SECONDS, async (i) => {
    const name = podNames[i % PODS]!;
    const sent = performance.now();
    const o = await client.patch('pods', NS_PODS, name, { metadata: { annotations: { 'bench.skiff.dev/seq': String(i) } } });
    cw.log.ack(name, o.metadata.resourceVersion!, performance.now(), sent);
  });
  await settle(() => cw.log.received >= cw.log.acked, 5000);
  const cUsage = u();
  await cw.stop();
  noteErrors('selected', '(c) pod updates', cWrites);
  const cRes = cw.log.result();
  const cP = pcts(cRes.latencies);
  const cFS = pcts(cRes.fromSend);
  const cEvents = cw.log.received;
  const cMissed = cw.log.acked - cRes.distinctReceived;
  log(`    ${cEvents} events delivered (${cMissed} acked writes never seen, ${cRes.early} before their ack); p50 ${fmt(cP.p50)} ms, p99 ${fmt(cP.p99)} ms; write p99 ${fmt(pcts(cWrites.latencies).p99)} ms; ${usageStr(cUsage)}`);

  // (d) unfiltered configmap watchers, then the same on etcd's watch.
  log(`(d) ${CM_WATCHERS} configmaps in ${NS_WATCH}, ${CM_WATCHERS} unfiltered watchers, ${CM_RATE} changes/s for ${SECONDS} s`);
  const cmNames = Array.from({ length: CM_WATCHERS }, (_, i) => `w-${i}`);
  const cms = new Map<string, KObject>();
  await closedLoop(cmNames.length, CONC, async (i) => cms.set(cmNames[i]!, await client.create(configMap(NS_WATCH, cmNames[i]!))));
  u0 = usageSince();
  const dw = skiffWatchers(watchClients, CM_WATCHERS, 'configmaps', () => ({ namespace: NS_WATCH }));
  await dw.ready;
  const dSetup = u0();
  log(`    ${CM_WATCHERS} watchers ready in ${fmt(dSetup.wallS, 2)} s, apiserver cpu ${fmt(dSetup.api, 2)} s`);
  u = usageSince();
  const dWrites = await openLoop(CM_RATE, SECONDS, async (i) => {
    const name = cmNames[i % cmNames.length]!;
    const sent = performance.now();
    const o = await client.patch('configmaps', NS_WATCH, name, { data: { seq: String(i) } });
    cms.set(name, o);
    dw.log.ack(name, o.metadata.resourceVersion!, performance.now(), sent);
  });
  await settle(() => dw.log.received >= dw.log.acked * CM_WATCHERS, 5000);
  const dUsage = u();
  await dw.stop();
  noteErrors('all', '(d) configmap updates', dWrites);
  const dRes = dw.log.result();
  const dP = pcts(dRes.latencies);
  const dFS = pcts(dRes.fromSend);
  const dEvents = dw.log.received;
  const dMissing = dw.log.acked * CM_WATCHERS - dRes.latencies.length;
  log(`    apiserver: ${dEvents} events delivered (${dMissing} missing, ${dRes.early} before their ack); p50 ${fmt(dP.p50)} ms, p99 ${fmt(dP.p99)} ms; ${usageStr(dUsage)}`);

  // Peer: etcd's own watch of the namespace prefix; the writes go straight to etcd (a txn
  // conditional on the object's mod revision, as the apiserver's update), acked by etcd.
  const prefix = `/registry/configmaps/${NS_WATCH}/`;
  const ew = etcdWatchers(watchEtcds, CM_WATCHERS, prefix);
  await ew.ready;
  const rev = new Map<string, string>([...cms].map(([k, o]) => [k, o.metadata.resourceVersion!]));
  u = usageSince();
  const eWrites = await openLoop(CM_RATE, SECONDS, async (i) => {
    const name = cmNames[i % cmNames.length]!;
    const obj = structuredClone(cms.get(name)!) as KObject & { data: Record<string, string> };
    delete obj.metadata.resourceVersion;
    obj.data.seq = `etcd-${i}`;
    const key = Buffer.from(prefix + name);
    const sent = performance.now();
    const res = await etcd.kv.txn({
      compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: rev.get(name)! }],
      success: [{ request_put: { key, value: Buffer.from(JSON.stringify(obj)) } }],
      failure: [],
    });
    if (!res.succeeded) throw new Error(`etcd update of ${name} lost a race`);
    const r = String(res.header.revision);
    rev.set(name, r);
    ew.log.ack(name, r, performance.now(), sent);
  });
  await settle(() => ew.log.received >= ew.log.acked * CM_WATCHERS, 5000);
  const eUsage = u();
  await ew.stop();
  noteErrors('etcd_all', '(d) etcd updates', eWrites);
  const eRes = ew.log.result();
  const eP = pcts(eRes.latencies);
  const eFS = pcts(eRes.fromSend);
  const eMissing = ew.log.acked * CM_WATCHERS - eRes.latencies.length;
  log(`    etcd: ${ew.log.received} events delivered (${eMissing} missing, ${eRes.early} before their ack); p50 ${fmt(eP.p50)} ms, p99 ${fmt(eP.p99)} ms; ${usageStr(eUsage)}`);
  if (cw.errors.length + dw.errors.length + ew.errors.length > 0) {
    throw new Error(`watch errors: ${[...cw.errors, ...dw.errors, ...ew.errors].map(String).slice(0, 3).join('; ')}`);
  }
  const list = await runListBench({ client, etcdEndpoint: etcdProc.endpoint, log });
  const final = procSample(apiProc.pid);

  // ---------------------------------------------------------------- report
  const ratio = bRate / aRate;
  const cCpuPer1k = cUsage.api / (cEvents / 1000);
  const dCpuPer1k = dUsage.api / (dEvents / 1000);
  const rows: [string, string, string, string, string][] = [];
  const ok = (pass: boolean): string => (pass ? 'ok' : 'MISS');
  rows.push([`creates/s, ${CONC} in flight, N=${N}`, fmt(bRate, 0), `etcd3 ${fmt(aRate, 0)}`, '', '']);
  rows.push(['  ratio skiff/etcd', fmt(ratio, 2), 'kube-apiserver 0.65-0.69', '>= 0.80', ok(ratio >= 0.8)]);
  rows.push(['  create p50 ms (closed loop)', fmt(bP.p50), `etcd3 ${fmt(aP.p50)}`, '', '']);
  rows.push(['  create p99 ms (closed loop)', fmt(bP.p99), `etcd3 ${fmt(aP.p99)}; kube 95-113`, '', '']);
  rows.push([`create p50 ms at ${RATE}/s offered`, fmt(oaP.p50), `etcd3 ${fmt(oeP.p50)}`, '', '']);
  rows.push([`create p99 ms at ${RATE}/s offered`, fmt(oaP.p99), `etcd3 ${fmt(oeP.p99)}`, '', '']);
  rows.push(['  p99 ratio skiff/etcd (open loop)', fmt(openP99Ratio, 2), '', '<= 1.5', ok(openP99Ratio <= 1.5)]);
  rows.push([`  codec share of apiserver cpu at ${RATE}/s`, `${fmt(codec.share * 100)} %`, `${codec.busy} busy samples`, 'walk + protobufjs', 'info']);
  rows.push([`apiserver RSS MB after ${N} creates`, fmt(afterCreates.rssMb, 0), 'kube-apiserver ~600', '<= 200', ok(afterCreates.rssMb <= 200)]);
  rows.push(['  RSS MB at the end (peak)', `${fmt(final.rssMb, 0)} (${fmt(final.hwmMb, 0)})`, '', '', '']);
  rows.push([`(c) ${NODES} node watchers, ${POD_RATE} pod updates/s: p50 ms`, fmt(cP.p50), '', '', '']);
  rows.push(['    p99 ms', fmt(cP.p99), '', '<= 100', ok(cP.p99 <= 100)]);
  rows.push(['    p50 / p99 ms from the write\'s send', `${fmt(cFS.p50)} / ${fmt(cFS.p99)}`, '', '', '']);
  rows.push([`    ${NODES} watchers connected + initial state, s`, fmt(cSetup.wallS, 2), '', '', '']);
  rows.push(['    apiserver cpu s / 1000 events', fmt(cCpuPer1k, 3), '', '', '']);
  rows.push([`(d) ${CM_WATCHERS} unfiltered watchers, ${CM_RATE} changes/s: p50 ms`, fmt(dP.p50), `etcd watch ${fmt(eP.p50)}`, '', '']);
  rows.push(['    p99 ms', fmt(dP.p99), `etcd watch ${fmt(eP.p99)}`, '<= 100', ok(dP.p99 <= 100)]);
  rows.push(['    etcd watch p99 ms', fmt(eP.p99), '', '<= 100', ok(eP.p99 <= 100)]);
  rows.push(['    p50 / p99 ms from the write\'s send', `${fmt(dFS.p50)} / ${fmt(dFS.p99)}`, `etcd watch ${fmt(eFS.p50)} / ${fmt(eFS.p99)}`, '', '']);
  rows.push(['    apiserver cpu s / 1000 events', fmt(dCpuPer1k, 3), '', '', '']);
  rows.push(...list.rows);
  const nErr = Object.values(failures).reduce((x, y) => x + y, 0);
  rows.push(['failed operations (all measured phases)', String(nErr), '', '0', ok(nErr === 0)]);
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['measure', 'skiff', 'peer / reference', 'target', ''][c]!.length));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  console.log('');
  console.log(line(['measure', 'skiff', 'peer / reference', 'target', '']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log('peer figures (etcd3, etcd watch) are measured in this run; kube-apiserver / kube figures are cited from an earlier measurement, not measured here');
  console.log('');
  console.log('CPU seconds per phase (apiserver / etcd / bench process), 2 cores shared:');
  const phases: [string, Usage][] = [
    ['(a) etcd creates', aUsage],
    ['(b) apiserver creates', bUsage],
    [`open loop etcd ${RATE}/s`, oeUsage],
    [`open loop apiserver ${RATE}/s`, oaUsage],
    ['(c) pod updates + node watchers', cUsage],
    ['(d) configmap updates + watchers', dUsage],
    ['(d) etcd updates + etcd watchers', eUsage],
  ];
  for (const [name, us] of phases) console.log(`  ${name.padEnd(36)} ${fmt(us.api, 2).padStart(6)} / ${fmt(us.etcd, 2).padStart(6)} / ${fmt(us.bench, 2).padStart(6)}   (${fmt(us.wallS, 1)} s)`);
  console.log(`(c): ${cEvents} events, ${cMissed} acked writes not seen by their node's watcher, ${cRes.early} received before the write's ack (counted as 0 ms)`);
  console.log(`(d): ${dEvents} events (${dMissing} missing) from the apiserver, ${ew.log.received} (${eMissing} missing) from etcd; before ack: ${dRes.early} / ${eRes.early}`);
  console.log(`machine load average: ${load.toFixed(2)} before start, ${loadavg()[0]!.toFixed(2)} at the end (other work on the machine skews every figure)`);
  console.log(`total ${fmt((performance.now() - started) / 1000, 0)} s`);

  const p = (x: Pcts, k: 'p50' | 'p99'): number => r2(x[k]);
  const out = {
    n: N,
    concurrency: CONC,
    create_per_s: Math.round(bRate),
    etcd_create_per_s: Math.round(aRate),
    create_ratio: r2(ratio),
    create_p50_ms: p(oaP, 'p50'),
    create_p99_ms: p(oaP, 'p99'),
    create_offered_per_s: RATE,
    open_loop_p99_ratio: r2(openP99Ratio),
    codec_cpu_share: Math.round(codec.share * 1000) / 1000,
    codec_profile_busy_samples: codec.busy,
    etcd_create_open_p50_ms: p(oeP, 'p50'),
    etcd_create_open_p99_ms: p(oeP, 'p99'),
    create_closed_p50_ms: p(bP, 'p50'),
    create_closed_p99_ms: p(bP, 'p99'),
    etcd_create_p50_ms: p(aP, 'p50'),
    etcd_create_p99_ms: p(aP, 'p99'),
    rss_mb: r1(afterCreates.rssMb),
    rss_start_mb: r1(rssStart),
    rss_after_open_loop_mb: r1(afterOpen.rssMb),
    rss_end_mb: r1(final.rssMb),
    rss_peak_mb: r1(final.hwmMb),
    apiserver_cpu_s_per_1000_creates: r2(bUsage.api / (N / 1000)),
    etcd_cpu_s_per_1000_creates_via_apiserver: r2(bUsage.etcd / (N / 1000)),
    etcd_cpu_s_per_1000_creates_direct: r2(aUsage.etcd / (N / 1000)),
    watch_selected_p50_ms: p(cP, 'p50'),
    watch_selected_p99_ms: p(cP, 'p99'),
    watch_selected_from_write_p50_ms: p(cFS, 'p50'),
    watch_selected_from_write_p99_ms: p(cFS, 'p99'),
    watch_all_from_write_p50_ms: p(dFS, 'p50'),
    watch_all_from_write_p99_ms: p(dFS, 'p99'),
    etcd_watch_all_from_write_p50_ms: p(eFS, 'p50'),
    etcd_watch_all_from_write_p99_ms: p(eFS, 'p99'),
    watch_selected_events: cEvents,
    watch_selected_setup_s: r2(cSetup.wallS),
    watch_selected_setup_apiserver_cpu_s: r2(cSetup.api),
    watch_all_setup_s: r2(dSetup.wallS),
    watch_selected_missed: cMissed,
    watch_selected_apiserver_cpu_s_per_1000_events: Math.round(cCpuPer1k * 1000) / 1000,
    watch_all_p50_ms: p(dP, 'p50'),
    watch_all_p99_ms: p(dP, 'p99'),
    watch_all_events: dEvents,
    watch_all_missed: dMissing,
    etcd_watch_all_p50_ms: p(eP, 'p50'),
    etcd_watch_all_p99_ms: p(eP, 'p99'),
    etcd_watch_all_events: ew.log.received,
    etcd_watch_all_missed: eMissing,
    apiserver_cpu_s_per_1000_events: Math.round(dCpuPer1k * 10000) / 10000,
    ...list.figures,
    loadavg_start: r2(load),
    loadavg_end: r2(loadavg()[0]!),
    errors_total: Object.values(failures).reduce((x, y) => x + y, 0),
    ...Object.fromEntries(Object.entries(failures).map(([k, v]) => [`errors_${k}`, v])),
    total_s: Math.round((performance.now() - started) / 1000),
  };
  console.log(JSON.stringify(out));
}

try {
  await main();
} catch (e) {
  process.stderr.write(`apiserver bench failed: ${(e as Error)?.stack ?? String(e)}\n`);
  if (apiProc) process.stderr.write(`--- skiff-apiserver log tail ---\n${apiProc.logTail()}\n`);
  process.exitCode = 1;
} finally {
  for (const c of closers.reverse()) {
    try {
      c();
    } catch {
      // closing anyway
    }
  }
  await apiProc?.stop(args.profile ? 20_000 : 3000).catch(() => {});
  await etcdProc?.stop().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  // Nothing of ours should keep the process alive now; a stray handle of a client library must not.
  setTimeout(() => process.exit(), 2000).unref();
}
