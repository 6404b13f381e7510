import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type KObject, isApiError } from '@skiff/api';
import type { WatchBatch } from './client/types.js';
import { FakeClient, parseSimpleSelector } from './fake-client.js';

function cm(name: string, labels: Record<string, string> = {}, ns = 'default'): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { a: '1' } };
}

async function collect(it: AsyncIterable<WatchBatch>, n: number): Promise<WatchBatch[]> {
  const out: WatchBatch[] = [];
  for await (const b of it) {
    out.push(b);
    if (out.length === n) break;
  }
  return out;
}

void test('create sets uid, resourceVersion, creationTimestamp; duplicates are ALREADY_EXISTS', async () => {
  const c = new FakeClient({ now: () => Date.UTC(2024, 0, 1) });
  const a = await c.create(cm('a'));
  assert.equal(a.metadata.resourceVersion, '1');
  assert.ok(a.metadata.uid);
  assert.equal(a.metadata.creationTimestamp, '2024-01-01T00:00:00Z');
  const b = await c.create(cm('b'));
  assert.equal(b.metadata.resourceVersion, '2');
  await assert.rejects(c.create(cm('a')), (e) => isApiError(e, 'ALREADY_EXISTS'));
  await assert.rejects(c.get('configmaps', 'default', 'zz'), (e) => isApiError(e, 'NOT_FOUND'));
  assert.equal((await c.get('cm', 'default', 'a')).metadata.uid, a.metadata.uid);
});

void test('update with a stale resourceVersion is ABORTED', async () => {
  const c = new FakeClient();
  const a = await c.create(cm('a'));
  const a2 = await c.update({ ...a, data: { a: '2' } });
  assert.equal(a2.metadata.resourceVersion, '2');
  await assert.rejects(c.update({ ...a, data: { a: '3' } }), (e) => isApiError(e, 'ABORTED'));
  const unconditional = structuredClone(a2);
  delete unconditional.metadata.resourceVersion;
  assert.equal((await c.update(unconditional)).metadata.resourceVersion, '3');
});

void test('status subresource: update keeps status, updateStatus keeps spec', async () => {
  const c = new FakeClient();
  const pod = await c.create<KObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { x: 1 } });
  const u = await c.update({ ...pod, spec: { x: 2 }, status: { phase: 'Running' } });
  assert.equal(u.status, undefined);
  assert.equal(u.metadata.generation, 2);
  const s = await c.updateStatus({ ...u, spec: { x: 99 }, status: { phase: 'Running' } });
  assert.deepEqual(s.spec, { x: 2 });
  assert.deepEqual(s.status, { phase: 'Running' });
  assert.equal(s.metadata.generation, 2);
});

void test('list: selectors and paging', async (t) => {
  const c = new FakeClient();
  for (let i = 0; i < 5; i++) await c.create(cm(`c${i}`, { app: i % 2 ? 'odd' : 'even', tier: 'x' }));
  await c.create(cm('other', { app: 'odd' }, 'kube-system'));
  const cases = [
    { name: 'all', opts: {}, want: ['c0', 'c1', 'c2', 'c3', 'c4', 'other'] },
    { name: 'namespace', opts: { namespace: 'kube-system' }, want: ['other'] },
    { name: 'label =', opts: { labelSelector: 'app=odd' }, want: ['c1', 'c3', 'other'] },
    { name: 'labels and', opts: { labelSelector: 'app==odd,tier=x' }, want: ['c1', 'c3'] },
    { name: 'label !=', opts: { labelSelector: 'app!=odd' }, want: ['c0', 'c2', 'c4'] },
    { name: 'field', opts: { fieldSelector: 'metadata.name=c2' }, want: ['c2'] },
  ];
  for (const tc of cases) {
    await t.test(tc.name, async () => {
      const r = await c.list('configmaps', tc.opts);
      assert.deepEqual(r.items.map((o) => o.metadata.name), tc.want);
      assert.equal(r.resourceVersion, '6');
    });
  }
  await t.test('pages', async () => {
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await c.list('configmaps', { limit: 4, continue: cont });
      names.push(...r.items.map((o) => o.metadata.name!));
      cont = r.continue;
      pages++;
    } while (cont);
    assert.equal(pages, 2);
    assert.equal(names.length, 6);
  });
  await t.test('bad selector', async () => {
    await assert.rejects(c.list('configmaps', { labelSelector: 'in (a)' }), (e) => isApiError(e, 'INVALID_ARGUMENT'));
  });
});

