// The typed clients, the informer's delivery, the event recorder and the fake client against a real
// apiserver and etcd. The conformance table runs every case on the real server and on the fake of
// @skiff/machinery/testing and requires the same outcome from both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { type ConfigMap, type Deployment, type Event, type KObject, type Pod, isApiError } from '@skiff/api';
import { Clientset, type Client, DeletedFinalStateUnknown, EventBroadcaster, SharedInformer, discardLogger } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const until = (cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => waitUntil(cond, what, timeoutMs, 20);

const pod = (name: string, labels: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});
const cm = (name: string, labels: Record<string, string> = {}): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { v: '1' } });
const deploy = (name: string): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

/** The error code, or the value. */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (e) {
    if (isApiError(e)) return `error ${e.code}`;
    throw e;
  }
}

interface ConformanceCase {
  name: string;
  /** `n` is a name unique to the case and the client. */
  run(cs: Clientset, n: string): Promise<unknown>;
  want: unknown;
}

const conformance: ConformanceCase[] = [
  {
    name: 'create: server fields, defaults, status reset',
    run: async (cs, n) => {
      const p = await cs.pods('default').create({ ...pod(n), status: { phase: 'Running' } });
      return [p.status?.phase, p.metadata.generation, p.spec?.restartPolicy, !!p.metadata.uid, !!p.metadata.creationTimestamp];
    },
    want: ['Pending', 1, 'Always', true, true],
  },
  { name: 'create twice', run: (cs, n) => outcome(cs.configMaps('default').create(cm(n)).then(() => cs.configMaps('default').create(cm(n)))), want: 'error ALREADY_EXISTS' },
  { name: 'unknown field', run: (cs, n) => outcome(cs.pods('default').create({ ...pod(n), spec: { containers: [{ name: 'c', imagee: 'x' }] } } as unknown as Pod)), want: 'error INVALID_ARGUMENT' },
  { name: 'invalid name', run: (cs, n) => outcome(cs.configMaps('default').create(cm(`${n}_X`))), want: 'error INVALID_ARGUMENT' },
  {
    name: 'stale update',
    run: async (cs, n) => {
      const c = await cs.configMaps('default').create(cm(n));
      await cs.configMaps('default').update({ ...c, data: { v: '2' } });
      return outcome(cs.configMaps('default').update({ ...c, data: { v: '3' } }));
    },
    want: 'error ABORTED',
  },
  {
    name: 'a no-op update keeps the resourceVersion',
    run: async (cs, n) => {
      const c = await cs.configMaps('default').create(cm(n));
      return (await cs.configMaps('default').update(c)).metadata.resourceVersion === c.metadata.resourceVersion;
    },
    want: true,
  },
  {
    name: 'generation: spec bumps it, status and metadata do not',
    run: async (cs, n) => {
      const d = await cs.deployments('default').create(deploy(n));
      const s = await cs.deployments('default').updateStatus({ ...d, status: { replicas: 1 } });
      const l = await cs.deployments('default').update({ ...s, metadata: { ...s.metadata, labels: { x: 'y' } } });
      const u = await cs.deployments('default').update({ ...l, spec: { ...l.spec!, replicas: 3 }, status: { replicas: 9 } });
      return [s.metadata.generation, l.metadata.generation, u.metadata.generation, u.status?.replicas];
    },
    want: [1, 1, 2, 1],
  },
  {
    name: 'updateStatus keeps the spec',
    run: async (cs, n) => {
      const p = await cs.pods('default').create(pod(n));
      const s = await cs.pods('default').updateStatus({ ...p, spec: { ...p.spec!, activeDeadlineSeconds: 9 }, status: { phase: 'Running' } });
      return [s.spec?.activeDeadlineSeconds, s.status?.phase];
    },
    want: [undefined, 'Running'],
  },
  { name: 'no status subresource', run: (cs, n) => outcome(cs.configMaps('default').create(cm(n)).then((c) => cs.configMaps('default').updateStatus(c))), want: 'error NOT_FOUND' },
  {
    name: 'merge patch',
    run: async (cs, n) => {
      await cs.configMaps('default').create(cm(n, { a: '1', b: '2' }));
      return (await cs.configMaps('default').patch(n, { metadata: { labels: { a: null, c: '3' } }, data: { w: '2' } })).metadata.labels;
    },
    want: { b: '2', c: '3' },
  },
  { name: 'patch precondition', run: (cs, n) => outcome(cs.configMaps('default').create(cm(n)).then(() => cs.configMaps('default').patch(n, { metadata: { resourceVersion: '999999999' } }))), want: 'error ABORTED' },
  {
    name: 'bind, then bind again',
    run: async (cs, n) => {
      await cs.pods('default').create(pod(n));
      const b = await cs.pods('default').bind(n, 'n1');
      const conds = (b.status?.conditions ?? []).map((x) => `${x.type}=${x.status}`);
      return [b.spec?.nodeName, conds, await outcome(cs.pods('default').bind(n, 'n2'))];
    },
    want: ['n1', ['PodScheduled=True'], 'error FAILED_PRECONDITION'],
  },
  {
    name: 'createAck, bindAck, patchAck: the stored identity and resourceVersion, the reply not decoded',
    run: async (cs, n) => {
      const created = await cs.pods('default').createAck(pod(n));
      const bound = await cs.pods('default').bindAck(n, 'n1', { uid: created.uid });
      const got = await cs.pods('default').get(n);
      const patched = await cs.client.patchAck('pods', 'default', n, { metadata: { labels: { x: 'y' } } });
      const after = await cs.pods('default').get(n);
      return [
        [created.kind, created.name === n, created.namespace, created.uid === got.metadata.uid],
        [bound.resourceVersion === got.metadata.resourceVersion, bound.resourceVersion !== created.resourceVersion, got.spec?.nodeName],
        patched.resourceVersion === after.metadata.resourceVersion,
      ];
    },
    want: [['Pod', true, 'default', true], [true, true, 'n1'], true],
  },
  {
    name: 'createAck, bindAck, patchAck: a refusal comes back with the code and reason the full call gives',
    run: async (cs, n) => {
      const created = await cs.pods('default').createAck(pod(n));
      const refusal = async (p: Promise<unknown>): Promise<unknown> => {
        try {
          return await p;
        } catch (e) {
          if (isApiError(e)) return `${e.code} ${e.reason}`;
          throw e;
        }
      };
      return [
        [await refusal(cs.pods('default').createAck(pod(n))), await refusal(cs.pods('default').create(pod(n)))],
        [await refusal(cs.pods('default').bindAck(n, 'n1', { uid: `not-${created.uid}` })), await refusal(cs.pods('default').bind(n, 'n1', { uid: `not-${created.uid}` }))],
        [await refusal(cs.client.patchAck('pods', 'default', `${n}-missing`, { metadata: { labels: { x: 'y' } } })), await refusal(cs.client.patch('pods', 'default', `${n}-missing`, { metadata: { labels: { x: 'y' } } }))],
      ];
    },
    want: [
      ['ALREADY_EXISTS AlreadyExists', 'ALREADY_EXISTS AlreadyExists'],
      ['ABORTED Conflict', 'ABORTED Conflict'],
      ['NOT_FOUND NotFound', 'NOT_FOUND NotFound'],
    ],
  },
  {
    name: 'delete with a finalizer waits; removing it deletes',
    run: async (cs, n) => {
      await cs.configMaps('default').create({ ...cm(n), metadata: { name: n, namespace: 'default', finalizers: ['example.com/x'] } });
      const d = await cs.configMaps('default').delete(n);
      await cs.configMaps('default').patch(n, { metadata: { finalizers: null } });
      return [d.pending, !!d.object.metadata.deletionTimestamp, await outcome(cs.configMaps('default').get(n))];
    },
    want: [true, true, 'error NOT_FOUND'],
  },
  {
    name: 'foreground deletion marks the object',
    run: async (cs, n) => {
      await cs.configMaps('default').create(cm(n));
      const d = await cs.configMaps('default').delete(n, { propagationPolicy: 'Foreground' });
      return [d.pending, d.object.metadata.finalizers];
    },
    want: [true, ['foregroundDeletion']],
  },
  { name: 'delete precondition', run: (cs, n) => outcome(cs.configMaps('default').create(cm(n)).then(() => cs.configMaps('default').delete(n, { preconditions: { uid: 'nope' } }))), want: 'error ABORTED' },
  {
    name: 'set-based label selector',
    run: async (cs, n) => {
      await cs.configMaps('default').create(cm(`${n}-a`, { sel: n, tier: 'fe' }));
      await cs.configMaps('default').create(cm(`${n}-b`, { sel: n }));
      return (await cs.configMaps('default').list({ labelSelector: `sel=${n},!tier` })).items.map((c) => c.metadata.name!.slice(n.length));
    },
    want: ['-b'],
  },
  { name: 'unsupported field selector', run: (cs) => outcome(cs.configMaps('default').list({ fieldSelector: 'spec.nodeName=x' })), want: 'error INVALID_ARGUMENT' },
  {
    name: 'a Service gets a clusterIP; a Node has no namespace',
    run: async (cs, n) => {
      const s = await cs.services('default').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: n }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
      const node = await cs.nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
      return [/^\d+\.\d+\.\d+\.\d+$/.test(s.spec?.clusterIP ?? ''), node.metadata.namespace];
    },
    want: [true, undefined],
  },
];

