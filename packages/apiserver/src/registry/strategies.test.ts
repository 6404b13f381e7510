import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceByKind, resourceTypes, type KObject } from '@skiff/api';
import { strategyFor } from './strategies.js';

const obj = (kind: string, extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default' }, ...extra }) as KObject;
const strategy = (kind: string) => strategyFor(resourceByKind(kind)!);

test('every served kind has its strategy', () => {
  for (const t of resourceTypes) assert.equal(strategyFor(t).kind, t.kind);
});

const creates: { name: string; kind: string; status?: unknown; spec?: unknown; want: { status?: unknown; spec?: unknown } }[] = [
  { name: 'Deployment status is cleared', kind: 'Deployment', status: { replicas: 3 }, want: {} },
  { name: 'ReplicaSet status is cleared', kind: 'ReplicaSet', status: { replicas: 3 }, want: {} },
  { name: 'Service status is cleared, IP families defaulted', kind: 'Service', status: { loadBalancer: {} }, spec: {}, want: { spec: { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] } } },
  { name: 'Pod starts Pending', kind: 'Pod', status: { phase: 'Running' }, want: { status: { phase: 'Pending' } } },
  { name: 'Namespace starts Active with the kubernetes finalizer', kind: 'Namespace', status: { phase: 'Terminating' }, want: { status: { phase: 'Active' }, spec: { finalizers: ['kubernetes'] } } },
  { name: 'Node status is kept (its agent registers it)', kind: 'Node', status: { capacity: { cpu: '2' } }, want: { status: { capacity: { cpu: '2' } } } },
  { name: 'ConfigMap has nothing to reset', kind: 'ConfigMap', want: {} },
];

for (const c of creates) {
  test(`prepareForCreate: ${c.name}`, () => {
    const o = obj(c.kind, { ...(c.status ? { status: c.status } : {}), ...(c.spec ? { spec: c.spec } : {}) });
    strategy(c.kind).prepareForCreate(o);
    assert.deepEqual(o.status, c.want.status);
    assert.deepEqual(o.spec, c.want.spec);
  });
}

test('prepareForCreate: an Event gets its timestamps', () => {
  const e = obj('Event') as KObject & { firstTimestamp?: string; lastTimestamp?: string };
  strategy('Event').prepareForCreate(e);
  assert.match(e.firstTimestamp!, /^\d{4}-/);
  assert.equal(e.lastTimestamp, e.firstTimestamp);
});

