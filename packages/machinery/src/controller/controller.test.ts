import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClock } from '../clock.js';
import { FakeClient } from '../testing/index.js';
import { SharedInformer } from '../informer/shared-informer.js';
import { createMetrics } from '../metrics.js';
import { WorkQueue } from '../workqueue/queue.js';
import { ItemExponentialFailureRateLimiter } from '../workqueue/rate-limiter.js';
import { type ReconcileResult, type Request, runController } from './controller.js';
import { enqueueOwner } from './enqueue-owner.js';

function obj(kind: string, name: string, owner?: string): KObject {
  const o: KObject = { apiVersion: 'v1', kind, metadata: { name, namespace: 'default' } };
  if (kind === 'Pod') o.spec = { containers: [{ name: 'c', image: 'busybox' }] };
  if (owner) o.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: 'u', controller: true }];
  return o;
}

async function setup(
  seed: KObject[],
  reconcile: (req: Request, signal: AbortSignal) => Promise<ReconcileResult>,
  opts: { workers?: number; owners?: boolean } = {},
) {
  const client = new FakeClient();
  for (const o of seed) await client.create(o);
  const clock = new FakeClock();
  const informer = new SharedInformer({ client, resource: 'configmaps', clock });
  const pods = new SharedInformer({ client, resource: 'pods', clock });
  const ac = new AbortController();
  const runs = [informer.run(ac.signal), pods.run(ac.signal)];
  const registry = createMetrics({ defaultMetrics: false });
  const queue = new WorkQueue({ name: 'test', clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
  const watches = [{ informer }, ...(opts.owners ? [{ informer: pods, mapToKeys: enqueueOwner('ReplicaSet') }] : [])];
  const done = runController({
    name: 'test',
    reconciler: { reconcile: (ctx, req) => reconcile(req, ctx.signal) },
    workers: opts.workers ?? 1,
    watches,
    signal: ac.signal,
    queue,
    clock,
    registry,
  });
  await clock.tick(0);
  return {
    client,
    clock,
    queue,
    registry,
    stop: async () => {
      ac.abort();
      await done;
      await Promise.all(runs);
      assert.equal(clock.pending(), 0);
    },
  };
}

void test('reconciles every cached object, then each change', async () => {
  const seen: string[] = [];
  const env = await setup([obj('ConfigMap', 'a'), obj('ConfigMap', 'b')], async (req) => {
    seen.push(`${req.namespace}/${req.name}`);
  });
  assert.deepEqual(seen, ['default/a', 'default/b']);
  await env.client.create(obj('ConfigMap', 'c'));
  await env.client.delete('configmaps', 'default', 'a');
  await env.clock.tick(0);
  assert.deepEqual(seen, ['default/a', 'default/b', 'default/c', 'default/a']);
  assert.match(await env.registry.metrics(), /controller_reconcile_total\{controller="test",result="success"\} 4/);
  await env.stop();
});

void test('errors retry with per-key backoff; success forgets', async () => {
  const times: number[] = [];
  const ref: { now?: () => number } = {};
  const env = await setup([obj('ConfigMap', 'a')], async () => {
    times.push(ref.now?.() ?? 0);
    if (times.length <= 3) throw new Error('transient');
  });
  ref.now = () => env.clock.now();
  const t0 = env.clock.now();
  await env.clock.tick(100);
  assert.deepEqual(
    times.slice(1).map((t) => t - t0),
    [5, 15, 35],
  );
  assert.equal(env.queue.numRequeues('default/a'), 0);
  await env.stop();
});

void test('requeueAfterMs reconciles again after the delay', async () => {
  let n = 0;
  const env = await setup([obj('ConfigMap', 'a')], async () => {
    n++;
    return n < 3 ? { requeueAfterMs: 1000 } : undefined;
  });
  assert.equal(n, 1);
  await env.clock.tick(999);
  assert.equal(n, 1);
  await env.clock.tick(1);
  assert.equal(n, 2);
  await env.clock.tick(5000);
  assert.equal(n, 3);
  await env.stop();
});

void test('owned objects enqueue their controller owner', async () => {
  const seen: string[] = [];
  const env = await setup(
    [obj('ConfigMap', 'rs1'), obj('Pod', 'p1', 'rs1'), obj('Pod', 'orphan')],
    async (req) => {
      seen.push(req.name);
    },
    { owners: true },
  );
  assert.deepEqual(seen, ['rs1'], 'the owner and its pod collapse into one key');
  await env.client.create(obj('Pod', 'p2', 'rs2'));
  await env.clock.tick(0);
  assert.deepEqual(seen, ['rs1', 'rs2']);
  await env.stop();
});

void test('enqueueOwner mapping', async (t) => {
  const owned = (refs: NonNullable<KObject['metadata']['ownerReferences']>): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', ownerReferences: refs },
  });
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u' };
  const cases = [
    { name: 'controller owner', o: owned([{ ...ref, controller: true }]), map: enqueueOwner('ReplicaSet'), want: ['ns/rs'] },
    { name: 'non-controller skipped', o: owned([ref]), map: enqueueOwner('ReplicaSet'), want: [] },
    { name: 'any owner', o: owned([ref]), map: enqueueOwner('ReplicaSet', { onlyController: false }), want: ['ns/rs'] },
    { name: 'other kind', o: owned([{ ...ref, controller: true }]), map: enqueueOwner('Deployment'), want: [] },
    { name: 'apiVersion mismatch', o: owned([{ ...ref, controller: true }]), map: enqueueOwner('ReplicaSet', { apiVersion: 'v2' }), want: [] },
    { name: 'cluster-scoped owner', o: owned([{ ...ref, controller: true }]), map: enqueueOwner('ReplicaSet', { clusterScopedOwner: true }), want: ['rs'] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(c.map(c.o), c.want));
});

void test('workers run distinct keys concurrently, never one key twice', async () => {
  const active = new Set<string>();
  let maxActive = 0;
  const release: (() => void)[] = [];
  const env = await setup(
    [obj('ConfigMap', 'a'), obj('ConfigMap', 'b'), obj('ConfigMap', 'c')],
    async (req) => {
      assert.ok(!active.has(req.name), `${req.name} reconciled twice at once`);
      active.add(req.name);
      maxActive = Math.max(maxActive, active.size);
      await new Promise<void>((r) => release.push(r));
      active.delete(req.name);
    },
    { workers: 2 },
  );
  assert.equal(maxActive, 2);
  const a = await env.client.get('configmaps', 'default', 'a');
  await env.client.update({ ...a, data: { x: '1' } });
  await env.clock.tick(0);
  assert.equal(active.size, 2);
  while (release.length > 0) {
    release.shift()!();
    await env.clock.tick(0);
  }
  assert.equal(active.size, 0);
  await env.stop();
});

void test('stop aborts in-flight reconciles and returns', async () => {
  let aborted = false;
  const env = await setup([obj('ConfigMap', 'a')], (_req, signal) => {
    return new Promise<void>((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        aborted = true;
        reject(new Error('aborted'));
      });
    });
  });
  await env.stop();
  assert.equal(aborted, true);
  assert.equal(env.queue.shuttingDown(), true);
});

