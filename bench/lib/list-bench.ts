// The list part of the apiserver benchmark: PODS pods on NODES nodes in NAMESPACES namespaces,
// written straight into etcd under the apiserver's key layout (128 puts per transaction, the etcd
// default --max-txn-ops), then
//   - a list of one node's pods (spec.nodeName=X, resourceVersion "" as informers list), p50/p99,
//   - a list of one namespace's pods, p50/p99,
// through skiff-apiserver (served from its watch cache and indexes), against the same lists read
// straight from etcd in the same run: a range of the whole pods prefix (or of the namespace's),
// every object parsed and filtered, which is what a list from etcd costs.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { pcts, type Pcts } from './apiserver-load.js';

export interface ListBenchOptions {
  client: Client;
  /** etcd's client URL: the bench writes the pods and reads the peer lists with a client of its own. */
  etcdEndpoint: string;
  /** The apiserver's etcd prefix (its --etcd-prefix, "/registry" by default). */
  etcdPrefix?: string;
  pods?: number;
  nodes?: number;
  namespaces?: number;
  /** Lists measured per kind and path (etcd gets a fifth of them, at least 10). */
  samples?: number;
  log(s: string): void;
}

export interface ListBenchResult {
  /** [measure, skiff, peer, target, ok] rows for the benchmark's table. */
  rows: [string, string, string, string, string][];
  figures: Record<string, number>;
}

const TXN_OPS = 128;
const IN_FLIGHT = 8;
const ETCD_PAGE = 10_000;

function storedPod(ns: string, name: string, node: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), labels: { app: 'list-bench', shard: ns } },
      spec: {
        nodeName: node,
        containers: [{ name: 'app', image: 'busybox:latest', command: ['sleep', '3600'], resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
      },
      status: { phase: 'Running', podIP: '10.244.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
    }),
  );
}

async function writePods(o: { etcd: Etcd3; pods: number; nodes: number; namespaces: number }, podsPrefix: string): Promise<bigint> {
  let next = 0;
  let last = 0n;
  const worker = async (): Promise<void> => {
    while (next < o.pods) {
      const from = next;
      next = Math.min(o.pods, next + TXN_OPS);
      const success = [];
      for (let i = from; i < next; i++) {
        const ns = `list-bench-${i % o.namespaces}`;
        const name = `pod-${String(i).padStart(6, '0')}`;
        success.push({ request_put: { key: Buffer.from(`${podsPrefix}${ns}/${name}`), value: storedPod(ns, name, `list-node-${i % o.nodes}`) } });
      }
      const res = await o.etcd.kv.txn({ compare: [], success, failure: [] });
      const rev = BigInt(String(res.header.revision));
      if (rev > last) last = rev;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return last;
}

/** A list straight from etcd: the prefix in pages, every object parsed, then filtered. */
async function etcdList(etcd: Etcd3, prefix: string, keep: (o: KObject) => boolean): Promise<number> {
  let start = Buffer.from(prefix);
  const end = Buffer.from(prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1));
  let revision: string | undefined;
  let n = 0;
  for (;;) {
    const res = await etcd.kv.range({ key: start, range_end: end, limit: ETCD_PAGE, ...(revision ? { revision } : {}) });
    revision ??= String(res.header.revision);
    for (const kv of res.kvs) if (keep(JSON.parse(kv.value.toString()) as KObject)) n++;
    if (!res.more || res.kvs.length === 0) return n;
    start = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
  }
}

async function timed(n: number, op: (i: number) => Promise<number>, want: number): Promise<Pcts> {
  const ms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const got = await op(i);
    ms[i] = performance.now() - t;
    if (got !== want) throw new Error(`list returned ${got} objects, expected ${want}`);
  }
  return pcts(ms);
}

export async function runListBench(opts: ListBenchOptions): Promise<ListBenchResult> {
  // Pages of 10,000 pods are about 6.5 MB: above gRPC's default 4 MB receive limit.
  const etcd = new Etcd3({ hosts: opts.etcdEndpoint, grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 } });
  try {
    return await measure({ etcdPrefix: '/registry', pods: 50_000, nodes: 5_000, namespaces: 10, samples: 200, ...opts, etcd });
  } finally {
    etcd.close();
  }
}

