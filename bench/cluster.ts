// `npm run bench -- cluster`, part (a) of issue 14: `skiff-cluster up` (what `npm start` runs after
// setup; packages built and the lab's images cached) from nothing to the seed's app answering on
// every pod IP, with each step's share; then `down --purge`. A private cluster (own lab name, state
// folder, subnet, cluster CIDR, free ports) on 3 nodes, CLUSTER_BENCH_ROUNDS rounds (default 3),
// medians. The peer figure is cited, not measured here: kind takes 12-17 s to one node's API server
// with nothing deployed. Also the RSS of each Skiff process with the seed app running. Then, on the
// last round's cluster, parts (b) and (c) (lib/cluster-100.ts): a Deployment of 100 replicas to all
// Ready against the same containers by plain `docker run -d` (CLUSTER_BENCH_DOCKER_PARALLEL pods in
// flight per node, default 34: all of a node's pods at once, as the agent starts them), and the RSS of every Skiff process with those pods running
// (CLUSTER_BENCH_REPLICAS=0 leaves (b) and (c) out); with it, per node, the agent's and the proxy's own
// (anonymous) and file-backed memory, and the two with the node binary's shared pages counted once
// (lib/proc-memory.ts). The last line is one JSON object.
import { execFile, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { PAUSE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import { deploy100, type Deploy100Result } from './lib/cluster-100.js';
import { nodeMemoryMb, procMemory, type ProcMemory } from './lib/proc-memory.js';
import { procSample } from './lib/apiserver-etcd.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROUNDS = Number(process.env.CLUSTER_BENCH_ROUNDS ?? 3);
const REPLICAS = Number(process.env.CLUSTER_BENCH_REPLICAS ?? 100);
const DOCKER_PARALLEL = Number(process.env.CLUSTER_BENCH_DOCKER_PARALLEL ?? 34);
const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'packages/cluster/dist/main.js');

interface UpJson {
  server: string;
  nodes: { name: string; dockerHost: string }[];
  seed: { pods: { name: string; ip: string }[]; port: number };
  timings: { step: string; seconds: number }[];
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function get(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function free(prefixOf: (i: number) => string, from: number, to: number): Promise<number> {
  const { stdout: routes } = await exec('ip', ['-4', 'route', 'show', 'table', 'all']);
  const { stdout: addrs } = await exec('ip', ['-4', '-o', 'addr', 'show']);
  for (let i = from; i < to; i++) if (!routes.includes(prefixOf(i)) && !addrs.includes(prefixOf(i))) return i;
  throw new Error('no free range');
}

function rssMb(pid: number): number {
  return Math.round(procMemory(pid).rssMb * 10) / 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

const third = await free((i) => `10.196.${i}.`, 0, 256);
const second = await free((i) => `10.${i}.`, 150, 190);
const subnet = `10.196.${third}.0/24`;
const clusterCIDR = `10.${second}.0.0/16`;
const rounds: { total: number; steps: Record<string, number> }[] = [];
let rss: Record<string, number> = {};
let big: Deploy100Result | undefined;
const load: number[] = [loadavg()[0]!];

/** RSS in MB of every process the supervisor runs, by name. */
async function processRss(state: string[]): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await processPids(state)).map(([name, pid]) => [name, rssMb(pid)] as const));
}

async function processPids(state: string[]): Promise<Record<string, number>> {
  const st = await run([...state, 'status', '-o', 'json']);
  const procs = (JSON.parse(st.stdout) as { processes: { name: string; pid?: number }[] }).processes;
  return Object.fromEntries(procs.filter((p) => p.pid).map((p) => [p.name, p.pid!] as const));
}

/** Where each node's memory lies with the 100 pods running: the agent's and the proxy's own pages
 * (anonymous) and file pages (the node binary, shared), and the node's total with shared pages once. */
interface NodeMemory {
  agent: ProcMemory;
  proxy: ProcMemory;
  sharedOnceMb: number;
  /** CPU seconds since each process started (utime + stime) */
  agentCpuS: number;
  proxyCpuS: number;
}
let nodeMemory: Record<string, NodeMemory> = {};

async function readNodeMemory(state: string[]): Promise<void> {
  const pids = await processPids(state);
  nodeMemory = {};
  for (const name of Object.keys(pids).filter((k) => k.startsWith('agent-'))) {
    const node = name.slice('agent-'.length);
    const agent = pids[name]!;
    const proxy = pids[`proxy-${node}`];
    if (proxy === undefined) continue;
    nodeMemory[node] = { agent: procMemory(agent), proxy: procMemory(proxy), sharedOnceMb: nodeMemoryMb([agent, proxy]), agentCpuS: procSample(agent).cpuS, proxyCpuS: procSample(proxy).cpuS };
  }
}

for (let round = 0; round < ROUNDS; round++) {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-bench-cluster-'));
  const state = ['--state-dir', join(dir, 'state')];
  try {
    const t0 = performance.now();
    const up = await run([...state, 'up', '--name', `bench-${randomBytes(3).toString('hex')}`, '--nodes', '3', '--subnet', subnet, '--cluster-cidr', clusterCIDR, '--free-ports', '--no-user-config', '--json']);
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
    const r = JSON.parse(up.stdout.trim().split('\n').pop()!) as UpJson;
    for (const p of r.seed.pods) {
      for (;;) {
        const body = await get(p.ip, r.seed.port).catch(() => '');
        if (body.trim() === p.name) break;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    const total = (performance.now() - t0) / 1000;
    rounds.push({ total, steps: Object.fromEntries(r.timings.map((t) => [t.step, t.seconds])) });
    process.stdout.write(`round ${round + 1}: ${total.toFixed(2)} s (${r.timings.map((t) => `${t.step} ${t.seconds.toFixed(2)}`).join(', ')})\n`);
    load.push(loadavg()[0]!);
    if (round === ROUNDS - 1) {
      rss = await processRss(state);
      if (REPLICAS > 0) {
        big = await deploy100({
          server: r.server,
          token: readFileSync(join(dir, 'state', 'admin.token'), 'utf8').trim(),
          nodes: r.nodes,
          replicas: REPLICAS,
          image: TESTBOX_IMAGE,
          pauseImage: PAUSE_IMAGE,
          podNetwork: 'skiff-pods',
          dockerParallel: DOCKER_PARALLEL,
          rss: async () => {
            await readNodeMemory(state);
            return processRss(state);
          },
          log: (line) => process.stdout.write(`${line}\n`),
        });
        load.push(loadavg()[0]!);
      }
    }
  } finally {
    const down = await run([...state, 'down', '--purge']);
    if (down.code !== 0) process.stderr.write(`down failed: ${down.stderr}\n`);
    await rm(dir, { recursive: true, force: true });
  }
}

const start = median(rounds.map((r) => r.total));
const steps = Object.keys(rounds[0]!.steps);
process.stdout.write(`\nnpm start (skiff-cluster up, 3 nodes, images cached) to the seed app answering, median of ${ROUNDS}:\n`);
process.stdout.write(`  total                 ${start.toFixed(2)} s   (target 15 s; kind: 12-17 s to one node's API server, cited, not measured here)\n`);
for (const s of steps) {
  const m = median(rounds.map((r) => r.steps[s] ?? 0));
  process.stdout.write(`  ${s.padEnd(22)}${m.toFixed(2)} s  ${Math.round((m / start) * 100)}%\n`);
}
process.stdout.write(`  (the image build overlaps the control plane and nodes steps; "image" is what remained)\n`);
process.stdout.write(`\nRSS with the seed app running (MB): ${Object.entries(rss).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
const controlPlane = (m: Record<string, number>) => r2((m.apiserver ?? 0) + (m.scheduler ?? 0) + (m['controller-manager'] ?? 0));
/** agent + proxy of the node that uses the most */
const nodeMax = (m: Record<string, number>) => r2(Math.max(...Object.keys(m).filter((k) => k.startsWith('agent-')).map((k) => (m[k] ?? 0) + (m[`proxy-${k.slice('agent-'.length)}`] ?? 0))));
const cp = controlPlane(rss);
if (big) {
  const b = big;
  process.stdout.write(`\n(b) ${REPLICAS} replicas on 3 nodes to all Ready: ${b.deploy_s.toFixed(2)} s (created ${b.milestones.created.toFixed(2)}, bound ${b.milestones.bound.toFixed(2)}, Running ${b.milestones.running.toFixed(2)}, Ready ${b.milestones.ready.toFixed(2)}); per node ${JSON.stringify(b.perNode)}\n`);
  process.stdout.write(`    the same containers by docker run -d (${DOCKER_PARALLEL} pods in flight per node): ${b.docker_s.toFixed(2)} s; ratio ${(b.deploy_s / b.docker_s).toFixed(2)} (target 1.3)\n`);
  process.stdout.write(`(c) RSS with the ${REPLICAS} pods running (MB): ${Object.entries(b.rss).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  process.stdout.write(`    control plane (apiserver + scheduler + controller-manager) ${controlPlane(b.rss)} (target 300); agent + proxy per node, the largest, ${nodeMax(b.rss)} (target 150); etcd ${b.rss.etcd ?? 0}\n`);
  const f = (x: number) => x.toFixed(1);
  for (const [node, m] of Object.entries(nodeMemory)) {
    process.stdout.write(`    ${node}: agent ${f(m.agent.rssMb)} (own ${f(m.agent.anonMb)} + file ${f(m.agent.fileMb)}), proxy ${f(m.proxy.rssMb)} (own ${f(m.proxy.anonMb)} + file ${f(m.proxy.fileMb)}); with the node binary's shared pages counted once ${f(m.sharedOnceMb)}; CPU s since start: agent ${f(m.agentCpuS)}, proxy ${f(m.proxyCpuS)}\n`);
  }
}
process.stdout.write(`load average (1 min) during the run: ${load.map((l) => l.toFixed(1)).join(', ')}\n`);
process.stdout.write(
  JSON.stringify({
    start_s: r2(start),
    ...Object.fromEntries(steps.map((s) => [`step_${s.replace(/ /g, '_')}_s`, r2(median(rounds.map((r) => r.steps[s] ?? 0)))])),
    control_plane_rss_mb_seed: cp,
    agent_rss_mb_seed: r2(Math.max(...Object.entries(rss).filter(([k]) => k.startsWith('agent-')).map(([, v]) => v))),
    ...(big
      ? {
          deploy_100_s: r2(big.deploy_s),
          docker_100_s: r2(big.docker_s),
          deploy_ratio: r2(big.deploy_s / big.docker_s),
          control_plane_rss_mb: controlPlane(big.rss),
          node_rss_mb: nodeMax(big.rss),
          node_mem_shared_once_mb: r2(Math.max(...Object.values(nodeMemory).map((m) => m.sharedOnceMb))),
          agent_cpu_s: r2(Math.max(...Object.values(nodeMemory).map((m) => m.agentCpuS))),
          etcd_rss_mb: big.rss.etcd ?? 0,
        }
      : {}),
    load_avg_max: r2(Math.max(...load)),
  }) + '\n',
);
