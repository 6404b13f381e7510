import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type KObject, applyStrategicMergePatch } from '@skiff/api';
import { removeFinalizerPatch, removeOwnerReferencesPatch, unblockOwnerReferencesPatch } from './patches.js';

const owner = (uid: string, block?: boolean) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, ...(block === undefined ? {} : { blockOwnerDeletion: block }) });
const obj: KObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', uid: 'self', finalizers: ['orphan', 'example.com/keep'], ownerReferences: [owner('a', true), owner('b'), owner('c', true)] },
};

const cases: { name: string; patch: Record<string, unknown>; want: Partial<KObject['metadata']> }[] = [
  { name: 'remove references by uid', patch: removeOwnerReferencesPatch(obj, ['a', 'c']), want: { ownerReferences: [owner('b')] } },
  { name: 'unblock every blocking reference, keeping the rest of each', patch: unblockOwnerReferencesPatch(obj), want: { ownerReferences: [owner('a', false), owner('b'), owner('c', false)] } },
  { name: 'remove one finalizer', patch: removeFinalizerPatch(obj, 'orphan'), want: { finalizers: ['example.com/keep'] } },
];

for (const c of cases) {
  test(`garbage collector patch: ${c.name}`, () => {
    const out = applyStrategicMergePatch(obj, c.patch, 'ConfigMap') as KObject;
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(out.metadata[k as keyof KObject['metadata']], v, k);
    assert.equal((c.patch.metadata as { uid: string }).uid, 'self', 'the uid is a precondition');
  });
}
