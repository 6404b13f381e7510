import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type KObject } from '@skiff/api';
import { FakeClock } from '../clock.js';
import type { Client } from '../client/types.js';
import { FakeClient } from '../testing/index.js';
import { SharedInformer, type EventHandler } from './shared-informer.js';
import { DeletedFinalStateUnknown } from './tombstone.js';
import { SharedInformerFactory } from './factory.js';

function cm(name: string, data = '1', labels: Record<string, string> = {}): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { v: data } };
}

function recorder(): { events: string[]; handler: EventHandler } {
  const events: string[] = [];
  return {
    events,
    handler: {
      onAdd: (o) => {
        events.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`);
      },
      onUpdate: (a, b) => {
        events.push(`update ${b.metadata.name}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`);
      },
      onDelete: (o) => {
        events.push(o instanceof DeletedFinalStateUnknown ? `tombstone ${o.key}@${o.obj.metadata.resourceVersion}` : `delete ${o.metadata.name}`);
      },
    },
  };
}

interface Env {
  client: FakeClient;
  clock: FakeClock;
  inf: SharedInformer;
  events: string[];
  ac: AbortController;
  done: Promise<void>;
  stop(): Promise<void>;
}

async function start(seed: KObject[], opts: { pageSize?: number; resyncMs?: number } = {}): Promise<Env> {
  const client = new FakeClient();
  for (const o of seed) await client.create(o);
  const clock = new FakeClock();
  const inf = new SharedInformer({ client, resource: 'configmaps', clock, ...opts });
  const { events, handler } = recorder();
  inf.addEventHandler(handler);
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await clock.tick(0);
  return {
    client,
    clock,
    inf,
    events,
    ac,
    done,
    stop: async () => {
      ac.abort();
      await done;
      assert.equal(clock.pending(), 0, 'no timers left');
      assert.equal(client.watchCount(), 0, 'no watches left');
    },
  };
}

const count = (c: FakeClient, verb: string): number => c.calls.filter((x) => x.verb === verb).length;

void test('lists in pages, syncs, then watches from the list revision with bookmarks', async () => {
  const env = await start([cm('a'), cm('b'), cm('c'), cm('d'), cm('e')], { pageSize: 2 });
  assert.equal(env.inf.hasSynced(), true);
  assert.equal(count(env.client, 'list'), 3);
  assert.deepEqual(env.events, ['add a@1', 'add b@2', 'add c@3', 'add d@4', 'add e@5']);
  const w = env.client.calls.find((x) => x.verb === 'watch')!.opts as Record<string, unknown>;
  assert.equal(w.resourceVersion, '5');
  assert.equal(w.allowWatchBookmarks, true);
  assert.equal(env.inf.lastSyncResourceVersion(), '5');
  await env.stop();
});

void test('watch events reach handlers in order and update the cache', async () => {
  const env = await start([cm('a')]);
  const a = await env.client.get('configmaps', 'default', 'a');
  await env.client.create(cm('b'));
  await env.client.update({ ...a, data: { v: '2' } });
  await env.client.delete('configmaps', 'default', 'b');
  env.client.bookmark();
  await env.clock.tick(0);
  assert.deepEqual(env.events, ['add a@1', 'add b@2', 'update a@1->3', 'delete b']);
  assert.deepEqual(env.inf.keys(), ['default/a']);
  assert.deepEqual(env.inf.getByName('default', 'a')!.data, { v: '2' });
  assert.equal(env.inf.lastSyncResourceVersion(), '4');
  assert.ok(Object.isFrozen(env.inf.get('default/a')!.metadata), 'cached objects are frozen');
  await env.stop();
});

void test('a late handler first gets adds for the cache contents', async () => {
  const env = await start([cm('a'), cm('b')]);
  const late = recorder();
  const reg = env.inf.addEventHandler(late.handler);
  assert.equal(reg.hasSynced(), false, 'not before the initial adds are delivered');
  await reg.idle();
  assert.equal(reg.hasSynced(), true);
  assert.deepEqual(late.events, ['add a@1', 'add b@2']);
  reg.remove();
  await env.client.create(cm('c'));
  await env.clock.tick(0);
  assert.deepEqual(late.events, ['add a@1', 'add b@2']);
  assert.equal(env.events.length, 3);
  await env.stop();
});

void test('a dropped watch resumes from the last revision without re-listing', async () => {
  const env = await start([cm('a')]);
  await env.client.create(cm('b'));
  await env.clock.tick(0);
  env.client.breakWatches('UNAVAILABLE');
  await env.clock.tick(0);
  await env.client.create(cm('c'));
  await env.clock.tick(1000);
  assert.equal(count(env.client, 'list'), 1);
  const watches = env.client.calls.filter((x) => x.verb === 'watch').map((x) => (x.opts as { resourceVersion: string }).resourceVersion);
  assert.deepEqual(watches, ['1', '2']);
  assert.deepEqual(env.events, ['add a@1', 'add b@2', 'add c@3']);
  await env.stop();
});

void test('OUT_OF_RANGE re-lists and notifies only what changed; deletions seen by the re-list are tombstones', async (t) => {
  const cases = [
    { name: 'watch ends with OUT_OF_RANGE', outage: 'OUT_OF_RANGE' as const },
    { name: 'resume after an outage finds history compacted', outage: 'UNAVAILABLE' as const },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const env = await start([cm('keep'), cm('change'), cm('gone')]);
      env.client.breakWatches(c.outage);
      await env.clock.tick(0);
      const ch = await env.client.get('configmaps', 'default', 'change');
      await env.client.update({ ...ch, data: { v: '2' } });
      await env.client.delete('configmaps', 'default', 'gone');
      await env.client.create(cm('new'));
      env.client.compact();
      await env.clock.tick(2000);
      assert.equal(count(env.client, 'list'), 2);
      assert.deepEqual(env.events.slice(3), ['update change@2->4', 'add new@6', 'tombstone default/gone@3']);
      assert.deepEqual(env.inf.keys().sort(), ['default/change', 'default/keep', 'default/new']);
      assert.equal(env.inf.lastSyncResourceVersion(), '6');
      await env.stop();
    });
  }
});

void test('list errors the apiserver answers are retried with backoff; waitForSync waits', async () => {
  const client = new FakeClient();
  await client.create(cm('a'));
  client.injectError('list', new ApiError('INTERNAL', 'etcd: request timed out'), 3);
  const clock = new FakeClock();
  const inf = new SharedInformer({ client, resource: 'cm', clock, backoff: { jitter: 0 } });
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  let synced = false;
  const wait = inf.waitForSync(ac.signal).then((v) => (synced = v));
  await clock.tick(200 + 400 - 1);
  assert.equal(synced, false);
  await clock.tick(1 + 800);
  await wait;
  assert.equal(synced, true);
  assert.equal(count(client, 'list'), 4);
  ac.abort();
  await done;
  assert.equal(clock.pending(), 0);
});

/** `fake` behind a switch: while `down`, every list and watch is refused as by an apiserver that is gone; `attempts` records when. */
function withOutage(fake: FakeClient, clock: FakeClock): { client: Client; state: { down: boolean }; attempts: number[] } {
  const state = { down: false };
  const attempts: number[] = [];
  const refused = (): ApiError => {
    attempts.push(clock.now());
    return new ApiError('UNAVAILABLE', 'No connection established. Last error: connect ECONNREFUSED');
  };
  const client = new Proxy(fake, {
    get(target, prop, receiver) {
      if (state.down && prop === 'list') return () => Promise.reject(refused());
      if (state.down && prop === 'watch') {
        return async function* () {
          yield* [];
          throw refused();
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { client, state, attempts };
}

void test('while the apiserver is unavailable the informer retries at most 1 s apart, and resumes within about a second of its return', async (t) => {
  const cases = [
    { name: 'outage while watching', downFromStart: false },
    { name: 'outage before the first list', downFromStart: true },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const fake = new FakeClient();
      await fake.create(cm('a'));
      const clock = new FakeClock();
      const { client, state, attempts } = withOutage(fake, clock);
      state.down = c.downFromStart;
      const inf = new SharedInformer({ client, resource: 'configmaps', clock, backoff: { jitter: 0 }, unavailableBackoff: { jitter: 0 } });
      const ac = new AbortController();
      const done = inf.run(ac.signal);
      await clock.tick(0);
      if (!c.downFromStart) {
        assert.equal(inf.hasSynced(), true);
        state.down = true;
        fake.breakWatches('UNAVAILABLE');
      }
      // 30 s away (a doubling backoff would be at 12.8 s by then): never more than 1 s between tries.
      for (let i = 0; i < 300; i++) await clock.tick(100);
      const gaps = attempts.slice(1).map((a, i) => a - attempts[i]!);
      assert.ok(attempts.length >= 30, `${attempts.length} attempts in 30 s`);
      assert.ok(Math.max(...gaps) <= 1000, `gaps ${gaps.join(', ')}`);
      // Back, as a restarted apiserver: its watch window starts after the informer's revision.
      state.down = false;
      await fake.create(cm('b'));
      fake.compact();
      const back = clock.now();
      while (!inf.getByName('default', 'b') && clock.now() - back < 60_000) await clock.tick(50);
      const ms = clock.now() - back;
      assert.ok(ms <= 1300, `the informer caught up ${ms} ms after the apiserver's return`);
      assert.equal(inf.hasSynced(), true);
      ac.abort();
      await done;
      assert.equal(clock.pending(), 0);
    });
  }
});

