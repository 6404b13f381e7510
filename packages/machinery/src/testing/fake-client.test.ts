import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type KObject, type Namespace, isApiError } from '@skiff/api';
import type { WatchBatch } from '../client/types.js';
import { FakeClient } from './fake-client.js';

const NOW = Date.UTC(2024, 0, 1);

function cm(name: string, labels: Record<string, string> = {}, ns = 'default'): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { a: '1' } };
}

function pod(name: string, extra: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra } };
}

async function collect(it: AsyncIterable<WatchBatch>, n: number): Promise<WatchBatch[]> {
  const out: WatchBatch[] = [];
  for await (const b of it) {
    out.push(b);
    if (out.length === n) break;
  }
  return out;
}

/** Rejects with an ApiError of `code` whose message matches. */
async function rejectsWith(p: Promise<unknown>, code: ApiError['code'], message?: RegExp): Promise<void> {
  await assert.rejects(p, (e) => isApiError(e, code) && (!message || message.test(e.message)));
}

interface CreateCase {
  name: string;
  obj: KObject;
  check?(o: KObject): void;
  err?: [ApiError['code'], RegExp];
}

const createCases: CreateCase[] = [
  {
    name: 'server fields: uid, resourceVersion, creationTimestamp, generation; status reset',
    obj: { ...pod('p'), status: { phase: 'Running' } },
    check: (o) => {
      assert.match(o.metadata.uid!, /^[0-9a-f-]{36}$/);
      assert.equal(o.metadata.resourceVersion, '2');
      assert.equal(o.metadata.creationTimestamp, '2024-01-01T00:00:00Z');
      assert.equal(o.metadata.generation, 1);
      assert.deepEqual(o.status, { phase: 'Pending' });
    },
  },
  { name: 'defaults applied', obj: pod('p'), check: (o) => assert.equal((o.spec as { restartPolicy: string }).restartPolicy, 'Always') },
  { name: 'generateName', obj: { ...cm(''), metadata: { generateName: 'web-', namespace: 'default' } }, check: (o) => assert.match(o.metadata.name!, /^web-[a-z0-9]{5}$/) },
  { name: 'empty namespace is default', obj: { ...cm('x'), metadata: { name: 'x' } }, check: (o) => assert.equal(o.metadata.namespace, 'default') },
  { name: 'cluster-scoped: namespace dropped', obj: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'x' } }, check: (o) => assert.equal(o.metadata.namespace, undefined) },
  { name: 'apiVersion filled', obj: { ...cm('x'), apiVersion: '' }, check: (o) => assert.equal(o.apiVersion, 'v1') },
  {
    name: 'a Service gets a clusterIP',
    obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } },
    check: (o) => assert.equal((o.spec as { clusterIP: string }).clusterIP, '10.96.0.10'),
  },
  { name: 'already exists, with the qualified resource', obj: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l0', namespace: 'default' } }, err: ['ALREADY_EXISTS', /leases\.coordination\.k8s\.io "l0" already exists/] },
  { name: 'unknown field with its path', obj: { ...pod('p'), spec: { containers: [{ name: 'c', imagee: 'x' }] } }, err: ['INVALID_ARGUMENT', /spec\.containers\[0\]\.imagee/] },
  { name: 'validation', obj: cm('Bad_Name'), err: ['INVALID_ARGUMENT', /metadata\.name/] },
  { name: 'wrong apiVersion', obj: { ...cm('x'), apiVersion: 'v2' }, err: ['INVALID_ARGUMENT', /served as apiVersion v1/] },
  { name: 'unknown kind', obj: { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }, err: ['INVALID_ARGUMENT', /unknown kind/] },
];