describe('typed clients, informer delivery, events and the fake against a real apiserver', () => {
  let c: TestCluster;
  let cs: Clientset;
  before(async () => {
    c = await startCluster();
    cs = new Clientset(c.client);
  });
  after(async () => {
    await c?.close();
  });

  for (const [i, k] of conformance.entries()) {
    it(`the fake and the server agree: ${k.name}`, async () => {
      const real = await k.run(cs, `conf-${i}`);
      const fake = await k.run(new Clientset(new FakeClient()), `conf-${i}`);
      assert.deepEqual(real, k.want, 'server');
      assert.deepEqual(fake, k.want, 'fake');
    });
  }

  it('typed watch and list are scoped to the namespace of the client', async () => {
    await cs.namespaces().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'typed-a' } });
    await cs.configMaps('typed-a').create({ metadata: { name: 'x' }, data: {} } as ConfigMap);
    await cs.configMaps('default').create(cm('typed-elsewhere'));
    assert.deepEqual((await cs.configMaps('typed-a').list()).items.map((o) => o.metadata.name), ['x']);
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const b of cs.configMaps('typed-a').watch({ resourceVersion: '0' }, ac.signal)) {
      seen.push(...b.events.map((e) => `${e.type} ${e.object?.metadata.namespace}/${e.object?.metadata.name}`));
      ac.abort();
    }
    assert.deepEqual(seen, ['ADDED typed-a/x']);
  });

  it('informer: a slow handler stalls neither a fast one nor the cache; a deletion missed while down is a tombstone', async () => {
    const informer = new SharedInformer<KObject>({ client: c.client, resource: 'configmaps', namespace: 'default', labelSelector: 'delivery=yes', log: discardLogger(), backoff: { initialMs: 50, maxMs: 500 } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: string[] = [];
    const fast: string[] = [];
    const slowReg = informer.addEventHandler({
      onAdd: async (o) => {
        slow.push(o.metadata.name!);
        await gate;
      },
    });
    informer.addEventHandler({
      onAdd: (o) => void fast.push(`add ${o.metadata.name}`),
      onDelete: (o) => void fast.push(o instanceof DeletedFinalStateUnknown ? `tombstone ${o.key}` : `delete ${o.metadata.name}`),
    });
    const ac = new AbortController();
    const running = informer.run(ac.signal);
    const etcd = new Etcd3({ hosts: c.etcd.endpoint });
    try {
      assert.equal(await informer.waitForSync(ac.signal), true);
      for (const n of ['d1', 'd2', 'd3']) await cs.configMaps('default').create(cm(n, { delivery: 'yes' }));
      await until(() => fast.length === 3, 'the fast handler');
      assert.deepEqual(fast, ['add d1', 'add d2', 'add d3']);
      assert.deepEqual(slow, ['d1'], 'the slow handler is still on its first');
      assert.equal(informer.list().length, 3);

      // Delete d2 behind the informer's back and compact etcd past it: the resumed watch is too
      // old, the informer re-lists and only then learns that d2 is gone.
      await c.stopServer();
      await etcd.delete().key('/registry/configmaps/default/d2');
      const rev = (await etcd.put('/machinery-test/after-delete').value('x')).header.revision;
      await etcd.kv.compact({ revision: rev, physical: true });
      await c.restartServer();
      await until(() => fast.length === 4, 'the tombstone');
      assert.deepEqual(fast[3], 'tombstone default/d2');
      release();
      await slowReg.idle();
      assert.deepEqual(slow, ['d1', 'd2', 'd3']);
    } finally {
      etcd.close();
      ac.abort();
      await running;
    }
  });

  it('event recorder: repeats patch one stored Event; the writes never block the caller', async () => {
    const b = new EventBroadcaster({ client: c.client, log: discardLogger() });
    const rec = b.newRecorder({ component: 'typed-test', host: 'n1' });
    const obj = await cs.configMaps('default').create(cm('evented'));
    const start = Date.now();
    for (let i = 0; i < 3; i++) rec.event(obj, 'Warning', 'BackOff', 'back-off restarting');
    rec.event(obj, 'Normal', 'Synced', 'synced');
    assert.ok(Date.now() - start < 50, 'recording returns at once');
    await b.flush();
    const events = (await (c.client as Client).list<Event>('events', { namespace: 'default', fieldSelector: 'involvedObject.name=evented' })).items;
    const summary = events.map((e) => `${e.reason} ${e.count} ${e.source?.component} ${e.involvedObject.uid === obj.metadata.uid}`).sort();
    assert.deepEqual(summary, ['BackOff 3 typed-test true', 'Synced 1 typed-test true']);
    await b.shutdown();
  });
});