void test('parseSimpleSelector', () => {
  assert.deepEqual(parseSimpleSelector('a=1, b!=2'), [
    { key: 'a', op: '=', value: '1' },
    { key: 'b', op: '!=', value: '2' },
  ]);
  assert.deepEqual(parseSimpleSelector(''), []);
});

void test('watch: initial events, then live batches; resume from a revision; compaction', async () => {
  const c = new FakeClient();
  await c.create(cm('a'));
  const ac = new AbortController();
  const it = c.watch('configmaps', { resourceVersion: '' }, ac.signal)[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.value.initialEventsEnd, true);
  assert.deepEqual(first.value.events.map((e: { type: string }) => e.type), ['ADDED']);
  const b = await c.create(cm('b'));
  await c.delete('configmaps', 'default', 'a');
  assert.deepEqual((await it.next()).value.events[0].object.metadata.name, 'b');
  const del = (await it.next()).value;
  assert.equal(del.events[0].type, 'DELETED');
  assert.equal(del.resourceVersion, '3');
  ac.abort();
  assert.equal((await it.next()).done, true);
  assert.equal(c.watchCount(), 0);

  const resumed = await collect(c.watch('configmaps', { resourceVersion: '1' }, new AbortController().signal), 2);
  assert.deepEqual(resumed.map((x) => x.resourceVersion), ['2', '3']);
  assert.equal(b.metadata.resourceVersion, '2');

  c.compact();
  await assert.rejects(collect(c.watch('configmaps', { resourceVersion: '1' }, new AbortController().signal), 1), (e) =>
    isApiError(e, 'OUT_OF_RANGE'),
  );
});

void test('watch: selector transitions, bookmarks, broken streams, injected errors', async () => {
  const c = new FakeClient();
  const ac = new AbortController();
  const it = c.watch('configmaps', { resourceVersion: '0', labelSelector: 'app=x', allowWatchBookmarks: true }, ac.signal)[Symbol.asyncIterator]();
  assert.equal((await it.next()).value.events.length, 0);
  const o = await c.create(cm('a', { app: 'y' }));
  const o2 = await c.update({ ...o, metadata: { ...o.metadata, labels: { app: 'x' } } });
  assert.equal((await it.next()).value.events[0].type, 'ADDED');
  await c.update({ ...o2, metadata: { ...o2.metadata, labels: { app: 'z' } } });
  assert.equal((await it.next()).value.events[0].type, 'DELETED');
  c.bookmark();
  const bm = (await it.next()).value;
  assert.equal(bm.events[0].type, 'BOOKMARK');
  assert.equal(bm.resourceVersion, '3');
  c.breakWatches('UNAVAILABLE');
  await assert.rejects(it.next(), (e) => isApiError(e, 'UNAVAILABLE'));

  c.injectError('list', new ApiError('UNAVAILABLE', 'down'), 2);
  await assert.rejects(c.list('configmaps'));
  await assert.rejects(c.list('configmaps'));
  assert.equal((await c.list('configmaps')).items.length, 1);
});

void test('delete with finalizers is pending; preconditions; patch; bind', async () => {
  const c = new FakeClient();
  const o = await c.create<KObject>({ ...cm('f'), metadata: { name: 'f', namespace: 'default', finalizers: ['x'] } });
  await assert.rejects(c.delete('configmaps', 'default', 'f', { preconditions: { resourceVersion: '99' } }), (e) => isApiError(e, 'ABORTED'));
  const d = await c.delete('configmaps', 'default', 'f');
  assert.equal(d.pending, true);
  assert.ok(d.object.metadata.deletionTimestamp);
  const p = await c.patch('configmaps', 'default', 'f', { metadata: { finalizers: null }, data: { b: '2' } });
  assert.deepEqual(p.data, { a: '1', b: '2' });
  await assert.rejects(c.get('configmaps', 'default', 'f'), (e) => isApiError(e, 'NOT_FOUND'), 'removing the last finalizer deletes');
  assert.ok(o.metadata.uid);

  await c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: {} });
  const bound = await c.bind('default', 'p', 'n1');
  assert.deepEqual(bound.spec, { nodeName: 'n1' });
  await assert.rejects(c.bind('default', 'p', 'n2'), (e) => isApiError(e, 'FAILED_PRECONDITION'));
  const n = await c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'ignored' } });
  assert.equal(n.metadata.namespace, undefined);
  assert.equal((await c.list('nodes', { namespace: 'default' })).items.length, 1);
  assert.ok((await c.discovery()).resources.some((r) => r.name === 'leases' && r.group === 'coordination.k8s.io'));
});
