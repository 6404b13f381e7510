// The client machinery against a real apiserver and etcd: informers across an apiserver restart,
// leader election on Lease objects, and the standard gRPC health service.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { isApiError, type KObject } from '@skiff/api';
import { deletedObject, discardLogger, LeaderElector, SharedInformer } from '@skiff/machinery';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const until = (cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => waitUntil(cond, what, timeoutMs, 20);

/** Waits until the client's channel, refused while the server was down, reaches the new server. */
async function reconnected(c: TestCluster): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await c.client.get('namespaces', '', 'default');
      return;
    } catch (e) {
      if (!isApiError(e, 'UNAVAILABLE') || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const cm = (name: string, v = '1'): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v } }) as KObject;

describe('machinery against a real apiserver', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.close();
  });

  it('an informer lists, watches, and resumes across an apiserver restart without missing a change', async () => {
    await c.client.create(cm('before'));
    const informer = new SharedInformer({ client: c.client, resource: 'configmaps', namespace: 'default', log: discardLogger(), backoff: { initialMs: 50, maxMs: 500 } });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (a, b) => a !== b && seen.push(`update ${b.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${deletedObject(o).metadata.name}`),
    });
    const ac = new AbortController();
    const running = informer.run(ac.signal);
    try {
      assert.equal(await informer.waitForSync(ac.signal), true);
      assert.ok(informer.getByName('default', 'before'));
      await c.client.create(cm('during'));
      await until(() => !!informer.getByName('default', 'during'), 'the watch to deliver');
      await c.stopServer();
      // The new apiserver's watch window starts after the informer's resourceVersion: the resumed
      // watch is answered "expired" (OUT_OF_RANGE) and the informer re-lists from the new cache.
      await c.restartServer();
      await reconnected(c);
      await c.client.patch('configmaps', 'default', 'before', { data: { v: '2' } });
      await c.client.delete('configmaps', 'default', 'during');
      await c.client.create(cm('after'));
      await until(() => !!informer.getByName('default', 'after') && !informer.getByName('default', 'during'), 'the informer to catch up');
      assert.equal((informer.getByName('default', 'before') as unknown as { data: { v: string } }).data.v, '2');
      assert.deepEqual(seen, ['add before', 'add during', 'update before', 'delete during', 'add after']);
    } finally {
      ac.abort();
      await running;
    }
  });

  it('a client reaches a restarted apiserver within about a second of its return, however long it was away', async () => {
    // grpc-js's own reconnect backoff (1 s, x1.6 per refused attempt, up to 120 s) would wait several
    // seconds more here; after an apiserver restart the controller-manager and the scheduler lost
    // their Lease that way. The client caps it at 1 s.
    await reconnected(c);
    await c.stopServer();
    for (const end = Date.now() + 10_000; Date.now() < end; ) {
      await c.client.get('namespaces', '', 'default').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = Date.now();
    await c.restartServer(); // starts the apiserver, then calls until the client gets through
    const ms = Date.now() - t0;
    assert.ok(ms < 3000, `the client reached the restarted apiserver after ${ms} ms`);
  });

  it('leader election on a Lease: one leader at a time, the other takes over when it stops', async () => {
    const leading: string[] = [];
    const mk = (identity: string): { elector: LeaderElector; ac: AbortController; done: Promise<void> } => {
      const ac = new AbortController();
      const elector = new LeaderElector({
        client: c.client,
        namespace: 'kube-system',
        name: 'test-controller',
        identity,
        leaseDurationMs: 1500,
        renewDeadlineMs: 1000,
        retryPeriodMs: 200,
        releaseOnCancel: true,
        log: discardLogger(),
        callbacks: {
          onStartedLeading: async (signal) => {
            leading.push(identity);
            await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
          },
          onStoppedLeading: () => {},
        },
      });
      return { elector, ac, done: elector.run(ac.signal) };
    };
    const a = mk('a');
    const b = mk('b');
    await until(() => leading.length === 1, 'a leader');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(leading.length, 1, 'only one leader');
    const first = leading[0] === 'a' ? a : b;
    const second = first === a ? b : a;
    first.ac.abort();
    await first.done;
    await until(() => leading.length === 2, 'the standby to take over');
    assert.notEqual(leading[1], leading[0]);
    const lease = await c.client.get('leases', 'kube-system', 'test-controller');
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, leading[1]);
    second.ac.abort();
    await second.done;
  });

  it('serves the standard gRPC health service', async () => {
    const raw = new grpc.Client(c.server.address, grpc.credentials.createInsecure());
    try {
      const status = await new Promise<Buffer>((resolve, reject) =>
        raw.makeUnaryRequest('/grpc.health.v1.Health/Check', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), (err, res) => (err ? reject(err) : resolve(res!))),
      );
      // HealthCheckResponse { status = 1 (SERVING) }: field 1, varint 1.
      assert.deepEqual([...status], [0x08, 0x01]);
    } finally {
      raw.close();
    }
  });

  it('Events are written with an etcd lease of about an hour', async () => {
    const ev = await c.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'ttl-check', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'x', namespace: 'default' },
      reason: 'Test',
      message: 'm',
      type: 'Normal',
    } as KObject);
    const etcd = new Etcd3({ hosts: c.etcd.endpoint });
    try {
      const res = await etcd.kv.range({ key: Buffer.from(`/registry/events/default/${ev.metadata.name}`) });
      const lease = String(res.kvs[0]!.lease);
      assert.notEqual(lease, '0');
      const ttl = await etcd.leaseClient.leaseTimeToLive({ ID: lease });
      assert.ok(Number(ttl.TTL) > 3500 && Number(ttl.TTL) <= 3660, `TTL ${ttl.TTL}`);
    } finally {
      etcd.close();
    }
  });
});
