import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type KObject } from '@skiff/api';
import { encodeObject } from './codec.js';
import { readWriteAck } from './write-ack.js';

const meta = { name: 'web-1', namespace: 'prod', uid: '6f1c1a9e-0d7e-4d5c-9d7e-2b1f7c0a1b2c', resourceVersion: '4711' };

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    ...meta,
    generateName: 'web-',
    labels: { app: 'web' },
    annotations: { 'scheduler.skiff.io/explanation': '{"result":"Scheduled","node":"n1"}' },
    creationTimestamp: '2026-12-03T22:00:00Z',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u-rs', controller: true }],
  },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
} as KObject;

const event: KObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-1.17f3', namespace: 'prod', uid: 'u-ev', resourceVersion: '9' },
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'prod', uid: meta.uid, resourceVersion: '4711' },
  reason: 'Scheduled',
  message: 'Successfully assigned prod/web-1 to n1',
  count: 1,
  type: 'Normal',
} as KObject;

const node: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u-n1', resourceVersion: '3', labels: { zone: 'a' } }, status: { capacity: { cpu: '4' } } } as KObject;

void test('readWriteAck: the identity of the object in a reply, as a full decode has it', async (t) => {
  const cases = [
    { name: 'a bound pod with labels, annotations and owners', obj: pod, want: { kind: 'Pod', ...meta } },
    { name: 'an event (its involvedObject has a uid and resourceVersion too)', obj: event, want: { kind: 'Event', name: 'web-1.17f3', namespace: 'prod', uid: 'u-ev', resourceVersion: '9' } },
    { name: 'a cluster-scoped node: no namespace', obj: node, want: { kind: 'Node', name: 'n1', namespace: '', uid: 'u-n1', resourceVersion: '3' } },
    { name: 'fields the object lacks are empty', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } as KObject, want: { kind: 'ConfigMap', name: 'c', namespace: '', uid: '', resourceVersion: '' } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(readWriteAck(encodeObject(c.obj)), c.want);
    });
  }
});

void test('readWriteAck: a reply that carries no object, or malformed bytes, is an INTERNAL error', async (t) => {
  const full = encodeObject(pod);
  const cases = [
    { name: 'empty', bytes: Buffer.alloc(0) },
    { name: 'cut inside the object', bytes: full.subarray(0, full.length - 5) },
    { name: 'not protobuf', bytes: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(() => readWriteAck(c.bytes), (e: unknown) => isApiError(e, 'INTERNAL'));
    });
  }
});
