// Benchmark: skiff-scheduler's scheduling cycle in process, no apiserver (the CPU each pod costs the
// scheduler itself, which `npm run bench -- scheduler` cannot separate from gRPC and the watch).
//
//   npm run bench -- scheduler-cycle [--nodes 5000] [--placed 1000] [--pods 10000] [--batch 100] [--rounds 3]
//
// The real Scheduler with Kubernetes' default profile, fed through SchedulerEventHandlers as the
// informers feed it: N hollow nodes (lib/hollow-cluster.ts: 4 cpu, 32Gi, 110 pods), `placed` pods
// already bound, then `pods` pending pods (100m cpu, 500Mi) added to the queue. Pods are scheduled
// in batches of `batch` (each cycle synchronous, as in the process); after each batch the binds
// (an instant binder) complete and the watch is played: every bound pod comes back as a new object
// (a decoded copy with spec.nodeName) through podUpdated, as the informer delivers it.
//
// Figures (CPU time of this process, user + system, so the load of other processes matters less than
// for wall time): `add` (queueing the pending pods), `cycle` (the scheduleOne calls: snapshot update,
// filters, scores, assume), `confirm` (binds completing and the watch's updates), per pod; the best
// and median of `rounds` rounds, each on a fresh scheduler. Run with node's --cpu-prof for a profile.
//
// Last line of stdout: one JSON object with every figure.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Pod } from '@skiff/api';
import { inTreeRegistry, resolveConfig, Scheduler, SchedulerEventHandlers } from '@skiff/scheduler';
import { benchPod, hollowNode } from './lib/hollow-cluster.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    nodes: { type: 'string', default: '5000' },
    placed: { type: 'string', default: '1000' },
    pods: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
  strict: true,
});
const NODES = Number(args.nodes);
const PLACED = Number(args.placed);
const PODS = Number(args.pods);
const BATCH = Number(args.batch);
const ROUNDS = Number(args.rounds);
const NS = 'sched-cycle';

const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);
const load1 = (): string => loadavg()[0]!.toFixed(2);
/** CPU milliseconds of this process so far. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A pod as the apiserver stores it: uid, resourceVersion, a default schedulerName. */
function stored(pod: Pod, i: number): Pod {
  return { ...pod, metadata: { ...pod.metadata, uid: `uid-${pod.metadata.name}`, resourceVersion: String(i) }, spec: { ...pod.spec!, schedulerName: 'default-scheduler' }, status: { phase: 'Pending' } };
}

/** The watch's copy of a pod after its bind: a new object, as decoded from an event. */
function boundCopy(pod: Pod, nodeName: string): Pod {
  const copy = JSON.parse(JSON.stringify(pod)) as Pod;
  copy.spec!.nodeName = nodeName;
  return copy;
}

interface RoundResult {
  addMsPerPod: number;
  cycleMsPerPod: number;
  confirmMsPerPod: number;
  wallMsPerPod: number;
  bound: number;
}

async function round(): Promise<RoundResult> {
  const bound: { pod: Pod; node: string }[] = [];
  const s = new Scheduler({
    config: resolveConfig({ profiles: [{}] }, inTreeRegistry),
    registry: inTreeRegistry,
    binder: { bind: (pod, node) => (bound.push({ pod, node }), Promise.resolve()) },
  });
  const h = new SchedulerEventHandlers(s);
  for (let i = 0; i < NODES; i++) h.nodeAdded(hollowNode(`node-${i}`));
  for (let i = 0; i < PLACED; i++) h.podAdded(stored(benchPod(NS, `placed-${i}`, `node-${i % NODES}`), i));
  const pending = Array.from({ length: PODS }, (_, i) => stored(benchPod(NS, `pod-${i}`), PLACED + i));
  // The first cycle builds the whole snapshot: not part of the per-pod figure.
  s.cache.updateSnapshot(s.snapshot);
  global.gc?.();

  const wall0 = performance.now();
  const a0 = cpuMs();
  for (const p of pending) h.podAdded(p);
  const addMs = cpuMs() - a0;
  let cycleMs = 0;
  let confirmMs = 0;
  for (;;) {
    const c0 = cpuMs();
    let n = 0;
    for (let q = s.queue.popNow(); q; q = n < BATCH ? s.queue.popNow() : undefined) {
      s.scheduleOne(q);
      n++;
    }
    cycleMs += cpuMs() - c0;
    if (n === 0) break;
    await s.drain();
    for (const b of bound.splice(0)) {
      const copy = boundCopy(b.pod, b.node);
      const w1 = cpuMs();
      h.podUpdated(b.pod, copy);
      confirmMs += cpuMs() - w1;
    }
  }
  const wallMs = performance.now() - wall0;
  const placedNow = s.cache.podCount - PLACED;
  s.queue.close();
  return { addMsPerPod: addMs / PODS, cycleMsPerPod: cycleMs / PODS, confirmMsPerPod: confirmMs / PODS, wallMsPerPod: wallMs / PODS, bound: placedNow };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]): number => Math.min(...xs);

async function main(): Promise<void> {
  const loadStart = load1();
  log(`${NODES} nodes, ${PLACED} placed, ${PODS} pods in batches of ${BATCH}, ${ROUNDS} rounds; load average ${loadStart} on ${cpus().length} cpus`);
  const results: RoundResult[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const res = await round();
    if (res.bound !== PODS) throw new Error(`round ${r}: ${res.bound} of ${PODS} pods bound`);
    log(`round ${r}: add ${res.addMsPerPod.toFixed(3)}, cycle ${res.cycleMsPerPod.toFixed(3)}, confirm ${res.confirmMsPerPod.toFixed(3)} ms CPU per pod; wall ${res.wallMsPerPod.toFixed(3)} ms per pod; load ${load1()}`);
    results.push(res);
    global.gc?.();
  }
  const key = (k: keyof RoundResult): number[] => results.map((r) => r[k]);
  const r3 = (v: number): number => Math.round(v * 1000) / 1000;
  const out = {
    nodes: NODES,
    pods: PODS,
    cycle_ms_per_pod_best: r3(best(key('cycleMsPerPod'))),
    cycle_ms_per_pod_median: r3(median(key('cycleMsPerPod'))),
    add_ms_per_pod_median: r3(median(key('addMsPerPod'))),
    confirm_ms_per_pod_median: r3(median(key('confirmMsPerPod'))),
    rss_mb: Math.round(process.memoryUsage().rss / 1e6),
    load_start: Number(loadStart),
    load_end: Number(load1()),
  };
  console.log(JSON.stringify(out));
}

await main();
