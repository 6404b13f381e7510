import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type KObject, type OwnerReference, lookupResource } from '@skiff/api';
import type { FakeClient } from '@skiff/machinery/testing';
import { until, withControllers } from '../test-env.js';
import { DependencyGraph } from './graph.js';
import { garbageCollectorController } from './index.js';

type Owner = { kind: string; name: string; uid: string; block?: boolean; controller?: boolean };

const ref = (o: Owner): OwnerReference => ({
  apiVersion: o.kind === 'ReplicaSet' || o.kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind: o.kind,
  name: o.name,
  uid: o.uid,
  ...(o.controller ? { controller: true } : {}),
  ...(o.block ? { blockOwnerDeletion: true } : {}),
});

const meta = (name: string, owners: Owner[], extra: Partial<KObject['metadata']> = {}): KObject['metadata'] => ({
  name,
  namespace: 'default',
  uid: `uid-${name}`,
  ...(owners.length ? { ownerReferences: owners.map(ref) } : {}),
  ...extra,
});

const cm = (name: string, owners: Owner[] = [], extra: Partial<KObject['metadata']> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, owners, extra), data: { k: 'v' } }) as KObject;
const deploy = (name: string): KObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, []),
    spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  }) as KObject;
const rs = (name: string, owners: Owner[]): KObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(name, owners),
    spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  }) as KObject;
