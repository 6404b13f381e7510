// The scheduler benchmark's cluster: hollow nodes (Node objects with capacity, allocatable and a
// Ready condition; no agent), pods shaped like scheduler_perf's SchedulingBasic (one container with
// cpu and memory requests), and skiff-scheduler as its own process (its real main), ready once its
// /readyz answers (the informers' initial contents are in its cache).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Node, Pod } from '@skiff/api';
import { freePort, track, type Child } from './apiserver-etcd.js';
import { sleep } from './apiserver-load.js';

/** scheduler_perf's node-default.yaml: 4 cpu, 32Gi, 110 pods. */
export function hollowNode(name: string): Node {
  const resources = { cpu: '4', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'HollowNode' }] },
  } as Node;
}

/** scheduler_perf's pod-default.yaml: requests 100m cpu, 500Mi memory; `nodeName` set: already placed. */
export function benchPod(namespace: string, name: string, nodeName?: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'sched-bench' } },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '500Mi' } } }],
    },
  };
}

export interface BenchScheduler extends Child {
  healthUrl: string;
}

/**
 * The client-side rate limit of the benchmark's scheduler, as a deployment meant for this load sets
 * it: each placement costs two requests (the Bind and the Scheduled Event), so 1,000 pods/s need
 * 2,000 requests/s. kube-scheduler's defaults (50 qps, burst 100) would cap it at about 25 pods/s
 * (Kubernetes' own 5,000-node scalability jobs raise them to 100, for ~50 pods/s); scheduler_perf,
 * whose SchedulingBasic/5000Nodes figure the issue cites, sets 5,000 / 5,000: so does this bench.
 */
export const BENCH_SCHEDULER_QPS = 5000;
export const BENCH_SCHEDULER_BURST = 5000;

/**
 * `node packages/scheduler/dist/main.js` against `server`, without leader election and with
 * --kube-api-qps/--kube-api-burst BENCH_SCHEDULER_QPS/BURST (`nodeArgs` before the script, `env` added to
 * the process's). Resolves once /readyz answers 200.
 */
export async function startScheduler(root: string, server: string, nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<BenchScheduler> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    [...nodeArgs, join(root, 'packages/scheduler/dist/main.js'), '--server', server, '--leader-elect=false', '--health-port', String(port), '--kube-api-qps', String(BENCH_SCHEDULER_QPS), '--kube-api-burst', String(BENCH_SCHEDULER_BURST)],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: root, env: { ...process.env, SKIFF_LOG_LEVEL: process.env.SKIFF_LOG_LEVEL ?? 'warn', ...env } },
  );
  const child: BenchScheduler = { ...track(proc, 5000), healthUrl: `http://127.0.0.1:${port}` };
  const alive = (): boolean => proc.exitCode === null && proc.signalCode === null;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`skiff-scheduler exited (${proc.exitCode}): ${child.logTail()}`);
    try {
      if ((await fetch(`${child.healthUrl}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.killNow();
  throw new Error(`skiff-scheduler not ready within 120 s: ${child.logTail()}`);
}
