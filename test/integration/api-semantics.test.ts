import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { isApiError, type KObject, type Namespace } from '@skiff/api';
import { startCluster, type TestCluster } from '../harness/index.js';
import { rejects } from '../harness/api-assert.js';
import { Recorder } from './watch-helpers.js';

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }, namespace = 'default'): KObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data }) as KObject;

const pod = (name: string, nodeName?: string, labels: Record<string, string> = {}): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] },
  }) as KObject;

describe('API conventions', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.close();
  });

  it('server fields: uid, resourceVersion, creationTimestamp, generation; generateName', async () => {
    const o = await c.client.create({ ...cm(''), metadata: { generateName: 'gen-', namespace: 'default' } } as KObject);
    assert.match(o.metadata.name!, /^gen-[a-z0-9]{5}$/);
    assert.match(o.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.match(o.metadata.resourceVersion!, /^\d+$/);
    assert.match(o.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('create of an existing name is ALREADY_EXISTS; in a missing namespace NOT_FOUND', async () => {
    await c.client.create(cm('dup'));
    await rejects(c.client.create(cm('dup')), 'ALREADY_EXISTS');
    await rejects(c.client.create(cm('x', {}, {}, 'nowhere')), 'NOT_FOUND');
  });

  it('two concurrent updates with the same resourceVersion: exactly one wins, the other gets ABORTED', async () => {
    const o = await c.client.create(cm('race'));
    const results = await Promise.allSettled([
      c.client.update({ ...o, data: { k: 'a' } }),
      c.client.update({ ...o, data: { k: 'b' } }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal(failed.reason.code, 'ABORTED');
    assert.equal(failed.reason.reason, 'Conflict');
  });

  it('generation moves with spec only; status goes through UpdateStatus only', async () => {
    const d = await c.client.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'gen' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    } as KObject);
    assert.equal(d.metadata.generation, 1);
    const s = await c.client.updateStatus({ ...d, status: { observedGeneration: 1, replicas: 3 } });
    assert.equal(s.metadata.generation, 1);
    assert.deepEqual(s.status, { observedGeneration: 1, replicas: 3 });
    const u = await c.client.update({ ...s, spec: { ...(s.spec as object), replicas: 5 }, status: { replicas: 99 } });
    assert.equal(u.metadata.generation, 2);
    assert.equal((u.status as { replicas: number }).replicas, 3, 'spec update ignores status');
    const l = await c.client.update({ ...u, metadata: { ...u.metadata, labels: { x: 'y' } } });
    assert.equal(l.metadata.generation, 2, 'metadata change does not bump generation');
  });

  it('merge patch, with a resourceVersion precondition inside the patch', async () => {
    const o = await c.client.create(cm('patched', { a: '1' }, { k: 'v', gone: 'x' }));
    const p = await c.client.patch('configmaps', 'default', 'patched', { data: { gone: null, n: 'new' }, metadata: { labels: { b: '2' } } });
    assert.deepEqual((p as unknown as { data: object }).data, { k: 'v', n: 'new' });
    assert.deepEqual(p.metadata.labels, { a: '1', b: '2' });
    await rejects(c.client.patch('configmaps', 'default', 'patched', { metadata: { resourceVersion: o.metadata.resourceVersion }, data: { k: 'z' } }), 'ABORTED');
    const bad = await rejects(c.client.patch('configmaps', 'default', 'patched', { data: { k: 5 } }), 'INVALID_ARGUMENT');
    assert.equal(bad.fields[0].field, 'data[k]');
  });

  it('finalizers hold a delete until they are removed', async () => {
    await c.client.create({ ...cm('fin'), metadata: { name: 'fin', namespace: 'default', finalizers: ['example.com/hold'] } } as KObject);
    const d = await c.client.delete('configmaps', 'default', 'fin');
    assert.equal(d.pending, true);
    assert.ok(d.object.metadata.deletionTimestamp);
    const cur = await c.client.get('configmaps', 'default', 'fin');
    await c.client.update({ ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    await rejects(c.client.get('configmaps', 'default', 'fin'), 'NOT_FOUND');
  });

  it('a deleted namespace turns Terminating and takes no new objects; a live one whose labels mention deletionTimestamp does', async () => {
    await c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } as KObject);
    await c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'odd', labels: { note: 'deletionTimestamp' } } } as KObject);
    await c.client.create(cm('before', {}, { k: 'v' }, 'doomed'));
    const d = await c.client.delete<Namespace>('namespaces', '', 'doomed');
    assert.equal(d.pending, true, 'the namespace waits for its kubernetes spec finalizer');
    assert.equal(d.object.status?.phase, 'Terminating');
    assert.ok(d.object.metadata.deletionTimestamp);
    assert.deepEqual(d.object.spec?.finalizers, ['kubernetes']);
    const again = await rejects(c.client.delete('namespaces', '', 'doomed'), 'ABORTED');
    assert.match(again.message, /ensuring all content is removed/);
    // The check reads the watch cache: wait until it has seen the delete.
    const deadline = Date.now() + 5000;
    for (let i = 0; ; i++) {
      try {
        await c.client.create(cm(`after-${i}`, {}, { k: 'v' }, 'doomed'));
      } catch (e) {
        assert.ok(isApiError(e), String(e));
        assert.equal(e.code, 'PERMISSION_DENIED', e.message);
        assert.equal(e.reason, 'NamespaceTerminating');
        assert.match(e.message, /^configmaps "after-\d+" is forbidden: unable to create new content in namespace doomed because it is being terminated$/);
        break;
      }
      assert.ok(Date.now() < deadline, 'creates in a terminating namespace are still accepted after 5 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.client.create(cm('fine', {}, { k: 'v' }, 'odd'));
    // Releasing the spec finalizer (what the namespace controller does once it is empty) removes it.
    await c.client.delete('configmaps', 'doomed', 'before');
    const held = await c.client.get<Namespace>('namespaces', '', 'doomed');
    await c.client.update({ ...held, spec: { finalizers: [] } });
    await rejects(c.client.get('namespaces', '', 'doomed'), 'NOT_FOUND');
  });

  it('the default namespaces cannot be deleted', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const e = await rejects(c.client.delete('namespaces', '', name), 'PERMISSION_DENIED');
      assert.equal(e.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
  });

  const propagation: { name: string; finalizers?: string[]; policy?: 'Background' | 'Foreground' | 'Orphan'; then?: 'Background' | 'Foreground' | 'Orphan'; want: string[] | 'gone' }[] = [
    { name: 'Background (the default) deletes at once', want: 'gone' },
    { name: 'Foreground marks it with foregroundDeletion', policy: 'Foreground', want: ['foregroundDeletion'] },
    { name: 'Orphan marks it with orphan', policy: 'Orphan', want: ['orphan'] },
    { name: 'an orphan finalizer set at creation decides when no policy is given', finalizers: ['orphan'], want: ['orphan'] },
    { name: 'a second delete with Foreground replaces orphan', policy: 'Orphan', then: 'Foreground', want: ['foregroundDeletion'] },
    { name: 'a second delete with Background removes orphan: gone', policy: 'Orphan', then: 'Background', want: 'gone' },
  ];
  for (const [i, p] of propagation.entries()) {
    it(`propagationPolicy: ${p.name}`, async () => {
      const name = `prop-${i}`;
      await c.client.create({ ...cm(name), metadata: { name, namespace: 'default', ...(p.finalizers ? { finalizers: p.finalizers } : {}) } } as KObject);
      try {
        await c.client.delete('configmaps', 'default', name, p.policy ? { propagationPolicy: p.policy } : {});
        if (p.then) await c.client.delete('configmaps', 'default', name, { propagationPolicy: p.then });
        if (p.want === 'gone') {
          await rejects(c.client.get('configmaps', 'default', name), 'NOT_FOUND');
        } else {
          const got = await c.client.get('configmaps', 'default', name);
          assert.ok(got.metadata.deletionTimestamp);
          assert.deepEqual(got.metadata.finalizers, p.want);
        }
      } finally {
        await c.client.patch('configmaps', 'default', name, { metadata: { finalizers: null } }).catch(() => undefined);
      }
    });
  }

  it('Bind sets the node once; a bound pod is never bound again', async () => {
    await c.client.create(pod('bindme'));
    const b = await c.client.bind('default', 'bindme', 'node-1');
    assert.equal((b.spec as { nodeName: string }).nodeName, 'node-1');
    await rejects(c.client.bind('default', 'bindme', 'node-2'), 'FAILED_PRECONDITION');
    const results = await Promise.allSettled([c.client.create(pod('race-bind')).then(() => 0)]);
    assert.equal(results[0]!.status, 'fulfilled');
    const both = await Promise.allSettled([c.client.bind('default', 'race-bind', 'a'), c.client.bind('default', 'race-bind', 'b')]);
    assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('ClusterIPs and NodePorts are never handed out twice and are freed on delete', async () => {
    const svc = (name: string, extra: object = {}): KObject =>
      ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { a: name }, ports: [{ port: 80 }], ...extra } }) as KObject;
    const made = await Promise.all(Array.from({ length: 40 }, (_, i) => c.client.create(svc(`s${i}`, { type: 'NodePort' }))));
    const ips = made.map((s) => (s.spec as { clusterIP: string }).clusterIP);
    const ports = made.map((s) => (s.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort);
    assert.equal(new Set(ips).size, 40);
    assert.equal(new Set(ports).size, 40);
    for (const p of ports) assert.ok(p >= 30000 && p <= 32767);
    const taken = await rejects(c.client.create(svc('clash', { clusterIP: ips[0] })), 'INVALID_ARGUMENT');
    assert.equal(taken.fields[0].field, 'spec.clusterIP');
    await c.client.delete('services', 'default', 's0');
    const reuse = await c.client.create(svc('reuse', { clusterIP: ips[0], type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] }));
    assert.equal((reuse.spec as { clusterIP: string }).clusterIP, ips[0]);
    // An update that omits clusterIP keeps it; switching to ClusterIP frees the node port.
    const upd = await c.client.update({ ...reuse, spec: { selector: { a: 'x' }, ports: [{ port: 80 }] } });
    assert.equal((upd.spec as unknown as { clusterIP: string }).clusterIP, ips[0]);
    assert.equal((upd.spec as { ports: { nodePort?: number }[] }).ports[0]!.nodePort, undefined);
    const again = await c.client.create(svc('again', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] }));
    assert.equal((again.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort, ports[0]);
  });

  it('Events are stored as written; a repeat is counted by patching count and lastTimestamp', async () => {
    const ev = (): KObject =>
      ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: 'my-app-', namespace: 'default' },
        involvedObject: { kind: 'Pod', name: 'my-app', namespace: 'default', uid: 'u1' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        type: 'Warning',
        source: { component: 'skiff-node-agent' },
      }) as KObject;
    const a = await c.client.create(ev());
    const b = await c.client.create(ev());
    assert.notEqual(b.metadata.name, a.metadata.name, 'the server does not aggregate');
    assert.equal((a as { count?: number }).count, 1);
    const counted = await c.client.patch('events', 'default', a.metadata.name!, { count: 2, lastTimestamp: '2030-01-01T00:00:00Z' });
    assert.equal((counted as { count?: number }).count, 2);
    assert.equal((counted as { lastTimestamp?: string }).lastTimestamp, '2030-01-01T00:00:00Z');
    const list = await c.client.list('events', { namespace: 'default', fieldSelector: 'involvedObject.name=my-app' });
    assert.equal(list.items.length, 2);
  });

  it('paged lists are one snapshot while objects change; limit and continue', async () => {
    await c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paging' } } as KObject);
    for (let i = 0; i < 25; i++) await c.client.create(cm(`p${String(i).padStart(2, '0')}`, {}, { k: 'v' }, 'paging'));
    const first = await c.client.list('configmaps', { namespace: 'paging', limit: 10 });
    assert.equal(first.items.length, 10);
    assert.ok(first.continue);
    assert.equal(first.remainingItemCount, 15);
    // Changes after the first page are not seen by later pages.
    await c.client.delete('configmaps', 'paging', 'p20');
    await c.client.create(cm('p99', {}, {}, 'paging'));
    await c.client.patch('configmaps', 'paging', 'p15', { data: { k: 'changed' } });
    const names: string[] = first.items.map((o) => o.metadata.name!);
    let cont = first.continue;
    while (cont) {
      const page = await c.client.list('configmaps', { namespace: 'paging', limit: 10, continue: cont });
      assert.equal(page.resourceVersion, first.resourceVersion);
      for (const o of page.items) {
        names.push(o.metadata.name!);
        if (o.metadata.name === 'p15') assert.deepEqual((o as unknown as { data: object }).data, { k: 'v' });
      }
      cont = page.continue;
    }
    assert.equal(names.length, 25);
    assert.ok(names.includes('p20') && !names.includes('p99'));
  });

  it('label-selected and field-selected watches turn transitions into ADDED / DELETED', async () => {
    const start = (await c.client.list('configmaps', { namespace: 'default' })).resourceVersion;
    const byLabel = new Recorder(c.client, 'configmaps', { namespace: 'default', labelSelector: 'team=a', resourceVersion: start });
    const o = await c.client.create(cm('sel', { team: 'a' }));
    const o2 = await c.client.update({ ...o, metadata: { ...o.metadata, labels: { team: 'b' } } });
    const o3 = await c.client.update({ ...o2, metadata: { ...o2.metadata, labels: { team: 'a' } } });
    await c.client.delete('configmaps', 'default', 'sel');
    await byLabel.waitFor(4);
    assert.deepEqual(byLabel.seen.map((s) => s.type), ['ADDED', 'DELETED', 'ADDED', 'DELETED']);
    assert.equal(byLabel.seen[1]!.rv, o2.metadata.resourceVersion, 'the DELETED for "stopped matching" carries the change revision');
    assert.equal(byLabel.seen[2]!.rv, o3.metadata.resourceVersion);
    await byLabel.stop();

    const pstart = (await c.client.list('pods', {})).resourceVersion;
    const byNode = new Recorder(c.client, 'pods', { fieldSelector: 'spec.nodeName=n1', resourceVersion: pstart });
    const other = new Recorder(c.client, 'pods', { fieldSelector: 'spec.nodeName=n2', resourceVersion: pstart });
    await c.client.create(pod('p-a', 'n1'));
    await c.client.create(pod('p-b'));
    await c.client.bind('default', 'p-b', 'n1');
    await c.client.delete('pods', 'default', 'p-a', { gracePeriodSeconds: 0 });
    await byNode.waitFor(3);
    assert.deepEqual(byNode.seen.map((s) => `${s.type} ${s.name}`), ['ADDED p-a', 'ADDED p-b', 'DELETED p-a']);
    assert.equal(other.seen.length, 0);
    await byNode.stop();
    await other.stop();
  });

  it('watches from the same resourceVersion see the same events in the same order', async () => {
    const start = (await c.client.list('configmaps', {})).resourceVersion;
    const writes = (async () => {
      for (let i = 0; i < 30; i++) await c.client.create(cm(`same-${i}`));
    })();
    const batch = await Promise.all(Array.from({ length: 30 }, (_, i) => c.client.create(cm(`par-${i}`))));
    await writes;
    const a = new Recorder(c.client, 'configmaps', { resourceVersion: start });
    const b = new Recorder(c.client, 'configmaps', { resourceVersion: start });
    await a.waitFor(60);
    await b.waitFor(60);
    assert.deepEqual(a.seen, b.seen);
    const names = new Set(a.seen.map((s) => s.name));
    for (const o of batch) assert.ok(names.has(o.metadata.name!));
    await a.stop();
    await b.stop();
  });

  it('resourceVersion "0" starts with the current state, then changes', async () => {
    await c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'initial' } } as KObject);
    await c.client.create(cm('i1', {}, {}, 'initial'));
    await c.client.create(cm('i2', {}, {}, 'initial'));
    const r = new Recorder(c.client, 'configmaps', { namespace: 'initial', resourceVersion: '0', sendInitialEvents: true });
    await r.waitFor(2);
    await c.client.create(cm('i3', {}, {}, 'initial'));
    await r.waitFor(3);
    assert.deepEqual(r.seen.map((s) => `${s.type} ${s.name}`), ['ADDED i1', 'ADDED i2', 'ADDED i3']);
    await r.stop();
  });

  it('the size limit: an object over 1.5 MiB is RESOURCE_EXHAUSTED', async () => {
    const args = Array.from({ length: 2000 }, () => 'x'.repeat(900));
    await rejects(c.client.create({ ...pod('big'), spec: { containers: [{ name: 'c', image: 'busybox', args }] } } as KObject), 'RESOURCE_EXHAUSTED');
  });
});