const pod = (name: string, owners: Owner[]): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name, owners), spec: { containers: [{ name: 'c', image: 'i' }] } }) as KObject;
const node = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` } }) as KObject;
const lease = (name: string, owners: Owner[]): KObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta(name, owners), spec: {} }) as KObject;

const D = (name: string, block = true): Owner => ({ kind: 'Deployment', name, uid: `uid-${name}`, controller: true, block });
const R = (name: string, block = true): Owner => ({ kind: 'ReplicaSet', name, uid: `uid-${name}`, controller: true, block });
const C = (name: string, uid = `uid-${name}`, block = false): Owner => ({ kind: 'ConfigMap', name, uid, block });

/** "resource/name" of an object in default (or cluster-scoped). */
type Key = string;
const find = (c: FakeClient, key: Key): KObject | undefined => {
  const [resource, name] = key.split('/') as [string, string];
  return c.find(resource, 'default', name);
};

/** Records the order in which objects are deleted, from watches on the fake. */
function recordDeletions(c: FakeClient, resources: string[], signal: AbortSignal): Key[] {
  const order: Key[] = [];
  for (const r of resources) {
    const resource = lookupResource(r)!.resource;
    void (async () => {
      for await (const b of c.watch(resource, { resourceVersion: c.resourceVersion() }, signal)) {
        for (const e of b.events) if (e.type === 'DELETED') order.push(`${resource}/${e.object!.metadata.name}`);
      }
    })().catch(() => undefined);
  }
  return order;
}

interface GcCase {
  name: string;
  objects: KObject[];
  act?: (c: FakeClient) => Promise<unknown>;
  gone: Key[];
  kept: Key[];
  /** [a, b]: a is deleted before b. */
  before?: [Key, Key][];
  check?: (c: FakeClient) => void;
}

const cases: GcCase[] = [
  {
    name: 'a ReplicaSet whose Deployment went while the collector was down is deleted, then its pods',
    objects: [rs('web-1', [D('web')]), pod('web-1-a', [R('web-1')]), pod('web-1-b', [R('web-1')]), deploy('other'), rs('other-1', [D('other')])],
    gone: ['replicasets/web-1', 'pods/web-1-a', 'pods/web-1-b'],
    kept: ['deployments/other', 'replicasets/other-1'],
  },
  {
    name: 'background: deleting a Deployment removes its ReplicaSets and their pods',
    objects: [deploy('web'), rs('web-1', [D('web')]), pod('web-1-a', [R('web-1')])],
    act: (c) => c.delete('deployments', 'default', 'web'),
    gone: ['deployments/web', 'replicasets/web-1', 'pods/web-1-a'],
    kept: [],
    before: [['deployments/web', 'replicasets/web-1'], ['replicasets/web-1', 'pods/web-1-a']],
  },
  {
    name: 'foreground: the Deployment waits for its ReplicaSet, which waits for its pods',
    objects: [deploy('web'), rs('web-1', [D('web')]), pod('web-1-a', [R('web-1')]), pod('web-1-b', [R('web-1')])],
    act: (c) => c.delete('deployments', 'default', 'web', { propagationPolicy: 'Foreground' }),
    gone: ['deployments/web', 'replicasets/web-1', 'pods/web-1-a', 'pods/web-1-b'],
    kept: [],
    before: [['pods/web-1-a', 'replicasets/web-1'], ['pods/web-1-b', 'replicasets/web-1'], ['replicasets/web-1', 'deployments/web']],
  },
  {
    name: 'foreground: a dependent without blockOwnerDeletion does not hold the owner, and is collected',
    objects: [cm('owner'), cm('loose', [C('owner')])],
    act: (c) => c.delete('configmaps', 'default', 'owner', { propagationPolicy: 'Foreground' }),
    gone: ['configmaps/owner', 'configmaps/loose'],
    kept: [],
  },
  {
    name: 'foreground: a cycle (two objects owning each other, both blocking) is broken and both go',
    objects: [cm('x', [C('y', 'uid-y', true)]), cm('y', [C('x', 'uid-x', true)])],
    act: (c) => c.delete('configmaps', 'default', 'x', { propagationPolicy: 'Foreground' }),
    gone: ['configmaps/x', 'configmaps/y'],
    kept: [],
  },
  {
    name: 'orphan: the ReplicaSet and its pods stay, without the reference to the Deployment',
    objects: [deploy('web'), rs('web-1', [D('web')]), pod('web-1-a', [R('web-1')])],
    act: (c) => c.delete('deployments', 'default', 'web', { propagationPolicy: 'Orphan' }),
    gone: ['deployments/web'],
    kept: ['replicasets/web-1', 'pods/web-1-a'],
    check: (c) => {
      assert.deepEqual(find(c, 'replicasets/web-1')!.metadata.ownerReferences ?? [], []);
      assert.equal(find(c, 'pods/web-1-a')!.metadata.ownerReferences?.[0]?.uid, 'uid-web-1');
    },
  },
  {
    name: 'an orphan finalizer set at creation decides a delete without a policy',
    objects: [cm('owner', [], { finalizers: ['orphan'] }), cm('dep', [C('owner')])],
    act: (c) => c.delete('configmaps', 'default', 'owner'),
    gone: ['configmaps/owner'],
    kept: ['configmaps/dep'],
  },
  {
    name: 'an owner name that now holds another uid is gone',
    objects: [cm('owner'), cm('dep', [C('owner', 'uid-of-an-older-owner')])],
    gone: ['configmaps/dep'],
    kept: ['configmaps/owner'],
  },
  {
    name: 'one live owner of two: the dangling reference is removed, the object is kept',
    objects: [cm('alive'), cm('dep', [C('alive'), C('gone')])],
    gone: [],
    kept: ['configmaps/dep', 'configmaps/alive'],
    check: (c) => assert.deepEqual(find(c, 'configmaps/dep')!.metadata.ownerReferences?.map((r) => r.name), ['alive']),
  },
  {
    name: 'a cluster-scoped owner: a Lease of a deleted Node is collected, one of a live Node kept',
    objects: [node('n1'), lease('lease-n1', [{ kind: 'Node', name: 'n1', uid: 'uid-n1' }]), lease('lease-n2', [{ kind: 'Node', name: 'n2', uid: 'uid-n2' }])],
    gone: ['leases/lease-n2'],
    kept: ['leases/lease-n1', 'nodes/n1'],
  },
  {
    name: 'an owner of a kind Skiff does not serve is left alone',
    objects: [cm('dep', [{ kind: 'Widget', name: 'w', uid: 'uid-w' }]), cm('dangling', [C('nope')])],
    gone: ['configmaps/dangling'],
    kept: ['configmaps/dep'],
  },
  {
    name: 'finalizers are respected: a dependent with a finalizer is marked and stays until it is removed',
    objects: [cm('dep', [C('gone')], { finalizers: ['example.com/hold'] })],
    gone: [],
    kept: ['configmaps/dep'],
    check: (c) => assert.ok(find(c, 'configmaps/dep')!.metadata.deletionTimestamp),
  },
];

describe('garbage collector', () => {
  for (const c of cases) {
    it(c.name, async () => {
      await withControllers([garbageCollectorController], c.objects, async ({ client, signal }) => {
        const resources = [...new Set([...c.gone, ...c.kept].map((k) => k.split('/')[0]!))];
        const order = recordDeletions(client, resources, signal);
        await c.act?.(client);
        await until(() => c.gone.every((k) => !find(client, k)), () => `${c.gone.filter((k) => find(client, k)).join(', ')} to be deleted`);
        if (c.check) await until(() => {
          try {
            c.check!(client);
            return true;
          } catch {
            return false;
          }
        }, 'the check to hold');
        await new Promise((r) => setTimeout(r, 200));
        for (const k of c.kept) assert.ok(find(client, k), `${k} was deleted`);
        c.check?.(client);
        for (const [a, b] of c.before ?? []) {
          await until(() => order.includes(a) && order.includes(b), `the deletions of ${a} and ${b} to be watched`);
          assert.ok(order.indexOf(a) < order.indexOf(b), `${a} was deleted after ${b}: ${order.join(', ')}`);
        }
      });
    });
  }
});

describe('dependency graph', () => {
  const owner = cm('owner');
  const dep = cm('dep', [C('owner', 'uid-owner', true)]);
  const steps: { name: string; run: (g: DependencyGraph) => string[]; want: string[]; then?: (g: DependencyGraph) => void }[] = [
    { name: 'a dependent of an owner never seen is queued', run: (g) => g.observe('configmaps', dep), want: ['uid-dep'] },
    { name: 'a dependent of a known owner is not', run: (g) => (g.observe('configmaps', owner), g.observe('configmaps', dep)), want: [] },
    {
      name: 'an owner deleted queues its dependents and stays as absent',
      run: (g) => (g.observe('configmaps', owner), g.observe('configmaps', dep), g.forget(owner)),
      want: ['uid-dep'],
      then: (g) => assert.equal(g.get('uid-owner')?.absent, true),
    },
    {
      name: 'an owner marked for foreground deletion queues itself and its dependents',
      run: (g) => (g.observe('configmaps', owner), g.observe('configmaps', dep), g.observe('configmaps', cm('owner', [], { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] }))),
      want: ['uid-owner', 'uid-dep'],
    },
    {
      name: 'a blocking dependent gone queues the owner waiting for it',
      run: (g) => (
        g.observe('configmaps', cm('owner', [], { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] })),
        g.observe('configmaps', dep),
        g.forget(dep)
      ),
      want: ['uid-owner'],
      then: (g) => assert.equal(g.get('uid-owner')?.dependents.size, 0),
    },
    {
      name: 'the last dependent of a virtual owner gone drops the owner',
      run: (g) => (g.observe('configmaps', dep), g.forget(dep)),
      want: [],
      then: (g) => assert.equal(g.size, 0),
    },
  ];
  for (const s of steps) {
    it(s.name, () => {
      const g = new DependencyGraph();
      assert.deepEqual(s.run(g).sort(), [...s.want].sort());
      s.then?.(g);
    });
  }
});