const updates: { name: string; kind: string; next: Record<string, unknown>; old: Record<string, unknown>; want: Record<string, unknown> }[] = [
  { name: 'Deployment spec update keeps the stored status', kind: 'Deployment', next: { spec: { replicas: 2 }, status: { replicas: 9 } }, old: { spec: { replicas: 1 }, status: { replicas: 1 } }, want: { spec: { replicas: 2 }, status: { replicas: 1 } } },
  { name: 'no stored status: none kept', kind: 'ReplicaSet', next: { spec: {}, status: { replicas: 9 } }, old: { spec: {} }, want: { spec: {} } },
  { name: 'Pod keeps its status', kind: 'Pod', next: { spec: { a: 1 }, status: { phase: 'Failed' } }, old: { spec: { a: 1 }, status: { phase: 'Running' } }, want: { spec: { a: 1 }, status: { phase: 'Running' } } },
  {
    name: 'Namespace keeps its status; spec.finalizers are the update\'s',
    kind: 'Namespace',
    next: { spec: { finalizers: [] }, status: { phase: 'Terminating' } },
    old: { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    want: { spec: { finalizers: [] }, status: { phase: 'Active' } },
  },
  { name: 'ConfigMap takes the update as is', kind: 'ConfigMap', next: { data: { a: '2' } }, old: { data: { a: '1' } }, want: { data: { a: '2' } } },
];

for (const c of updates) {
  test(`prepareForUpdate: ${c.name}`, () => {
    const next = obj(c.kind, c.next);
    strategy(c.kind).prepareForUpdate(next, obj(c.kind, c.old));
    assert.deepEqual({ ...next, apiVersion: undefined, kind: undefined, metadata: undefined }, { ...c.want, apiVersion: undefined, kind: undefined, metadata: undefined });
  });
}

const graces: { name: string; spec: Record<string, unknown>; status?: Record<string, unknown>; marked?: number; requested?: number; want: number | undefined }[] = [
  { name: 'not on a node: at once', spec: {}, want: undefined },
  { name: 'on a node: the pod\'s terminationGracePeriodSeconds', spec: { nodeName: 'n', terminationGracePeriodSeconds: 10 }, want: 10 },
  { name: 'on a node: 30 s by default', spec: { nodeName: 'n' }, want: 30 },
  { name: 'requested grace wins', spec: { nodeName: 'n' }, requested: 5, want: 5 },
  { name: 'grace 0: at once', spec: { nodeName: 'n' }, requested: 0, want: undefined },
  { name: 'a second delete only shortens', spec: { nodeName: 'n' }, marked: 5, requested: 20, want: 5 },
  { name: 'finished pods go at once', spec: { nodeName: 'n' }, status: { phase: 'Succeeded' }, want: undefined },
];

for (const c of graces) {
  test(`Pod gracePeriod: ${c.name}`, () => {
    const p = obj('Pod', { spec: c.spec, ...(c.status ? { status: c.status } : {}) });
    if (c.marked !== undefined) p.metadata.deletionGracePeriodSeconds = c.marked;
    assert.equal(strategy('Pod').gracePeriod(p, c.requested), c.want);
  });
}

test('graceful deletion is the Pod\'s only', () => {
  for (const t of resourceTypes) {
    if (t.kind === 'Pod') continue;
    assert.equal(strategyFor(t).gracePeriod(obj(t.kind, { spec: { nodeName: 'n' } }), 30), undefined, t.kind);
  }
});

const namespaceDeleteCases: { name: string; ns: KObject; holds: boolean; refused?: RegExp }[] = [
  { name: 'spec.finalizers hold it', ns: obj('Namespace', { spec: { finalizers: ['kubernetes'] } }), holds: true },
  { name: 'no spec.finalizers: deleted at once', ns: obj('Namespace', { spec: {} }), holds: false },
  { name: 'default is immortal', ns: { ...obj('Namespace'), metadata: { name: 'default' } }, holds: false, refused: /namespaces "default" is forbidden: this namespace may not be deleted/ },
  { name: 'kube-system is immortal', ns: { ...obj('Namespace'), metadata: { name: 'kube-system' } }, holds: false, refused: /forbidden/ },
  {
    name: 'a second delete while terminating is a Conflict',
    ns: { ...obj('Namespace', { spec: { finalizers: ['kubernetes'] } }), metadata: { name: 'x', deletionTimestamp: '2026-01-01T00:00:00Z' } },
    holds: true,
    refused: /The system is ensuring all content is removed/,
  },
];

for (const c of namespaceDeleteCases) {
  test(`Namespace delete: ${c.name}`, () => {
    const s = strategy('Namespace');
    assert.equal(!!s.holdsDeletion?.(c.ns), c.holds);
    if (c.refused) assert.throws(() => s.checkDelete!(c.ns), c.refused);
    else s.checkDelete!(c.ns);
  });
}

test('a deleted Namespace turns Terminating', () => {
  const ns = obj('Namespace', { status: { phase: 'Active' } });
  strategy('Namespace').prepareForDeletion(ns);
  assert.deepEqual(ns.status, { phase: 'Terminating' });
});

test('field hooks: pods are indexed by node; selectable fields come from the kind', () => {
  assert.deepEqual(strategy('Pod').indexedFields, ['spec.nodeName']);
  assert.equal(strategy('Pod').selectableFields(obj('Pod', { spec: { nodeName: 'n1' } }))['spec.nodeName'], 'n1');
  assert.equal(strategy('Event').selectableFields(obj('Event', { reason: 'BackOff' })).reason, 'BackOff');
  assert.equal(strategy('ConfigMap').selectableFields(obj('ConfigMap'))['metadata.name'], 'x');
});
