import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindToNode, validateBinding, type Binding } from './binding.js';
import { ApiError } from './errors.js';
import type { KObject } from './object.js';

const validations: { name: string; binding: Binding; fields?: string[] }[] = [
  { name: 'pod and node', binding: { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } } },
  { name: 'target kind may be left out', binding: { metadata: { name: 'p' }, target: { name: 'n1' } } },
  { name: 'nothing named', binding: {}, fields: ['metadata.name', 'target.name'] },
  { name: 'not a Node', binding: { metadata: { name: 'p' }, target: { kind: 'Pod', name: 'n1' } }, fields: ['target.kind'] },
];

for (const c of validations) {
  void test(`validateBinding: ${c.name}`, () => {
    if (!c.fields) return validateBinding(c.binding);
    assert.throws(
      () => validateBinding(c.binding),
      (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && JSON.stringify(e.fields.map((f) => f.field)) === JSON.stringify(c.fields),
    );
  });
}

const pod = (extra: { nodeName?: string; deleting?: boolean; conditions?: { type: string; status: string }[] } = {}): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [], ...(extra.nodeName ? { nodeName: extra.nodeName } : {}) },
    ...(extra.conditions ? { status: { conditions: extra.conditions } } : {}),
  }) as KObject;

const binds: { name: string; cur: KObject; conditions?: unknown[]; refused?: RegExp }[] = [
  { name: 'unbound pod', cur: pod(), conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: 'T' }] },
  {
    name: 'replaces an earlier PodScheduled, keeps other conditions',
    cur: pod({ conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'False' }] }),
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: 'T' },
    ],
  },
  { name: 'already bound', cur: pod({ nodeName: 'n0' }), refused: /already assigned to node "n0"/ },
  { name: 'being deleted', cur: pod({ deleting: true }), refused: /is being deleted/ },
];

for (const c of binds) {
  void test(`bindToNode: ${c.name}`, () => {
    const before = structuredClone(c.cur);
    if (c.refused) {
      assert.throws(() => bindToNode(c.cur, 'n1', 'T'), (e: unknown) => e instanceof ApiError && e.code === 'FAILED_PRECONDITION' && c.refused!.test(e.message));
    } else {
      const next = bindToNode(c.cur, 'n1', 'T');
      assert.equal((next.spec as { nodeName?: string }).nodeName, 'n1');
      assert.deepEqual((next.status as { conditions?: unknown[] }).conditions, c.conditions);
      // What a write does to the result afterwards (the apiserver stamps the new resourceVersion).
      next.metadata.resourceVersion = '9';
    }
    assert.deepEqual(c.cur, before, 'the stored pod is not changed');
  });
}

void test('bindToNode: the Binding annotations are merged into the pod', () => {
  const cur = pod();
  cur.metadata.annotations = { keep: 'me', 'scheduler.skiff.io/explanation': 'old' };
  const next = bindToNode(cur, 'n1', 'T', { 'scheduler.skiff.io/explanation': 'new' });
  assert.deepEqual(next.metadata.annotations, { keep: 'me', 'scheduler.skiff.io/explanation': 'new' });
  assert.equal(cur.metadata.annotations['scheduler.skiff.io/explanation'], 'old', 'the stored pod is not changed');
});
