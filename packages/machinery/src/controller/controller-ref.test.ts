import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type KObject, type OwnerReference, isApiError, parseLabelSelector } from '@skiff/api';
import { FakeClient } from '../testing/index.js';
import { ControllerRefManager, getControllerOf, isControlledBy, newControllerRef } from './controller-ref.js';

const rs: KObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'rs-uid' } };
const other: OwnerReference = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: 'other-uid', controller: true };
const mine = newControllerRef(rs);

function pod(name: string, labels: Record<string, string>, refs: OwnerReference[] = [], extra: Partial<KObject['metadata']> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels, ownerReferences: refs, ...extra },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  };
}

void test('controller refs: newControllerRef, getControllerOf, isControlledBy', () => {
  assert.deepEqual(mine, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true });
  const p = pod('p', {}, [{ ...other, controller: false }, mine]);
  assert.equal(getControllerOf(p)?.uid, 'rs-uid');
  assert.equal(isControlledBy(p, rs), true);
  assert.equal(getControllerOf(pod('q', {}, [{ ...other, controller: false }])), undefined);
  assert.throws(() => newControllerRef({ ...rs, metadata: { name: 'x' } }), /uid/);
});

interface Case {
  name: string;
  pod: KObject;
  owner?: KObject;
  claimed: boolean;
  /** The controller uid on the stored pod afterwards. */
  controller: string | undefined;
  /** Owner references kept. */
  refs?: number;
}

const cases: Case[] = [
  { name: 'an orphan that matches is adopted', pod: pod('p', { app: 'web' }), claimed: true, controller: 'rs-uid', refs: 1 },
  { name: 'adoption keeps other (non-controller) owners', pod: pod('p', { app: 'web' }, [{ ...other, controller: false }]), claimed: true, controller: 'rs-uid', refs: 2 },
  { name: 'an orphan that does not match is left alone', pod: pod('p', { app: 'db' }), claimed: false, controller: undefined },
  { name: "another controller's object is left alone", pod: pod('p', { app: 'web' }, [other]), claimed: false, controller: 'other-uid' },
  { name: 'an owned object that matches is kept', pod: pod('p', { app: 'web' }, [mine]), claimed: true, controller: 'rs-uid' },
  { name: 'an owned object that no longer matches is released', pod: pod('p', { app: 'db' }, [mine]), claimed: false, controller: undefined, refs: 0 },
  { name: 'an owner being deleted does not release', pod: pod('p', { app: 'db' }, [mine]), owner: { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }, claimed: false, controller: 'rs-uid' },
  { name: 'an owner being deleted does not adopt', pod: pod('p', { app: 'web' }), owner: { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }, claimed: false, controller: undefined },
  { name: 'an object being deleted is not adopted', pod: pod('p', { app: 'web' }, [], { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['x'] }), claimed: false, controller: undefined },
];

for (const c of cases) {
  void test(`controller ref manager: ${c.name}`, async () => {
    const f = new FakeClient({ objects: [c.pod] });
    const cached = f.find('pods', 'default', 'p')!;
    const m = new ControllerRefManager({ client: f, owner: c.owner ?? rs, selector: parseLabelSelector('app=web') });
    const claimed = await m.claim([cached]);
    assert.equal(claimed.length, c.claimed ? 1 : 0);
    const stored = f.find('pods', 'default', 'p')!;
    assert.equal(getControllerOf(stored)?.uid, c.controller);
    if (c.refs !== undefined) assert.equal(stored.metadata.ownerReferences?.length ?? 0, c.refs);
  });
}

void test('controller ref manager: adoption of a stale copy is a conflict; canAdopt can refuse; gone objects are skipped', async () => {
  const f = new FakeClient({ objects: [pod('p', { app: 'web' }), pod('q', { app: 'web' })] });
  const stale = f.find('pods', 'default', 'p')!;
  await f.patch('pods', 'default', 'p', { metadata: { labels: { app: 'web', x: 'y' } } });
  const m = new ControllerRefManager({ client: f, owner: rs, selector: parseLabelSelector('app=web') });
  await assert.rejects(m.claim([stale]), (e) => isApiError(e, 'ABORTED'));

  const refusing = new ControllerRefManager({
    client: f,
    owner: rs,
    selector: parseLabelSelector('app=web'),
    canAdopt: async () => {
      throw new Error('owner is being deleted');
    },
  });
  await assert.rejects(refusing.claim([f.find('pods', 'default', 'q')!]), /being deleted/);

  const gone = f.find('pods', 'default', 'q')!;
  await f.delete('pods', 'default', 'q');
  assert.deepEqual(await m.claim([gone]), []);
});