async function measure(o: Required<Omit<ListBenchOptions, 'etcdEndpoint'>> & { etcd: Etcd3 }): Promise<ListBenchResult> {
  const podsPrefix = `${o.etcdPrefix}/pods/`;
  const perNode = o.pods / o.nodes;
  const perNs = o.pods / o.namespaces;
  if (!Number.isInteger(perNode) || !Number.isInteger(perNs)) throw new Error('pods must be a multiple of nodes and namespaces');
  for (let i = 0; i < o.namespaces; i++) await o.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `list-bench-${i}` } });

  o.log(`list: writing ${o.pods} pods on ${o.nodes} nodes in ${o.namespaces} namespaces straight into etcd`);
  let t = performance.now();
  const lastRev = await writePods(o, podsPrefix);
  const writeS = (performance.now() - t) / 1000;
  t = performance.now();
  // The apiserver's watch cache takes them in; a consistent list answers once it has.
  for (;;) {
    const l = await o.client.list('pods', { fieldSelector: `spec.nodeName=list-node-${o.nodes - 1}` });
    if (BigInt(l.resourceVersion) >= lastRev && l.items.length === perNode) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const catchUpS = (performance.now() - t) / 1000;
  o.log(`list: written in ${writeS.toFixed(1)} s; the apiserver's cache had them ${catchUpS.toFixed(1)} s later`);

  const node = (i: number): string => `list-node-${(i * 7919) % o.nodes}`;
  const ns = (i: number): string => `list-bench-${i % o.namespaces}`;
  const etcdSamples = Math.max(10, Math.round(o.samples / 20));
  // Warm-up, both ways.
  await timed(5, (i) => o.client.list('pods', { fieldSelector: `spec.nodeName=${node(i)}` }).then((l) => l.items.length), perNode);
  await timed(2, (i) => etcdList(o.etcd, podsPrefix, (p) => (p.spec as { nodeName?: string }).nodeName === node(i)), perNode);

  o.log(`list: ${o.samples} node lists through the apiserver, ${etcdSamples} straight from etcd`);
  const nodeApi = await timed(o.samples, (i) => o.client.list('pods', { fieldSelector: `spec.nodeName=${node(i)}` }).then((l) => l.items.length), perNode);
  const nodeEtcd = await timed(etcdSamples, (i) => etcdList(o.etcd, podsPrefix, (p) => (p.spec as { nodeName?: string }).nodeName === node(i)), perNode);
  const nsSamples = Math.max(10, Math.round(o.samples / 10));
  o.log(`list: ${nsSamples} namespace lists through the apiserver, ${etcdSamples} straight from etcd`);
  const nsApi = await timed(nsSamples, (i) => o.client.list('pods', { namespace: ns(i) }).then((l) => l.items.length), perNs);
  const nsEtcd = await timed(etcdSamples, (i) => etcdList(o.etcd, `${podsPrefix}${ns(i)}/`, () => true), perNs);

  const nodeRatio = nodeApi.p99 / nodeEtcd.p99;
  const nsRatio = nsApi.p99 / nsEtcd.p99;
  const f = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  return {
    rows: [
      [`list one node's pods (${o.pods} pods, ${o.nodes} nodes): p99 ms`, f(nodeApi.p99), `etcd ${f(nodeEtcd.p99)}`, '', ''],
      ['    p50 ms', f(nodeApi.p50), `etcd ${f(nodeEtcd.p50)}`, '', ''],
      ['    ratio skiff/etcd (p99)', f(nodeRatio, 3), '', '<= 0.05', nodeRatio <= 0.05 ? 'ok' : 'MISS'],
      [`list one namespace's pods (${perNs}): p99 ms`, f(nsApi.p99), `etcd ${f(nsEtcd.p99)}`, '', ''],
      ['    p50 ms', f(nsApi.p50), `etcd ${f(nsEtcd.p50)}`, '', ''],
    ],
    figures: {
      list_pods: o.pods,
      list_nodes: o.nodes,
      list_node_pods_ms: r2(nodeApi.p99),
      list_node_pods_p50_ms: r2(nodeApi.p50),
      list_node_pods_etcd_ms: r2(nodeEtcd.p99),
      list_node_pods_etcd_p50_ms: r2(nodeEtcd.p50),
      list_node_ratio: Math.round(nodeRatio * 1000) / 1000,
      list_namespace_ms: r2(nsApi.p99),
      list_namespace_p50_ms: r2(nsApi.p50),
      list_namespace_etcd_ms: r2(nsEtcd.p99),
      list_namespace_etcd_p50_ms: r2(nsEtcd.p50),
      list_namespace_ratio: Math.round(nsRatio * 1000) / 1000,
      list_write_s: r2(writeS),
      list_cache_catch_up_s: r2(catchUpS),
    },
  };
}