for (const c of createCases) {
  void test(`fake create: ${c.name}`, async () => {
    const f = new FakeClient({ now: () => NOW, objects: [{ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l0', namespace: 'default' } }] });
    if (c.err) {
      await rejectsWith(f.create(c.obj), c.err[0], c.err[1]);
      return;
    }
    const o = await f.create(c.obj);
    c.check!(o);
    assert.deepEqual(f.find(o.kind, o.metadata.namespace ?? '', o.metadata.name!), o, 'stored as returned');
  });
}

void test('fake create: dryRun stores nothing; warnings and the admit hook', async () => {
  const f = new FakeClient();
  f.warnings = ['careful'];
  const r = await f.createWithWarnings(cm('a'), { dryRun: true });
  assert.deepEqual(r.warnings, ['careful']);
  assert.equal(f.find('cm', 'default', 'a'), undefined);
  f.admit = (o) => {
    if (o.metadata.name === 'no') throw new ApiError('INVALID_ARGUMENT', 'refused');
  };
  await rejectsWith(f.create(cm('no')), 'INVALID_ARGUMENT', /refused/);
  assert.deepEqual(f.writes().map((w) => w.verb), ['create', 'create']);
});

interface UpdateCase {
  name: string;
  run(f: FakeClient, p: KObject): Promise<KObject>;
  check?(o: KObject, p: KObject): void;
  err?: [ApiError['code'], RegExp];
}

const updateCases: UpdateCase[] = [
  {
    name: 'spec change bumps generation and resourceVersion; status is kept',
    run: (f, p) => f.update({ ...p, spec: { ...(p.spec as object), activeDeadlineSeconds: 5 }, status: { phase: 'Failed' } }),
    check: (o, p) => {
      assert.equal(o.metadata.generation, 2);
      assert.notEqual(o.metadata.resourceVersion, p.metadata.resourceVersion);
      assert.deepEqual(o.status, { phase: 'Pending' });
    },
  },
  {
    name: 'a metadata change keeps the generation',
    run: (f, p) => f.update({ ...p, metadata: { ...p.metadata, labels: { a: 'b' } } }),
    check: (o) => assert.equal(o.metadata.generation, 1),
  },
  {
    name: 'a no-op keeps the resourceVersion',
    run: (f, p) => f.update(p),
    check: (o, p) => assert.equal(o.metadata.resourceVersion, p.metadata.resourceVersion),
  },
  {
    name: 'updateStatus writes only the status, generation unchanged',
    run: (f, p) => f.updateStatus({ ...p, spec: { containers: [{ name: 'c', image: 'other' }] }, status: { phase: 'Running' } }),
    check: (o, p) => {
      assert.deepEqual(o.spec, p.spec);
      assert.deepEqual(o.status, { phase: 'Running' });
      assert.equal(o.metadata.generation, 1);
    },
  },
  {
    name: 'stale resourceVersion is ABORTED',
    run: (f, p) => f.update({ ...p, metadata: { ...p.metadata, resourceVersion: '1' } }),
    err: ['ABORTED', /the object has been modified/],
  },
  {
    name: 'no resourceVersion: unconditional',
    run: (f, p) => f.update({ ...p, metadata: { ...p.metadata, resourceVersion: '', labels: { x: 'y' } } }),
    check: (o) => assert.deepEqual(o.metadata.labels, { x: 'y' }),
  },
  { name: 'missing object is NOT_FOUND', run: (f, p) => f.update({ ...p, metadata: { ...p.metadata, name: 'zz' } }), err: ['NOT_FOUND', /pods "zz" not found/] },
  { name: 'server fields are kept', run: (f, p) => f.update({ ...p, metadata: { ...p.metadata, uid: 'mine', creationTimestamp: '2000-01-01T00:00:00Z' } }), check: (o, p) => assert.equal(o.metadata.uid, p.metadata.uid) },
  { name: 'an invalid update is refused', run: (f, p) => f.update({ ...p, spec: { containers: [] } }), err: ['INVALID_ARGUMENT', /spec\.containers/] },
  { name: 'no status subresource for ConfigMaps', run: (f) => f.create(cm('c')).then((c) => f.updateStatus(c)), err: ['NOT_FOUND', /no status subresource/] },
];

for (const c of updateCases) {
  void test(`fake update: ${c.name}`, async () => {
    const f = new FakeClient({ objects: [cm('filler')] });
    const p = await f.create(pod('p'));
    if (c.err) {
      await rejectsWith(c.run(f, p), c.err[0], c.err[1]);
      return;
    }
    const o = await c.run(f, p);
    c.check!(o, p);
  });
}

interface PatchCase {
  name: string;
  patch: unknown;
  opts?: { subresource?: 'status'; patchType?: 'application/strategic-merge-patch+json' | 'application/json-patch+json' };
  check?(o: KObject): void;
  err?: [ApiError['code'], RegExp];
}

const patchCases: PatchCase[] = [
  { name: 'merge patch adds and removes', patch: { metadata: { labels: { b: '2', a: null } } }, check: (o) => assert.deepEqual(o.metadata.labels, { b: '2' }) },
  { name: 'resourceVersion in the patch is a precondition', patch: { metadata: { resourceVersion: '99', labels: { b: '2' } } }, err: ['ABORTED', /modified/] },
  { name: 'status subresource patches only the status', patch: { status: { phase: 'Running' }, metadata: { labels: { x: 'y' } } }, opts: { subresource: 'status' }, check: (o) => {
    assert.deepEqual(o.status, { phase: 'Running' });
    assert.deepEqual(o.metadata.labels, { a: '1' });
  } },
  { name: 'a main-resource patch ignores status', patch: { status: { phase: 'Running' } }, check: (o) => assert.deepEqual(o.status, { phase: 'Pending' }) },
  { name: 'unknown field', patch: { spec: { nodeNamee: 'x' } }, err: ['INVALID_ARGUMENT', /spec\.nodeNamee/] },
  { name: 'not an object', patch: [1], err: ['INVALID_ARGUMENT', /JSON object/] },
  {
    name: 'merge patch replaces a list whole',
    patch: { spec: { containers: [{ name: 'd', image: 'x' }] } },
    err: ['INVALID_ARGUMENT', /pod updates may not change fields/],
  },
  {
    name: 'strategic merge patch merges containers by name',
    patch: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } },
    opts: { patchType: 'application/strategic-merge-patch+json' },
    check: (o) => assert.deepEqual((o.spec as { containers: { name: string; image: string }[] }).containers.map((c) => [c.name, c.image]), [['c', 'busybox:2']]),
  },
  {
    name: 'strategic merge patch: null removes a label',
    patch: { metadata: { labels: { a: null, z: '9' } } },
    opts: { patchType: 'application/strategic-merge-patch+json' },
    check: (o) => assert.deepEqual(o.metadata.labels, { z: '9' }),
  },
  { name: 'JSON patch is not supported', patch: {}, opts: { patchType: 'application/json-patch+json' }, err: ['INVALID_ARGUMENT', /supported values/] },
];

for (const c of patchCases) {
  void test(`fake patch: ${c.name}`, async () => {
    const f = new FakeClient();
    await f.create({ ...pod('p'), metadata: { name: 'p', namespace: 'default', labels: { a: '1' } } });
    if (c.err) {
      await rejectsWith(f.patch('pods', 'default', 'p', c.patch, c.opts as Parameters<FakeClient['patch']>[4]), c.err[0], c.err[1]);
      return;
    }
    c.check!(await f.patch('pods', 'default', 'p', c.patch, c.opts as Parameters<FakeClient['patch']>[4]));
  });
}

void test('list: selectors (from @skiff/api) and paging', async (t) => {
  const c = new FakeClient();
  for (let i = 0; i < 5; i++) await c.create(cm(`c${i}`, { app: i % 2 ? 'odd' : 'even', tier: 'x' }));
  await c.create(cm('other', { app: 'odd' }, 'kube-system'));
  const cases = [
    { name: 'all', opts: {}, want: ['c0', 'c1', 'c2', 'c3', 'c4', 'other'] },
    { name: 'namespace', opts: { namespace: 'kube-system' }, want: ['other'] },
    { name: 'label =', opts: { labelSelector: 'app=odd' }, want: ['c1', 'c3', 'other'] },
    { name: 'labels and', opts: { labelSelector: 'app==odd,tier=x' }, want: ['c1', 'c3'] },
    { name: 'label !=', opts: { labelSelector: 'app!=odd' }, want: ['c0', 'c2', 'c4'] },
    { name: 'set-based', opts: { labelSelector: 'app in (odd),!tier' }, want: ['other'] },
    { name: 'field', opts: { fieldSelector: 'metadata.name=c2' }, want: ['c2'] },
    { name: 'field !=', opts: { fieldSelector: 'metadata.namespace!=default' }, want: ['other'] },
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
  await t.test('bad selectors', async () => {
    await rejectsWith(c.list('configmaps', { labelSelector: 'in (a)' }), 'INVALID_ARGUMENT');
    await rejectsWith(c.list('configmaps', { fieldSelector: 'spec.nodeName=x' }), 'INVALID_ARGUMENT', /field label not supported/);
  });
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
  await rejectsWith(collect(c.watch('configmaps', { resourceVersion: '1' }, new AbortController().signal), 1), 'OUT_OF_RANGE');
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
  await rejectsWith(it.next(), 'UNAVAILABLE');

  c.injectError('list', new ApiError('UNAVAILABLE', 'down'), 2);
  await assert.rejects(c.list('configmaps'));
  await assert.rejects(c.list('configmaps'));
  assert.equal((await c.list('configmaps')).items.length, 1);
});

interface DeleteCase {
  name: string;
  obj: KObject;
  opts?: Parameters<FakeClient['delete']>[3];
  pending: boolean;
  check?(o: KObject): void;
  err?: [ApiError['code'], RegExp];
}

const deleteCases: DeleteCase[] = [
  { name: 'no finalizers: gone at once', obj: cm('x'), pending: false },
  { name: 'finalizers: marked, pending', obj: { ...cm('x'), metadata: { name: 'x', namespace: 'default', finalizers: ['example.com/f'] } }, pending: true, check: (o) => assert.ok(o.metadata.deletionTimestamp) },
  { name: 'Foreground adds its finalizer', obj: cm('x'), opts: { propagationPolicy: 'Foreground' }, pending: true, check: (o) => assert.deepEqual(o.metadata.finalizers, ['foregroundDeletion']) },
  { name: 'Orphan adds its finalizer', obj: cm('x'), opts: { propagationPolicy: 'Orphan' }, pending: true, check: (o) => assert.deepEqual(o.metadata.finalizers, ['orphan']) },
  { name: 'a pod on a node is deleted gracefully', obj: pod('p', { nodeName: 'n1' }), pending: true, check: (o) => assert.equal(o.metadata.deletionGracePeriodSeconds, 30) },
  { name: 'grace 0 deletes a pod on a node at once', obj: pod('p', { nodeName: 'n1' }), opts: { gracePeriodSeconds: 0 }, pending: false },
  { name: 'uid precondition', obj: cm('x'), opts: { preconditions: { uid: 'other' } }, pending: false, err: ['ABORTED', /UID in precondition/] },
  { name: 'resourceVersion precondition', obj: cm('x'), opts: { preconditions: { resourceVersion: '99' } }, pending: false, err: ['ABORTED', /ResourceVersion in precondition/] },
  { name: 'bad propagation policy', obj: cm('x'), opts: { propagationPolicy: 'Never' as 'Orphan' }, pending: false, err: ['INVALID_ARGUMENT', /propagationPolicy/] },
];

for (const c of deleteCases) {
  void test(`fake delete: ${c.name}`, async () => {
    const f = new FakeClient({ objects: [c.obj] });
    const kind = c.obj.kind;
    if (c.err) {
      await rejectsWith(f.delete(kind, 'default', c.obj.metadata.name!, c.opts), c.err[0], c.err[1]);
      return;
    }
    const r = await f.delete(kind, 'default', c.obj.metadata.name!, c.opts);
    assert.equal(r.pending, c.pending);
    c.check?.(r.object);
    assert.equal(!!f.find(kind, 'default', c.obj.metadata.name!), c.pending);
  });
}

void test('fake delete: removing the last finalizer of an object being deleted deletes it; a namespace waits for its spec finalizers', async () => {
  const f = new FakeClient({ objects: [{ ...cm('f'), metadata: { name: 'f', namespace: 'team', finalizers: ['x'] } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] } }] });
  assert.equal((await f.delete('namespaces', '', 'team')).pending, true);
  assert.equal((await f.delete('configmaps', 'team', 'f')).pending, true);
  await f.patch('configmaps', 'team', 'f', { metadata: { finalizers: null } });
  assert.equal(f.find('configmaps', 'team', 'f'), undefined);
  const ns = f.find<Namespace>('namespaces', '', 'team')!;
  assert.equal(ns.status?.phase, 'Terminating');
  assert.ok(ns.metadata.deletionTimestamp);
  await f.update({ ...ns, spec: { finalizers: [] } });
  assert.equal(f.find('namespaces', '', 'team'), undefined, 'the update that releases the namespace removes it');
});

const bindCases: { name: string; pod: KObject; pre?: { uid?: string; resourceVersion?: string }; err?: [ApiError['code'], RegExp] }[] = [
  { name: 'binds and sets PodScheduled', pod: pod('p') },
  { name: 'already bound', pod: pod('p', { nodeName: 'n0' }), err: ['FAILED_PRECONDITION', /already assigned to node "n0"/] },
  { name: 'being deleted', pod: { ...pod('p'), metadata: { name: 'p', namespace: 'default', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['x'] } }, err: ['FAILED_PRECONDITION', /being deleted/] },
  { name: 'uid precondition', pod: pod('p'), pre: { uid: 'other' }, err: ['ABORTED', /UID in precondition/] },
  { name: 'resourceVersion precondition', pod: pod('p'), pre: { resourceVersion: '99' }, err: ['ABORTED', /modified/] },
];

for (const c of bindCases) {
  void test(`fake bind: ${c.name}`, async () => {
    const f = new FakeClient({ objects: [c.pod] });
    if (c.err) {
      await rejectsWith(f.bind('default', 'p', 'n1', c.pre), c.err[0], c.err[1]);
      return;
    }
    const bound = await f.bind('default', 'p', 'n1', c.pre);
    assert.equal((bound.spec as { nodeName: string }).nodeName, 'n1');
    assert.deepEqual(
      (bound.status as { conditions: { type: string; status: string }[] }).conditions.map((x) => [x.type, x.status]),
      [['PodScheduled', 'True']],
    );
  });
}

void test('fake: discovery lists every served type', async () => {
  assert.ok((await new FakeClient().discovery()).resources.some((r) => r.name === 'leases' && r.group === 'coordination.k8s.io'));
});

const collectionCases: { name: string; opts: Parameters<FakeClient['deleteCollection']>[1]; deleted: string[]; pending?: string[]; err?: RegExp }[] = [
  { name: 'a namespace', opts: { namespace: 'default' }, deleted: ['default/a', 'default/b'] },
  { name: 'every namespace with a label selector', opts: { labelSelector: 'app=x' }, deleted: ['default/a', 'other/c'] },
  { name: 'a field selector', opts: { fieldSelector: 'metadata.name=b' }, deleted: ['default/b'] },
  { name: 'Orphan marks instead', opts: { namespace: 'other', propagationPolicy: 'Orphan' }, deleted: [], pending: ['other/c'] },
  { name: 'dry run deletes nothing', opts: { dryRun: true }, deleted: [] },
  { name: 'a bad selector deletes nothing', opts: { labelSelector: 'a in (' }, deleted: [], err: /unable to parse/ },
];

for (const c of collectionCases) {
  void test(`fake deleteCollection: ${c.name}`, async () => {
    const f = new FakeClient({ objects: [cm('a', { app: 'x' }), cm('b'), cm('c', { app: 'x' }, 'other')] });
    const before = f.objects('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    if (c.err) {
      await rejectsWith(f.deleteCollection('configmaps', c.opts), 'INVALID_ARGUMENT', c.err);
    } else {
      const results = await f.deleteCollection('configmaps', c.opts);
      assert.deepEqual(results.filter((r) => r.pending).map((r) => `${r.object.metadata.namespace}/${r.object.metadata.name}`), c.pending ?? []);
    }
    const after = f.objects('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    assert.deepEqual(before.filter((k) => !after.includes(k)), c.deleted);
  });
}