describe('compaction', () => {
  let k: TestCluster;
  before(async () => {
    k = await startCluster({ watchCacheSize: 10 });
  });
  after(async () => {
    await k?.close();
  });

  it('a compacted resourceVersion or continue token gets OUT_OF_RANGE (Expired)', async () => {
    await k.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'compact' } } as KObject);
    for (let i = 0; i < 5; i++) await k.client.create(cm(`c${i}`, {}, {}, 'compact'));
    const page = await k.client.list('configmaps', { namespace: 'compact', limit: 2 });
    const old = page.resourceVersion;
    for (let i = 5; i < 30; i++) await k.client.create(cm(`c${i}`, {}, {}, 'compact'));
    const etcd = new Etcd3({ hosts: k.etcd.endpoint });
    try {
      const { header } = await etcd.kv.range({ key: Buffer.from('x') });
      await etcd.kv.compact({ revision: header.revision, physical: true });
    } finally {
      etcd.close();
    }
    const e1 = await rejects(k.client.list('configmaps', { namespace: 'compact', limit: 2, continue: page.continue }), 'OUT_OF_RANGE');
    assert.equal(e1.reason, 'Expired');
    // A watch from before the cache window (10 events here) and compacted in etcd: OUT_OF_RANGE too.
    const r = new Recorder(k.client, 'configmaps', { namespace: 'compact', resourceVersion: old });
    await r.done;
    assert.equal((r.error as { code?: string })?.code, 'OUT_OF_RANGE');
      });

});
