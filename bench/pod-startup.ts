// `npm run bench -- pod-startup` (issue 11): skiff-node-agent on one lab node, images present.
// (a) 30 pods created at once, create -> Running as a watch sees it, against the limit measured on
//     the same dockerd in the same run: plain `docker run -d` of the same containers (per pod the
//     sandbox on the pod network, then the app joined to its network and IPC namespaces), 30 at once;
// (b) one pod alone against one sandbox + app `docker run` pair;
// (c) the agent's RSS with 100 running pods (and how much of it is its own: lib/proc-memory.ts);
//     (d) its CPU per second with 100 running pods and nothing changing. Targets: ratios <= 1.3,
//     RSS <= 120 MB, idle CPU <= 2 % of a core.
// The last line is one JSON object.
import { cpus, loadavg } from 'node:os';
import type { Pod } from '@skiff/api';
import { PAUSE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import { procSample } from './lib/apiserver-etcd.js';
import { startLabAgent, type LabAgent } from './lib/lab-agent.js';
import { procMemory } from './lib/proc-memory.js';

const root = new URL('../../', import.meta.url).pathname;
const BATCH = 30;
const ROUNDS = Number(process.env.POD_STARTUP_ROUNDS ?? 2);
const SINGLES = Number(process.env.POD_STARTUP_SINGLES ?? 5);
const IDLE_PODS = 100;
const IDLE_WINDOW_S = Number(process.env.POD_STARTUP_IDLE_S ?? 30);
const NS = 'default';
const NETWORK = 'skiff-pods'; // the agent's pod network (DEFAULT_NETWORK_NAME)

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pod(name: string, nodeName: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { bench: 'pod-startup' } },
    spec: { nodeName, terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: TESTBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
  };
}

/** One sandbox + app pair the way the agent makes them, by the docker CLI; seconds. */
async function dockerPair(env: LabAgent, name: string): Promise<number> {
  const t0 = performance.now();
  await env.docker(['run', '-d', '--name', `${name}-sbx`, '--network', NETWORK, '--ipc', 'shareable', PAUSE_IMAGE]);
  await env.docker(['run', '-d', '--name', `${name}-app`, '--network', `container:${name}-sbx`, '--ipc', `container:${name}-sbx`, TESTBOX_IMAGE, 'sleep', '3600']);
  return (performance.now() - t0) / 1000;
}

async function dockerBatch(env: LabAgent, prefix: string, n: number): Promise<number[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  try {
    return await Promise.all(names.map((name) => dockerPair(env, name)));
  } finally {
    await env.docker(['rm', '-f', ...names.flatMap((n) => [`${n}-app`, `${n}-sbx`])]).catch(() => '');
  }
}

/** Creates the pods at once; seconds from each create call to the first watch event showing it Running. */
async function podBatch(env: LabAgent, prefix: string, n: number, timeoutMs = 180_000): Promise<number[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const started = new Map<string, number>();
  const running = new Map<string, number>();
  const ac = new AbortController();
  const rv = (await env.cs.pods(NS).list()).resourceVersion;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  const watching = (async () => {
    for await (const batch of env.cs.pods(NS).watch({ resourceVersion: rv }, ac.signal)) {
      const at = performance.now();
      for (const e of batch.events) {
        const name = e.object?.metadata.name ?? '';
        if (e.object?.status?.phase === 'Running' && started.has(name) && !running.has(name)) running.set(name, at);
      }
      if (running.size === n) resolveAll();
    }
  })().catch((e: unknown) => {
    if (!ac.signal.aborted) throw e;
  });
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    await Promise.all(
      names.map(async (name) => {
        started.set(name, performance.now());
        await env.cs.pods(NS).create(pod(name, env.node.name));
      }),
    );
    await Promise.race([all, watching.then(() => Promise.reject(new Error(`${running.size}/${n} pods Running within ${timeoutMs} ms`)))]);
  } finally {
    clearTimeout(timer);
    ac.abort();
    await watching.catch(() => undefined);
  }
  return names.map((name) => (running.get(name)! - started.get(name)!) / 1000);
}

async function deleteAll(env: LabAgent): Promise<void> {
  const pods = (await env.cs.pods(NS).list({ labelSelector: 'bench=pod-startup' })).items;
  await Promise.all(pods.map((p) => env.cs.pods(NS).delete(p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined)));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const left = (await env.cs.pods(NS).list({ labelSelector: 'bench=pod-startup' })).items.length;
    const containers = (await env.docker(['ps', '-aq', '--filter', 'label=io.skiff.type'])).trim();
    if (left === 0 && containers === '') return;
    await sleep(500);
  }
  throw new Error('pods not gone within 180 s');
}