void test('waitForSync resolves false on abort', async () => {
  const inf = new SharedInformer({ client: new FakeClient(), resource: 'pods' });
  const ac = new AbortController();
  const p = inf.waitForSync(ac.signal);
  ac.abort();
  assert.equal(await p, false);
});

void test('a throwing handler does not stop the others or the informer', async () => {
  const env = await start([]);
  const seen: string[] = [];
  env.inf.addEventHandler({
    onAdd: () => {
      throw new Error('handler bug');
    },
  });
  env.inf.addEventHandler({
    onAdd: (o) => {
      seen.push(o.metadata.name!);
    },
  });
  await env.client.create(cm('x'));
  await env.client.create(cm('y'));
  await env.clock.tick(0);
  assert.deepEqual(seen, ['x', 'y']);
  await env.stop();
});

void test('resync re-delivers updates with old === new', async () => {
  const env = await start([cm('a')], { resyncMs: 1000 });
  await env.clock.tick(999);
  assert.equal(env.events.length, 1);
  await env.clock.tick(1);
  assert.deepEqual(env.events, ['add a@1', 'update a@1->1']);
  await env.clock.tick(1000);
  assert.equal(env.events.length, 3);
  await env.stop();
});

void test('indexers and selectors', async () => {
  const client = new FakeClient();
  await client.create(cm('a', '1', { app: 'web', tier: 'front' }));
  await client.create(cm('b', '1', { app: 'db', tier: 'back' }));
  await client.create(cm('c', '1', { app: 'web', tier: 'back' }));
  const clock = new FakeClock();
  const inf = new SharedInformer({ client, resource: 'configmaps', labelSelector: 'app=web', clock });
  inf.addIndexer('byTier', (o) => [o.metadata.labels?.tier ?? '']);
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await clock.tick(0);
  assert.deepEqual(inf.byIndex('byTier', 'back').map((o) => o.metadata.name), ['c']);
  assert.equal(inf.list().length, 2);
  ac.abort();
  await done;
});

