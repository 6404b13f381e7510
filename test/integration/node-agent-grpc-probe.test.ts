// gRPC probes end to end on a real apiserver: the grpc field is validated and stored by the API, and
// the node agent (fake runtime, host-network pods on 127.0.0.1) probes the apiserver's own gRPC
// health service: a SERVING service makes the pod Ready, an unknown one keeps it not Ready with
// the kubelet's Unhealthy event. tcpSocket probes of the same port (Ready) and of a refused one (not
// Ready, Unhealthy).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import type { Event, Pod, Probe } from '@skiff/api';
import { Clientset } from '@skiff/machinery';
import { FakeRuntime } from '@skiff/node-agent';
import { startCluster, type TestCluster } from '../harness/index.js';
import { rejects } from '../harness/api-assert.js';
import { FAKE_POD_CIDR, startFakeAgent, type FakeAgent } from '../harness/fake-agent.js';
import { poll } from '../harness/eventually.js';

const NODE = 'grpc-probe-node';

function pod(name: string, readinessProbe: Probe): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, hostNetwork: true, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox:1.36', readinessProbe }] },
  };
}

describe('gRPC probes against the apiserver health service', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let cs: Clientset;
  let port = 0;
  let agent: FakeAgent | undefined;

  before(async () => {
    cluster = await startCluster();
    cs = new Clientset(cluster.client);
    port = Number(cluster.server.address.split(':').pop());
    agent = await startFakeAgent(cluster, {
      nodeName: NODE,
      containerRuntime: new FakeRuntime({ podCIDR: FAKE_POD_CIDR, pullable: ['busybox:1.36'] }),
      nodeStatusUpdateMs: 1000,
      plegRelistMs: 500,
    });
  });
  after(async () => {
    await agent?.stop();
    await cluster?.close();
  });

  const ready = async (name: string) => (await cs.pods('default').get(name)).status?.conditions?.find((c) => c.type === 'Ready')?.status;

  it('refuses a grpc port out of range, and two handlers, with field paths', async () => {
    const bad = await rejects(cs.pods('default').create(pod('bad-port', { grpc: { port: 0 } })), 'INVALID_ARGUMENT');
    assert.match(bad.message, /spec\.containers\[0\]\.readinessProbe\.grpc\.port: Invalid value: 0: must be between 1 and 65535, inclusive/);
    const two = await rejects(cs.pods('default').create(pod('two-handlers', { grpc: { port: 80 }, tcpSocket: { port: 80 } })), 'INVALID_ARGUMENT');
    assert.match(two.message, /spec\.containers\[0\]\.readinessProbe\.grpc: Forbidden: may not specify more than 1 handler type/);
  });

  it('a SERVING service makes the pod Ready; the API keeps the field, service defaulted to ""', async () => {
    const created = await cs.pods('default').create(pod('grpc-ok', { grpc: { port }, periodSeconds: 1 }));
    assert.deepEqual(created.spec?.containers[0]?.readinessProbe?.grpc, { port, service: '' });
    await poll('grpc-ok Ready', 30_000, async () => ((await ready('grpc-ok')) === 'True' ? true : undefined), { intervalMs: 200 });
  });

  it('an unknown service keeps the pod not Ready, with the kubelet Unhealthy event', async () => {
    await cs.pods('default').create(pod('grpc-unknown', { grpc: { port, service: 'no.such.Service' }, periodSeconds: 1 }));
    const ev = await poll('an Unhealthy event', 30_000, async () => {
      const evs = (await cs.events('default').list()).items as Event[];
      return evs.find((e) => e.involvedObject?.name === 'grpc-unknown' && e.reason === 'Unhealthy');
    }, { intervalMs: 200 });
    assert.equal(ev.type, 'Warning');
    assert.match(ev.message ?? '', /^Readiness probe failed: error: health rpc probe failed: rpc error: code = NotFound desc = /);
    assert.equal((await cs.pods('default').get('grpc-unknown')).status?.phase, 'Running');
    assert.equal(await ready('grpc-unknown'), 'False');
  });

  it('tcpSocket: a listening port makes the pod Ready, a refused one keeps it not Ready with Unhealthy', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await cs.pods('default').create(pod('tcp-open', { tcpSocket: { port }, periodSeconds: 1 }));
    await cs.pods('default').create(pod('tcp-refused', { tcpSocket: { port: closedPort }, periodSeconds: 1 }));
    await poll('tcp-open Ready', 30_000, async () => ((await ready('tcp-open')) === 'True' ? true : undefined), { intervalMs: 200 });
    const ev = await poll('an Unhealthy event', 30_000, async () => {
      const evs = (await cs.events('default').list()).items as Event[];
      return evs.find((e) => e.involvedObject?.name === 'tcp-refused' && e.reason === 'Unhealthy');
    }, { intervalMs: 200 });
    assert.match(ev.message ?? '', new RegExp(`^Readiness probe failed: dial tcp 127\\.0\\.0\\.1:${closedPort}: connect: connection refused`));
    assert.equal(await ready('tcp-refused'), 'False');
  });
});