async function main(): Promise<void> {
  const env = await startLabAgent(root, 'pods');
  try {
    const load0 = loadavg()[0]!;
    // warm both paths once (first container of an image, the network's first endpoint)
    await dockerBatch(env, 'warm', 1);
    await podBatch(env, 'warm', 1);
    await deleteAll(env);

    const pods: number[] = [];
    const docker: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // alternate which goes first, so neither always runs on a fresher engine
      const first = round % 2 === 0 ? 'docker' : 'pods';
      for (const what of first === 'docker' ? ['docker', 'pods'] : ['pods', 'docker']) {
        if (what === 'docker') docker.push(...(await dockerBatch(env, `b${round}`, BATCH)));
        else {
          pods.push(...(await podBatch(env, `p${round}`, BATCH)));
          await deleteAll(env);
        }
      }
    }

    const singlePod: number[] = [];
    const singleDocker: number[] = [];
    for (let i = 0; i < SINGLES; i++) {
      singleDocker.push(...(await dockerBatch(env, `s${i}`, 1)));
      singlePod.push(...(await podBatch(env, `s${i}`, 1)));
      await deleteAll(env);
    }

    // (c) and (d): 100 running pods, then nothing changing
    const hundred = await podBatch(env, 'idle', IDLE_PODS, 300_000);
    await sleep(15_000); // the first resyncs, GC and status writes settle
    const rss: number[] = [];
    const c0 = procSample(env.agent.pid);
    const t0 = performance.now();
    for (let s = 0; s < IDLE_WINDOW_S; s += 5) {
      await sleep(5000);
      rss.push(procSample(env.agent.pid).rssMb);
    }
    const c1 = procSample(env.agent.pid);
    const mem = procMemory(env.agent.pid); // its own pages and the node binary's (shared with every Node process)
    const idleCpuPct = ((c1.cpuS - c0.cpuS) / ((performance.now() - t0) / 1000)) * 100;
    const rssMb = Math.max(...rss);
    const hwmMb = c1.hwmMb;
    await deleteAll(env);
    const load1 = loadavg()[0]!;

    const p50 = median(pods);
    const p99 = quantile(pods, 0.99);
    const d50 = median(docker);
    const d99 = quantile(docker, 0.99);
    const s50 = median(singlePod);
    const sd50 = median(singleDocker);
    const rows: string[][] = [
      ['figure', 'skiff-node-agent', 'docker run (limit)', 'ratio', 'target'],
      [`${BATCH} at once, p50 (s)`, p50.toFixed(3), d50.toFixed(3), (p50 / d50).toFixed(2), '<= 1.3'],
      [`${BATCH} at once, p99 (s)`, p99.toFixed(3), d99.toFixed(3), (p99 / d99).toFixed(2), '<= 1.3'],
      ['one alone, median (s)', s50.toFixed(3), sd50.toFixed(3), (s50 / sd50).toFixed(2), '<= 1.3'],
      [`${IDLE_PODS} at once, p50 / max (s)`, `${median(hundred).toFixed(2)} / ${Math.max(...hundred).toFixed(2)}`, '-', '-', '-'],
      [`agent RSS, ${IDLE_PODS} pods (MB)`, rssMb.toFixed(1), '-', '-', '<= 120'],
      [`  own (anonymous) + file-backed (MB)`, `${mem.anonMb.toFixed(1)} + ${mem.fileMb.toFixed(1)}`, '-', '-', '-'],
      [`agent peak RSS (MB)`, hwmMb.toFixed(1), '-', '-', '-'],
      [`agent CPU idle, ${IDLE_PODS} pods (% of a core)`, idleCpuPct.toFixed(2), '-', '-', '<= 2'],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log(`pod-startup: 1 lab node, ${ROUNDS} rounds of ${BATCH} (${pods.length} samples each side), ${SINGLES} singles; load average ${load0.toFixed(2)} -> ${load1.toFixed(2)} on ${cpus().length} cores`);
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    console.log(
      JSON.stringify({
        p50_ratio: r3(p50 / d50),
        p99_ratio: r3(p99 / d99),
        single_ratio: r3(s50 / sd50),
        p50_s: r3(p50),
        p99_s: r3(p99),
        docker_p50_s: r3(d50),
        docker_p99_s: r3(d99),
        single_s: r3(s50),
        docker_single_s: r3(sd50),
        rss_mb_100_pods: r3(rssMb),
        rss_anon_mb_100_pods: r3(mem.anonMb),
        idle_cpu_pct_100_pods: r3(idleCpuPct),
        load_avg: [r3(load0), r3(load1)],
      }),
    );
  } finally {
    await env.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