void test('factory shares one informer per resource and scope', async () => {
  const client = new FakeClient();
  await client.create(cm('a'));
  const clock = new FakeClock();
  const f = new SharedInformerFactory({ client, clock });
  const a = f.informerFor('configmaps');
  assert.equal(f.informerFor('cm'), a);
  assert.equal(f.informerFor('ConfigMap'), a);
  assert.notEqual(f.informerFor('configmaps', { namespace: 'kube-system' }), a);
  const ac = new AbortController();
  f.start(ac.signal);
  const late = f.informerFor('pods');
  await clock.tick(0);
  assert.equal(await f.waitForCacheSync(ac.signal), true);
  assert.equal(late.hasSynced(), true);
  assert.equal(a.list().length, 1);
  ac.abort();
  await f.stopped();
  assert.equal(client.watchCount(), 0);
});

void test('lastRV moves only after a whole batch; the resume starts from it', async () => {
  const fake = new FakeClient();
  await fake.create(cm('a'));
  const watchRVs: string[] = [];
  const client = Object.assign(Object.create(fake) as FakeClient, {
    watch: (_resource: string, opts: { resourceVersion?: string }, signal: AbortSignal) => {
      watchRVs.push(opts.resourceVersion ?? '');
      if (watchRVs.length > 1) return fake.watch('configmaps', opts, signal);
      return (async function* () {
        yield {
          resourceVersion: '10',
          initialEventsEnd: false,
          events: [
            { type: 'ADDED' as const, object: { ...cm('x'), metadata: { ...cm('x').metadata, resourceVersion: '10' } } },
            { type: 'ADDED' as const, object: { ...cm('y'), metadata: { ...cm('y').metadata, resourceVersion: '10' } } },
          ],
        };
        throw new ApiError('UNAVAILABLE', 'connection lost');
      })();
    },
  });
  const clock = new FakeClock();
  const inf = new SharedInformer({ client, resource: 'configmaps', clock });
  const rvDuringBatch: string[] = [];
  inf.addEventHandler({
    onAdd: () => {
      rvDuringBatch.push(inf.lastSyncResourceVersion());
    },
  });
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await clock.tick(1000);
  // Handlers run after the informer moved on: the list's revision, then the whole batch's.
  assert.deepEqual(rvDuringBatch, ['1', '10', '10']);
  assert.deepEqual(watchRVs, ['1', '10']);
  ac.abort();
  await done;
});