void test('workers wait until every handler has received the initial contents', async () => {
  // An informer that has synced while its handler still has the initial adds queued (client-go's
  // WaitForCacheSync on the handler registration, not only on the informer).
  let handlerSynced = false;
  let onAdd: ((o: KObject) => unknown) | undefined;
  const informer = {
    waitForSync: () => Promise.resolve(true),
    addEventHandler: (h: { onAdd?: (o: KObject) => unknown }) => {
      onAdd = h.onAdd;
      return { remove: () => undefined, hasSynced: () => handlerSynced, idle: () => Promise.resolve() };
    },
  } as unknown as SharedInformer;
  const reconciled: string[] = [];
  const ac = new AbortController();
  const done = runController({
    name: 'test',
    reconciler: { reconcile: async (_ctx, req) => void reconciled.push(req.name) },
    watches: [{ informer }],
    signal: ac.signal,
  });
  try {
    onAdd!(obj('ConfigMap', 'a'));
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(reconciled, [], 'no worker before the handler has synced');
    handlerSynced = true;
    for (let i = 0; i < 50 && reconciled.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(reconciled, ['a']);
  } finally {
    ac.abort();
    await done;
  }
});

void test('waiting for handlers ends when the signal aborts', async () => {
  const informer = {
    waitForSync: () => Promise.resolve(true),
    addEventHandler: () => ({ remove: () => undefined, hasSynced: () => false, idle: () => Promise.resolve() }),
  } as unknown as SharedInformer;
  const ac = new AbortController();
  let reconciles = 0;
  const done = runController({ name: 'test', reconciler: { reconcile: async () => void reconciles++ }, watches: [{ informer }], signal: ac.signal });
  setTimeout(() => ac.abort(), 150);
  await done;
  assert.equal(reconciles, 0);
});
