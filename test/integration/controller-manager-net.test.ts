// skiff-controller-manager's network controllers against a real apiserver and etcd: Endpoints
// follow the pods a Service selects (the test writes the pods' IPs and readiness as an agent would);
// node IPAM gives hollow Nodes distinct pod CIDRs, also across a restart; pod GC deletes the pods of
// a deleted node and terminated pods over the threshold.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Node, Pod, Service } from '@skiff/api';
import { type Client, discardLogger } from '@skiff/machinery';
import { run, type RunningControllerManager } from '@skiff/controller-manager';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const NS = 'default';

const until = (cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> => waitUntil(cond, what, timeoutMs);

const pod = (name: string, labels: Record<string, string>, port = 8080): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels },
  spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'web', containerPort: port, protocol: 'TCP' }] }] },
});

/** What an agent reports: Running with an IP, ready or not. */
async function report(client: Client, name: string, ip: string, ready: boolean): Promise<void> {
  const p = await client.get<Pod>('pods', NS, name);
  p.status = { ...(p.status ?? {}), phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString() }] };
  await client.updateStatus(p);
}

async function endpoints(client: Client, name: string): Promise<Endpoints | undefined> {
  return client.get<Endpoints>('endpoints', NS, name).catch(() => undefined);
}

const ips = (e: Endpoints | undefined, field: 'addresses' | 'notReadyAddresses'): string[] => (e?.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip)).sort();

describe('skiff-controller-manager: endpoints', () => {
  let cluster: TestCluster;
  let cm: RunningControllerManager;
  const stop = new AbortController();

  before(async () => {
    cluster = await startCluster();
    cm = await run({ server: cluster.server.address, httpListen: '', identity: 'cm-net', leaderElect: false, controllers: ['endpoint'] }, stop.signal, discardLogger());
  });

  after(async () => {
    stop.abort();
    await cm?.stopped;
    await cluster?.close();
  });

  it('keeps a Service\'s Endpoints: ready and not-ready addresses, named target port, removal, deletion', async () => {
    const { client } = cluster;
    const svc: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS, labels: { app: 'web' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] },
    };
    await client.create(svc);
    await client.create(pod('web-a', { app: 'web' }));
    await client.create(pod('web-b', { app: 'web' }, 9090));
    await client.create(pod('other', { app: 'other' }));
    await report(client, 'web-a', '10.244.1.2', true);
    await report(client, 'web-b', '10.244.1.3', false);
    await report(client, 'other', '10.244.1.4', true);
    await until(async () => {
      const e = await endpoints(client, 'web');
      return ips(e, 'addresses').join() === '10.244.1.2' && ips(e, 'notReadyAddresses').join() === '10.244.1.3';
    }, 'ready web-a and not-ready web-b');
    const e = (await endpoints(client, 'web'))!;
    assert.deepEqual(e.metadata.labels, { app: 'web' });
    const portOf = (ip: string) => e.subsets!.find((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].some((a) => a.ip === ip))!.ports;
    assert.deepEqual(portOf('10.244.1.2'), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(portOf('10.244.1.3'), [{ name: 'http', port: 9090, protocol: 'TCP' }]);
    assert.equal(e.subsets![0].addresses?.[0]?.targetRef?.kind ?? e.subsets![1].addresses?.[0]?.targetRef?.kind, 'Pod');

    await report(client, 'web-b', '10.244.1.3', true);
    await until(async () => ips(await endpoints(client, 'web'), 'addresses').join() === '10.244.1.2,10.244.1.3', 'web-b ready');
    await client.delete('pods', NS, 'web-a');
    await until(async () => ips(await endpoints(client, 'web'), 'addresses').join() === '10.244.1.3', 'web-a removed');
    await client.delete('services', NS, 'web');
    await until(async () => (await endpoints(client, 'web')) === undefined, 'the Endpoints deleted with the Service');
  });

  it('leaves the Endpoints of a Service without a selector to the user', async () => {
    const { client } = cluster;
    await client.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: NS }, spec: { ports: [{ port: 5432, protocol: 'TCP' }] } });
    await client.create<Endpoints>({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: NS }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432, protocol: 'TCP' }] }] });
    // A Service with a selector created after it is handled: by then the first one was seen too.
    await client.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'marker', namespace: NS }, spec: { selector: { app: 'none' }, ports: [{ port: 80, protocol: 'TCP' }] } });
    await until(async () => (await endpoints(client, 'marker')) !== undefined, 'the marker Service handled');
    assert.deepEqual(ips(await endpoints(client, 'ext'), 'addresses'), ['192.0.2.10']);
  });
});

