import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.js';
import { fieldsOf, parseFieldSelector, selectableFields } from './fields.js';
import type { KObject } from './object.js';

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p1', namespace: 'default' },
  spec: { nodeName: 'n1', schedulerName: 'default-scheduler', restartPolicy: 'Always', containers: [] },
  status: { phase: 'Running', podIP: '10.0.0.5' },
};
const event: KObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'e1', namespace: 'default' },
  involvedObject: { kind: 'Pod', name: 'p1', namespace: 'default', uid: 'u1' },
  reason: 'Scheduled',
  type: 'Normal',
  source: { component: 'default-scheduler' },
};

const cases: { name: string; kind: string; sel: string; obj: KObject; match: boolean }[] = [
  { name: 'empty', kind: 'Pod', sel: '', obj: pod, match: true },
  { name: 'metadata.name', kind: 'Pod', sel: 'metadata.name=p1', obj: pod, match: true },
  { name: 'double equals', kind: 'Pod', sel: 'metadata.name==p1', obj: pod, match: true },
  { name: 'not equals', kind: 'Pod', sel: 'spec.nodeName!=n1', obj: pod, match: false },
  { name: 'nodeName empty', kind: 'Pod', sel: 'spec.nodeName=', obj: pod, match: false },
  { name: 'two terms', kind: 'Pod', sel: 'metadata.namespace=default,status.phase=Running', obj: pod, match: true },
  { name: 'podIP', kind: 'Pod', sel: 'status.podIP=10.0.0.5', obj: pod, match: true },
  { name: 'resource name as kind', kind: 'pods', sel: 'spec.schedulerName=default-scheduler', obj: pod, match: true },
  { name: 'event involvedObject', kind: 'Event', sel: 'involvedObject.kind=Pod,involvedObject.name=p1', obj: event, match: true },
  { name: 'event source', kind: 'Event', sel: 'source=default-scheduler,type=Normal', obj: event, match: true },
  { name: 'event reason miss', kind: 'Event', sel: 'reason=Killing', obj: event, match: false },
  { name: 'node unschedulable default', kind: 'Node', sel: 'spec.unschedulable=false', obj: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }, match: true },
  { name: 'secret type', kind: 'Secret', sel: 'type=Opaque', obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' }, match: true },
  { name: 'rs replicas', kind: 'ReplicaSet', sel: 'status.replicas=0', obj: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' } }, match: true },
  { name: 'escaped comma', kind: 'Pod', sel: 'metadata.name=a\\,b', obj: { ...pod, metadata: { name: 'a,b' } }, match: true },
];
for (const c of cases) {
  void test(`fields: ${c.name}`, () => {
    const s = parseFieldSelector(c.sel, c.kind);
    assert.equal(s.matches(c.obj), c.match);
    assert.equal(parseFieldSelector(s.toString(), c.kind).toString(), s.toString());
  });
}

const bad: { name: string; kind: string; sel: string; mention: string }[] = [
  { name: 'unsupported for kind', kind: 'Service', sel: 'spec.nodeName=x', mention: 'spec.nodeName' },
  { name: 'unknown field', kind: 'Pod', sel: 'spec.foo=x', mention: 'spec.foo' },
  { name: 'no operator', kind: 'Pod', sel: 'metadata.name', mention: 'metadata.name' },
  { name: 'empty field', kind: 'Pod', sel: '=x', mention: 'field name is empty' },
  { name: 'unescaped equals in value', kind: 'Pod', sel: 'metadata.name=a=b', mention: 'unescaped' },
];
for (const c of bad) {
  void test(`fields: rejects ${c.name}`, () => {
    assert.throws(
      () => parseFieldSelector(c.sel, c.kind),
      (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && e.message.includes(c.mention) && e.fields[0].field === 'fieldSelector',
    );
  });
}

void test('fields: requirements and exactMatch for indexing', () => {
  const s = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed', 'Pod');
  assert.deepEqual(s.requirements, [
    { field: 'spec.nodeName', operator: '=', value: 'n1' },
    { field: 'status.phase', operator: '!=', value: 'Failed' },
  ]);
  assert.equal(s.exactMatch('spec.nodeName'), 'n1');
  assert.equal(s.exactMatch('status.phase'), undefined);
});

void test('fields: fieldsOf lists every selectable field', () => {
  const f = fieldsOf('Pod', pod);
  assert.equal(f['spec.nodeName'], 'n1');
  assert.equal(f['metadata.namespace'], 'default');
  assert.deepEqual(Object.keys(f).sort(), selectableFields('Pod').sort());
  assert.deepEqual(Object.keys(fieldsOf('ConfigMap', pod)).sort(), ['metadata.name', 'metadata.namespace']);
});
