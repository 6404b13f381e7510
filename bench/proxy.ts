// `npm run bench -- proxy` (issue 13): skiff-proxy with real iptables in a private network namespace
// (created and removed here, also on failure) against a real apiserver (private etcd), at 1,000
// and 10,000 services of 10 endpoints each, on both iptables backends:
//   (a) the proxy's first full sync (its own sync duration; start to programmed beside it) and
//   (b) the restores alone of the same rules (the proxy's planner, the same chunking, timed around
//       iptables-restore only, in a fresh namespace) just before and just after the proxy's run,
//       averaged (the machine's load drifts), and the ratio;
//   (c) an Endpoints change in the apiserver to its rule in the kernel, p50/p99 over CHANGES changes
//       (the change carries endpoints.kubernetes.io/last-change-trigger-time = the moment before the
//       write; the proxy logs, per sync, how long ago each change it put in the kernel was made, and
//       how long ago it received it: the rest is the apiserver's write and the watch);
//   (d) the proxy's RSS after its first sync and after the changes (and its peak);
//   (e) DNS answers per second for a service name from the proxy vs dnsmasq (a host record, no
//       upstream) asked the same query by the same load generator, same namespace, in alternating
//       1 s slices.
// Env: PROXY_BENCH_SCALES (default 1000,10000), PROXY_BENCH_BACKENDS (nft,legacy),
// PROXY_BENCH_CHANGES (50), PROXY_BENCH_DNS_SECONDS (5), PROXY_BENCH_MAIN (the proxy's main.js),
// PROXY_BENCH_NODE_FLAGS (node flags for the proxy, space-separated, e.g. a deployment's V8 flags),
// PROXY_BENCH_HEAP_SNAPSHOT (a directory: the proxy writes a heap snapshot there after its first
// sync, after the RSS sample; for finding what holds memory, not for figures).
// The last line is one JSON object.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Endpoints, Service } from '@skiff/api';
import { createClient, type Client } from '@skiff/machinery';
import { EndpointsChangeTracker, ExecIptables, JUMPS, RulesPlanner, ServiceChangeTracker, spawnCommand, type Backend, type EndpointsMap, type ServicePortMap } from '@skiff/proxy';
import { procSample, startApiServer, startEtcd, UNLIMITED, type BenchApiServer, type BenchEtcd } from './lib/apiserver-etcd.js';
import { dnsQps, NetNs, ProxyProcess, relay, removeAll, startDnsmasq } from './lib/proxy-node.js';