describe('skiff-controller-manager: node IPAM', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startCluster();
  });

  after(async () => {
    await cluster?.close();
  });

  const startCM = async (signal: AbortSignal): Promise<RunningControllerManager> =>
    run({ server: cluster.server.address, httpListen: '', identity: 'cm-ipam', leaderElect: false, controllers: ['nodeipam'], clusterCIDR: '10.244.0.0/16', nodeCIDRMaskSize: 24 }, signal, discardLogger());

  const cidrs = async (client: Client): Promise<Map<string, string | undefined>> =>
    new Map((await client.list<Node>('nodes')).items.map((n) => [n.metadata.name!, n.spec?.podCIDR]));

  it('gives every node its own /24, never twice, also after a restart', async () => {
    const { client } = cluster;
    const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    let stop = new AbortController();
    let cm = await startCM(stop.signal);
    try {
      for (const n of ['n1', 'n2', 'n3']) await client.create(node(n));
      await until(async () => [...(await cidrs(client)).values()].every(Boolean), 'three nodes allocated');
      const first = await cidrs(client);
      assert.equal(new Set(first.values()).size, 3);
      for (const c of first.values()) assert.match(c!, /^10\.244\.\d+\.0\/24$/);
      const n1 = await client.get<Node>('nodes', '', 'n1');
      assert.deepEqual(n1.spec?.podCIDRs, [n1.spec?.podCIDR]);
    } finally {
      stop.abort();
      await cm.stopped;
    }
    // Restarted: the used subnets come back from the Nodes.
    stop = new AbortController();
    cm = await startCM(stop.signal);
    try {
      await client.create(node('n4'));
      await until(async () => !!(await cidrs(client)).get('n4'), 'n4 allocated');
      assert.equal(new Set((await cidrs(client)).values()).size, 4);
    } finally {
      stop.abort();
      await cm.stopped;
    }
  });
});

describe('skiff-controller-manager: pod GC', () => {
  let cluster: TestCluster;
  let cm: RunningControllerManager;
  const stop = new AbortController();

  before(async () => {
    cluster = await startCluster();
    cm = await run(
      { server: cluster.server.address, httpListen: '', leaderElect: false, controllers: ['podgc'], terminatedPodGCThreshold: 1, podGCPeriodMs: 200, podGCOrphanQuarantineMs: 1_000 },
      stop.signal,
      discardLogger(),
    );
  });

  after(async () => {
    stop.abort();
    await cm?.stopped;
    await cluster?.close();
  });

  it('deletes the pods of a deleted node after the quarantine, and terminated pods over the threshold', async () => {
    const { client } = cluster;
    await client.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'doomed' } });
    await client.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'stays' } });
    for (const [name, node] of [['on-doomed', 'doomed'], ['on-stays', 'stays'], ['done-1', 'stays'], ['done-2', 'stays']] as const) {
      await client.create(pod(name, { app: 'gc' }));
      await client.bind(NS, name, node);
    }
    for (const name of ['done-1', 'done-2']) {
      const p = await client.get<Pod>('pods', NS, name);
      p.status = { ...(p.status ?? {}), phase: 'Succeeded' };
      await client.updateStatus(p);
    }
    const exists = async (name: string): Promise<boolean> => (await client.get<Pod>('pods', NS, name).catch(() => undefined)) !== undefined;
    // Created in the same second: the name breaks the tie (the unit tests check oldest first).
    await until(async () => !(await exists('done-1')), 'one terminated pod deleted');
    assert.ok(await exists('done-2'));
    await client.delete('nodes', '', 'doomed');
    const deleted = Date.now();
    await until(async () => !(await exists('on-doomed')), 'the pod of the deleted node deleted');
    assert.ok(Date.now() - deleted >= 800, 'after the quarantine');
    assert.ok(await exists('on-stays'));
  });
});
