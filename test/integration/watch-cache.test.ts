// The watch cache against a real etcd: watches resuming after an apiserver restart write nothing to
// etcd however many they are; informers recover (re-list) after the window is lost and after etcd
// compaction; lists are consistent and paged from the cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { isApiError, type KObject } from '@skiff/api';
import { discardLogger, SharedInformer, type WatchBatch } from '@skiff/machinery';
import { startCluster, startEtcd, type TestCluster, type TestEtcd } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const cm = (name: string, v = '1'): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v } }) as KObject;

const until = (cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => waitUntil(cond, what, timeoutMs, 20);

/** Retries `fn` while the client's channel still reconnects to a restarted server. */
async function reachable<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!isApiError(e, 'UNAVAILABLE') || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function etcdRevision(etcd: Etcd3): Promise<bigint> {
  const res = await etcd.kv.range({ key: Buffer.from('/'), count_only: true });
  return BigInt(String(res.header.revision));
}

/** Changes made through a second apiserver on the same etcd, which the first one's clients never see. */
async function changeBehindTheBack(etcd: TestEtcd, fn: (c: TestCluster) => Promise<void>): Promise<void> {
  const other = await startCluster({ etcd });
  try {
    await fn(other);
  } finally {
    await other.close();
  }
}

describe('watch cache against etcd', () => {
  let etcd: TestEtcd;
  let c: TestCluster;
  let raw: Etcd3;
  before(async () => {
    etcd = await startEtcd();
    c = await startCluster({ etcd, watchCacheSize: 50 });
    raw = new Etcd3({ hosts: etcd.endpoint });
  });
  after(async () => {
    raw?.close();
    await c?.close();
    await etcd?.stop();
  });

  it('1,000 watches resuming from before the window after a restart get Expired and write nothing to etcd', async () => {
    await c.client.create(cm('resume-a'));
    const { resourceVersion: old } = await c.client.list('configmaps', { namespace: 'default' });
    await c.client.patch('configmaps', 'default', 'resume-a', { data: { v: '2' } });
    await c.stopServer();
    await c.restartServer();
    await reachable(() => c.client.get('configmaps', 'default', 'resume-a'));
    const before = await etcdRevision(raw);
    const ac = new AbortController();
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, async () => {
        try {
          for await (const b of c.client.watch('configmaps', { namespace: 'default', resourceVersion: old }, ac.signal) as AsyncIterable<WatchBatch>) void b;
          return 'ended';
        } catch (e) {
          return isApiError(e, 'OUT_OF_RANGE') && e.reason === 'Expired' ? `expired ${e.metadata.resourceVersion}` : String(e);
        }
      }),
    );
    ac.abort();
    const after = await etcdRevision(raw);
    assert.equal(after, before, 'resuming watches wrote to etcd');
    assert.deepEqual(new Set(outcomes), new Set([`expired ${before}`]));
  });

  it('an informer re-lists and converges after a restart that lost its window, and after compaction', async () => {
    for (const n of ['keep', 'change', 'drop']) await c.client.create(cm(`inf-${n}`));
    const informer = new SharedInformer({ client: c.client, resource: 'configmaps', namespace: 'default', pageSize: 2, log: discardLogger(), backoff: { initialMs: 50, maxMs: 500 } });
    const ac = new AbortController();
    const running = informer.run(ac.signal);
    const names = (): string[] => informer.list().map((o) => o.metadata.name!).filter((n) => n.startsWith('inf-')).sort();
    const value = (name: string): string | undefined => (informer.getByName('default', name) as unknown as { data?: { v: string } } | undefined)?.data?.v;
    try {
      assert.equal(await informer.waitForSync(ac.signal), true);
      assert.deepEqual(names(), ['inf-change', 'inf-drop', 'inf-keep']);
      await c.stopServer();
      // While this apiserver is down, another one changes things; its watch window starts after them.
      await changeBehindTheBack(etcd, async (o) => {
        await o.client.patch('configmaps', 'default', 'inf-change', { data: { v: '2' } });
        await o.client.delete('configmaps', 'default', 'inf-drop');
        await o.client.create(cm('inf-new'));
      });
      await c.restartServer();
      await until(() => names().join() === 'inf-change,inf-keep,inf-new' && value('inf-change') === '2', 'the informer to re-list after the restart');

      // Compaction: the same, with etcd's history gone too.
      await c.stopServer();
      await changeBehindTheBack(etcd, async (o) => {
        await o.client.patch('configmaps', 'default', 'inf-change', { data: { v: '3' } });
        await o.client.delete('configmaps', 'default', 'inf-new');
      });
      await raw.kv.compact({ revision: String(await etcdRevision(raw)), physical: true });
      await c.restartServer();
      await until(() => names().join() === 'inf-change,inf-keep' && value('inf-change') === '3', 'the informer to re-list after compaction');
    } finally {
      ac.abort();
      await running;
    }
  });

  it('lists are consistent with a write just made, and pages share one snapshot', async () => {
    await reachable(() => c.client.get('namespaces', '', 'default'));
    for (let i = 0; i < 5; i++) await c.client.create(cm(`page-${i}`));
    const first = await c.client.list('configmaps', { namespace: 'default', limit: 2 });
    // Written after the first page: not in the later pages of the same list.
    await c.client.create(cm('page-00'));
    await c.client.delete('configmaps', 'default', 'page-4');
    const seen = first.items.map((o) => o.metadata.name);
    let cont = first.continue;
    while (cont) {
      const p = await c.client.list('configmaps', { namespace: 'default', limit: 2, continue: cont });
      assert.equal(p.resourceVersion, first.resourceVersion);
      seen.push(...p.items.map((o) => o.metadata.name));
      cont = p.continue;
    }
    assert.deepEqual(seen.filter((n) => n!.startsWith('page-')), ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    // A consistent list right after a write sees it.
    await c.client.create(cm('page-fresh'));
    const now = await c.client.list('configmaps', { namespace: 'default' });
    assert.ok(now.items.some((o) => o.metadata.name === 'page-fresh'));
    assert.ok(!now.items.some((o) => o.metadata.name === 'page-4'));
  });

  it('a continue token whose revision left the window and was compacted is Expired; a future resourceVersion is "Too large"', async () => {
    const first = await c.client.list('configmaps', { namespace: 'default', limit: 1 });
    assert.ok(first.continue);
    // More changes than the window (50) holds, then compaction.
    for (let i = 0; i < 60; i++) await c.client.patch('configmaps', 'default', 'page-0', { data: { v: String(i) } });
    await raw.kv.compact({ revision: String(await etcdRevision(raw)), physical: true });
    await assert.rejects(c.client.list('configmaps', { namespace: 'default', limit: 1, continue: first.continue }), (e) => isApiError(e, 'OUT_OF_RANGE') && e.reason === 'Expired');
    const future = String((await etcdRevision(raw)) + 1000n);
    await assert.rejects(c.client.list('configmaps', { namespace: 'default', resourceVersion: future }), (e) => isApiError(e, 'UNAVAILABLE') && /Too large resource version/.test(e.message));
  });
});