const root = new URL('../..', import.meta.url).pathname;
const MAIN = process.env.PROXY_BENCH_MAIN ?? join(root, 'packages/proxy/dist/main.js');
const SCALES = (process.env.PROXY_BENCH_SCALES ?? '1000,10000').split(',').map(Number).sort((a, b) => a - b);
const BACKENDS = (process.env.PROXY_BENCH_BACKENDS ?? 'nft,legacy').split(',') as Backend[];
const CHANGES = Number(process.env.PROXY_BENCH_CHANGES ?? 50);
const DNS_SECONDS = Number(process.env.PROXY_BENCH_DNS_SECONDS ?? 5);
const NODE_FLAGS = (process.env.PROXY_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
const HEAP_SNAPSHOT_DIR = process.env.PROXY_BENCH_HEAP_SNAPSHOT;
const NS = 'bench';
const ENDPOINTS_PER_SERVICE = 10;
const DNS_IP = '169.254.20.10';
const PEER_DNS_IP = '127.0.0.53';
const NODE = 'bench-node';
const CLUSTER_CIDR = '10.244.0.0/16';
// The nf_tables chunk size the proxy uses (syncer.ts); the restores alone use the same.
const NFT_CHUNK = 4096;

const ip = (n: number, base: number): string => `10.${base + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => void process.stderr.write(`[proxy-bench ${new Date().toISOString().slice(11, 19)} load ${loadavg()[0]?.toFixed(1)}] ${s}\n`);

/** The process's resident memory by kind (smaps_rollup): anonymous (the heaps) and file-backed (node's binary and libraries). */
function rssParts(pid: number): string {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return `anonymous ${r1(kb('Anonymous') / 1024)} MB, file ${r1((kb('Rss') - kb('Anonymous')) / 1024)} MB`;
}

function serviceObj(i: number): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: NS, name: `svc-${i}` }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
}

function endpointsObj(i: number, addrs: string[], trigger?: string): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace: NS, name: `svc-${i}`, ...(trigger ? { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': trigger } } : {}) },
    subsets: [{ addresses: addrs.map((a) => ({ ip: a, nodeName: 'elsewhere' })), ports: [{ name: 'http', port: 8080 }] }],
  };
}

const baseAddrs = (i: number): string[] => Array.from({ length: ENDPOINTS_PER_SERVICE }, (_, j) => ip(i * ENDPOINTS_PER_SERVICE + j + 1, 128));

/** Creates services [from, to) and their Endpoints, `inFlight` at a time. */
async function populate(client: Client, from: number, to: number, services: Service[], endpoints: Endpoints[]): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const i = next++;
      services[i] = await client.create(serviceObj(i));
      endpoints[i] = await client.create(endpointsObj(i, baseAddrs(i)));
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

/** (b): the proxy's planner on the same objects, restores only timed, in a fresh namespace. */
async function restoreAlone(backend: Backend, services: Service[], endpoints: Endpoints[]): Promise<{ ms: number; restores: number }> {
  const svcMap: ServicePortMap = new Map();
  const epMap: EndpointsMap = new Map();
  const st = new ServiceChangeTracker();
  const et = new EndpointsChangeTracker(NODE);
  for (const s of services) st.update(undefined, s);
  for (const e of endpoints) et.update(undefined, e);
  st.apply(svcMap);
  et.apply(epMap);
  // The proxy's rules: the same cluster CIDR (it decides the masquerade rules and which endpoints need a chain).
  const planner = new RulesPlanner({ clusterCIDR: CLUSTER_CIDR, ...(backend === 'nft' ? { maxChainsPerRestore: NFT_CHUNK } : {}) });
  const plan = planner.plan({ services: svcMap, endpoints: epMap, existingNatChains: [], missingJumps: JUMPS });
  // Made in full before the clock starts: only the restores are timed.
  const payloads = [...plan.payloads()].map((p) => [...p].join(''));
  const ns = new NetNs();
  try {
    ns.create();
    const ipt = new ExecIptables(backend, spawnCommand(ns.path));
    const t0 = performance.now();
    // As the proxy's syncer restores them: one restore streamed, several each from its file.
    if (payloads.length === 1) await ipt.restore(payloads[0] ?? '');
    else for (const p of payloads) await (await ipt.prepare(p)).apply();
    return { ms: performance.now() - t0, restores: payloads.length };
  } finally {
    ns.remove();
  }
}

interface Run {
  scale: number;
  backend: Backend;
  restoreMs: number;
  restores: number;
  fullSyncMs: number;
  startToProgrammedMs: number;
  ratio: number;
  changeP50: number;
  changeP99: number;
  changeMax: number;
  /** The proxy's own duration of the syncs that carried the changes, p50 and p99. */
  changeSyncP50: number;
  changeSyncP99: number;
  /** The time from a change to the start of its sync, p99. */
  changeWaitP99: number;
  /** Of that, the time before the proxy received the change (apiserver write, watch), p99. */
  changeDeliveryP99: number;
  rssMb: number;
  rssAfterMb: number;
  hwmMb: number;
  dns?: { qps: number; peerQps: number; ratio: number; bad: number; peerBad: number };
}

async function proxyRun(
  scale: number,
  backend: Backend,
  api: { client: Client; sock: string },
  services: Service[],
  endpoints: Endpoints[],
  withDns: boolean,
  dir: string,
): Promise<Omit<Run, 'restoreMs' | 'restores' | 'ratio'>> {
  const ns = new NetNs();
  let proxy: ProxyProcess | undefined;
  let peer: ReturnType<typeof startDnsmasq> | undefined;
  try {
    ns.create();
    const t0 = performance.now();
    proxy = new ProxyProcess(ns, MAIN, [
      '--server', `unix:${api.sock}`, '--hostname-override', NODE, '--cluster-cidr', CLUSTER_CIDR, '--iptables-backend', backend,
      '--health-port', '-1', '--cluster-dns-ip', DNS_IP, '--resolv-conf', join(dir, 'resolv.conf'), '--kube-api-qps', '0',
    ], [...NODE_FLAGS, ...(HEAP_SNAPSHOT_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${HEAP_SNAPSHOT_DIR}`] : [])]);
    const first = await proxy.next((l) => l.msg === 'proxy rules programmed', 30 * 60_000, 'first sync');
    const startToProgrammedMs = performance.now() - t0;
    const fullSyncMs = Number(first.durationMs);
    const afterSync = procSample(proxy.proc.pid!);
    log(`${backend} ${scale}: first full sync ${r1(fullSyncMs)} ms (${r1(startToProgrammedMs)} ms from start), RSS ${r1(afterSync.rssMb)} MB (${rssParts(proxy.proc.pid!)})`);
    const tl = first.timeline as { stages?: [string, number, number][]; cpuMs?: number } | undefined;
    if (tl?.stages) log(`${backend} ${scale}: first full sync's stages (ms from its start) ${tl.stages.map(([n, a, b]) => `${n} ${a}-${b}`).join(', ')}; the proxy's CPU meanwhile ${tl.cpuMs} ms`);
    if (HEAP_SNAPSHOT_DIR) {
      proxy.proc.kill('SIGUSR2');
      await sleep(20_000); // written synchronously by the proxy; it answers nothing meanwhile
      log(`${backend} ${scale}: heap snapshot in ${HEAP_SNAPSHOT_DIR}`);
    }

    // (c) one change at a time, each waited for; at least 1.2 s apart so the 1 s min sync period
    // does not hold it back (a burst would be one sync).
    const latencies: number[] = [];
    const syncMs: number[] = [];
    // Per change: the time before its sync started (watch delivery, the runner's min sync period, a
    // sync already running) = its latency minus its sync's own duration.
    const waits: number[] = [];
    // Per change: the time before the proxy received it (its latency minus the proxy's own time since).
    const deliveries: number[] = [];
    let lastWrite = 0;
    // The slowest change's sync log line: how its run came about (askedMs, heldMs, lateMs, loopDelayMaxMs).
    let slowest: { ms: number; line: Record<string, unknown> } | undefined;
    for (let k = 0; k < CHANGES; k++) {
      await sleep(Math.max(0, lastWrite + 1200 - performance.now()));
      const i = (k * 7919) % scale;
      const addrs = baseAddrs(i);
      addrs[0] = ip(k + 1, 200);
      const synced = proxy.next((l) => l.msg === 'synced proxy rules' && Array.isArray(l.programmingMs) && l.programmingMs.length > 0, 5 * 60_000, `change ${k}`);
      lastWrite = performance.now();
      const cur = endpoints[i]!;
      const changed = endpointsObj(i, addrs, new Date().toISOString());
      endpoints[i] = await api.client.update({ ...changed, metadata: { ...cur.metadata, annotations: changed.metadata?.annotations ?? {} } });
      const l = await synced;
      latencies.push(...(l.programmingMs as number[]));
      const worst = Math.max(...(l.programmingMs as number[]));
      if (!slowest || worst > slowest.ms) slowest = { ms: worst, line: l };
      syncMs.push(Number(l.durationMs));
      for (const ms of l.programmingMs as number[]) waits.push(ms - Number(l.durationMs));
      const since = Array.isArray(l.sinceReceivedMs) ? (l.sinceReceivedMs as number[]) : [];
      (l.programmingMs as number[]).forEach((ms, j) => deliveries.push(ms - (since[j] ?? ms)));
    }
    // Put the first endpoints back for the next run (not measured).
    for (let k = 0; k < CHANGES; k++) {
      const i = (k * 7919) % scale;
      const cur = endpoints[i]!;
      endpoints[i] = await api.client.update({ ...endpointsObj(i, baseAddrs(i)), metadata: { ...cur.metadata, annotations: {} } });
    }
    if (slowest) {
      const { askedMs, heldMs, lateMs, loopDelayMaxMs, sinceReceivedMs, durationMs } = slowest.line;
      log(`${backend} ${scale}: slowest change ${r1(slowest.ms)} ms: received ${JSON.stringify(sinceReceivedMs)} ms before its sync ended, its sync ${String(durationMs)} ms, asked for ${String(askedMs)} ms before it started (held back by the min period ${String(heldMs)} ms, its timer late ${String(lateMs)} ms), event loop delay max since the sync before ${String(loopDelayMaxMs)} ms`);
    }
    const after = procSample(proxy.proc.pid!);
    log(`${backend} ${scale}: change p50 ${r1(pct(latencies, 50))} ms, p99 ${r1(pct(latencies, 99))} ms (its sync p50 / p99 / max ${r1(pct(syncMs, 50))} / ${r1(pct(syncMs, 99))} / ${r1(Math.max(...syncMs))} ms; before its sync p50 / p99 / max ${r1(pct(waits, 50))} / ${r1(pct(waits, 99))} / ${r1(Math.max(...waits))} ms, of it before the proxy received it p50 / p99 / max ${r1(pct(deliveries, 50))} / ${r1(pct(deliveries, 99))} / ${r1(Math.max(...deliveries))} ms), RSS ${r1(after.rssMb)} MB (peak ${r1(after.hwmMb)}; ${rssParts(proxy.proc.pid!)})`);

    let dns: Run['dns'];
    if (withDns) {
      const name = `svc-0.${NS}.svc.cluster.local`;
      const clusterIP = services[0]?.spec?.clusterIP ?? '';
      const ours = dnsQps(ns, DNS_IP, name, 1); // warm up
      peer = startDnsmasq(ns, PEER_DNS_IP, name, clusterIP);
      await sleep(500);
      if (ours.qps === 0) throw new Error('the proxy answered no DNS query');
      // Alternating 1 s slices, so both see the same machine load.
      const a = { qps: 0, bad: 0 };
      const b = { qps: 0, bad: 0 };
      for (let s = 0; s < DNS_SECONDS; s++) {
        for (const [to, sum] of [[DNS_IP, a], [PEER_DNS_IP, b]] as const) {
          const r = dnsQps(ns, to, name, 1);
          sum.qps += r.qps / DNS_SECONDS;
          sum.bad += r.bad;
        }
      }
      a.qps = Math.round(a.qps);
      b.qps = Math.round(b.qps);
      if (b.qps === 0) throw new Error('dnsmasq answered no DNS query');
      dns = { qps: a.qps, peerQps: b.qps, ratio: r2(a.qps / b.qps), bad: a.bad, peerBad: b.bad };
      log(`DNS: proxy ${a.qps}/s, dnsmasq ${b.qps}/s`);
    }
    return {
      scale,
      backend,
      fullSyncMs,
      startToProgrammedMs,
      changeP50: pct(latencies, 50),
      changeP99: pct(latencies, 99),
      changeMax: Math.max(...latencies),
      changeSyncP50: pct(syncMs, 50),
      changeSyncP99: pct(syncMs, 99),
      changeWaitP99: pct(waits, 99),
      changeDeliveryP99: pct(deliveries, 99),
      rssMb: afterSync.rssMb,
      rssAfterMb: after.rssMb,
      hwmMb: after.hwmMb,
      ...(dns ? { dns } : {}),
    };
  } finally {
    peer?.kill('SIGTERM');
    await proxy?.stop();
    ns.remove();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-proxy-'));
let etcd: BenchEtcd | undefined;
let apiserver: BenchApiServer | undefined;
let client: Client | undefined;
const runs: Run[] = [];
const onSignal = (): void => {
  removeAll(); // proxies first (SIGKILL), then the namespaces
  etcd?.killNow();
  apiserver?.killNow();
  rmSync(dir, { recursive: true, force: true });
  process.exit(130);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  execFileSync('dnsmasq', ['--version']);
} catch {
  log('installing dnsmasq-base (the DNS peer)');
  execFileSync('apt-get', ['install', '-y', 'dnsmasq-base'], { stdio: 'ignore' });
}
try {
  writeFileSync(join(dir, 'resolv.conf'), '# no upstream: the bench asks only for cluster names\n');
  etcd = await startEtcd(dir);
  apiserver = await startApiServer(root, etcd.endpoint);
  client = createClient({ server: apiserver.address, rateLimit: UNLIMITED });
  const sockPath = join(dir, 'api.sock');
  const sock = await relay(sockPath, apiserver.address);
  try {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const services: Service[] = [];
    const endpoints: Endpoints[] = [];
    let have = 0;
    for (const scale of SCALES) {
      const t = performance.now();
      await populate(client, have, scale, services, endpoints);
      log(`created services ${have}..${scale - 1} with ${ENDPOINTS_PER_SERVICE} endpoints each in ${r1((performance.now() - t) / 1000)} s`);
      have = scale;
      const svcs = services.slice(0, scale);
      for (const backend of BACKENDS) {
        // Before and after the proxy's run, averaged: the machine's load drifts.
        const before = await restoreAlone(backend, svcs, endpoints.slice(0, scale));
        log(`${backend} ${scale}: restores alone ${r1(before.ms)} ms in ${before.restores} restore(s)`);
        const withDns = scale === SCALES[SCALES.length - 1] && backend === BACKENDS[0];
        const p = await proxyRun(scale, backend, { client, sock: sockPath }, svcs, endpoints, withDns, dir);
        const after = await restoreAlone(backend, svcs, endpoints.slice(0, scale));
        log(`${backend} ${scale}: restores alone again ${r1(after.ms)} ms`);
        const restoreMs = (before.ms + after.ms) / 2;
        runs.push({ ...p, restoreMs, restores: before.restores, ratio: r2(p.fullSyncMs / restoreMs) });
      }
    }
  } finally {
    sock.close();
  }
} finally {
  client?.close();
  await apiserver?.stop();
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
}

const k = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));
console.log(`\nskiff-proxy${NODE_FLAGS.length ? ` (node ${NODE_FLAGS.join(' ')})` : ''}, ${ENDPOINTS_PER_SERVICE} endpoints per service, ${CHANGES} changes per run; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| services | backend | restores alone (ms) | proxy full sync (ms) | ratio (<= 1.3) | start to programmed (ms) | change p50 / p99 / max (ms) (p99 <= 1000) | its sync p50 / p99 (ms) | before its sync p99 (ms) | RSS after sync / after changes / peak (MB) (<= 150) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of runs)
  console.log(`| ${r.scale} | ${r.backend} | ${r1(r.restoreMs)} (${r.restores}) | ${r1(r.fullSyncMs)} | ${r.ratio} | ${r1(r.startToProgrammedMs)} | ${r1(r.changeP50)} / ${r1(r.changeP99)} / ${r1(r.changeMax)} | ${r1(r.changeSyncP50)} / ${r1(r.changeSyncP99)} | ${r1(r.changeWaitP99)} | ${r1(r.rssMb)} / ${r1(r.rssAfterMb)} / ${r1(r.hwmMb)} |`);
const dnsRun = runs.find((r) => r.dns);
if (dnsRun?.dns)
  console.log(`\nDNS, A svc-0.${NS}.svc.cluster.local, ${DNS_SECONDS} s each, 32 UDP clients, ${dnsRun.scale} services: proxy ${dnsRun.dns.qps}/s, dnsmasq ${dnsRun.dns.peerQps}/s, ratio ${dnsRun.dns.ratio} (>= 0.8)`);
const out: Record<string, number> = {};
for (const r of runs) {
  out[`full_sync_ratio_${r.backend}_${k(r.scale)}`] = r.ratio;
  out[`change_p99_ms_${r.backend}_${k(r.scale)}`] = Math.round(r.changeP99);
  out[`change_p50_ms_${r.backend}_${k(r.scale)}`] = Math.round(r.changeP50);
  out[`change_sync_p99_ms_${r.backend}_${k(r.scale)}`] = Math.round(r.changeSyncP99);
  out[`change_wait_p99_ms_${r.backend}_${k(r.scale)}`] = Math.round(r.changeWaitP99);
  out[`change_delivery_p99_ms_${r.backend}_${k(r.scale)}`] = Math.round(r.changeDeliveryP99);
  out[`full_sync_ms_${r.backend}_${k(r.scale)}`] = Math.round(r.fullSyncMs);
  out[`restore_ms_${r.backend}_${k(r.scale)}`] = Math.round(r.restoreMs);
  out[`rss_mb_${k(r.scale)}`] = Math.max(out[`rss_mb_${k(r.scale)}`] ?? 0, r1(r.rssAfterMb), r1(r.rssMb));
}
if (dnsRun?.dns) Object.assign(out, { dns_qps: dnsRun.dns.qps, dns_peer_qps: dnsRun.dns.peerQps, dns_ratio: dnsRun.dns.ratio });
out.load_average = r2(loadavg()[0] ?? 0);
console.log(JSON.stringify(out));