void test('a slow handler stalls neither the other handlers nor the watch', async () => {
  const env = await start([]);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: string[] = [];
  const fast: string[] = [];
  const slowReg = env.inf.addEventHandler({
    onAdd: async (o) => {
      slow.push(o.metadata.name!);
      await gate;
    },
  });
  env.inf.addEventHandler({
    onAdd: (o) => {
      fast.push(o.metadata.name!);
    },
  });
  for (const n of ['x', 'y', 'z']) await env.client.create(cm(n));
  await env.clock.tick(0);
  assert.deepEqual(fast, ['x', 'y', 'z']);
  assert.deepEqual(env.inf.keys().sort(), ['default/x', 'default/y', 'default/z'], 'the cache is current');
  assert.deepEqual(slow, ['x'], 'the slow handler is still on its first notification');
  release();
  await slowReg.idle();
  assert.deepEqual(slow, ['x', 'y', 'z'], 'then it gets the rest, in order');
  await env.stop();
});

void test('isInInitialList is true for the first list and a late handler, false for watch events', async () => {
  const env = await start([cm('a')]);
  const seen: string[] = [];
  const reg = env.inf.addEventHandler({
    onAdd: (o, initial) => {
      seen.push(`${o.metadata.name} ${initial}`);
    },
  });
  await env.client.create(cm('b'));
  await env.clock.tick(0);
  await reg.idle();
  assert.deepEqual(seen, ['a true', 'b false']);
  await env.stop();
});

void test('setTransform applies to listed and watched objects (deletions too) before the cache and handlers; only before run', async () => {
  const client = new FakeClient();
  await client.create(cm('a', 'big'));
  const clock = new FakeClock();
  const inf = new SharedInformer({ client, resource: 'configmaps', clock, pageSize: 1 });
  const seen: string[] = [];
  inf.setTransform((o) => {
    seen.push(`${o.metadata.name}@${o.metadata.resourceVersion}`);
    const { namespace, name, resourceVersion } = o.metadata;
    return { apiVersion: o.apiVersion, kind: o.kind, metadata: { namespace, name, resourceVersion }, data: { len: String((o.data as { v: string }).v.length) } };
  });
  const got: unknown[] = [];
  inf.addEventHandler({
    onAdd: (o) => got.push(['add', o.metadata.labels, o.data]),
    onUpdate: (_, o) => got.push(['update', o.data]),
    onDelete: (o) => got.push(['delete', (o as KObject).data]),
  });
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await clock.tick(0);
  assert.throws(() => inf.setTransform((o) => o), /already started/);
  const a = await client.get('configmaps', 'default', 'a');
  await client.create(cm('b', 'xy'));
  await client.update({ ...a, data: { v: 'bigger' } });
  await client.delete('configmaps', 'default', 'b');
  await clock.tick(0);
  assert.deepEqual(got, [
    ['add', undefined, { len: '3' }],
    ['add', undefined, { len: '2' }],
    ['update', { len: '6' }],
    ['delete', { len: '2' }],
  ]);
  assert.deepEqual(inf.getByName('default', 'a')!.data, { len: '6' });
  assert.equal(inf.getByName('default', 'a')!.metadata.labels, undefined);
  assert.deepEqual(seen, ['a@1', 'b@2', 'a@3', 'b@4']);
  ac.abort();
  await done;
});
