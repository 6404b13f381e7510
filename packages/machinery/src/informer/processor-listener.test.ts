import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { discardLogger } from '../log.js';
import { type EventHandler, type Notification, ProcessorListener } from './processor-listener.js';
import { DeletedFinalStateUnknown } from './tombstone.js';

const obj = (name: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });

interface Case {
  name: string;
  handler(seen: string[]): EventHandler;
  notifications: Notification<KObject>[];
  want: string[];
}

const cases: Case[] = [
  {
    name: 'delivers every kind in order',
    handler: (seen) => ({
      onAdd: (o, initial) => void seen.push(`add ${o.metadata.name} ${initial}`),
      onUpdate: (a, b) => void seen.push(`update ${a.metadata.name}->${b.metadata.name}`),
      onDelete: (o) => void seen.push(o instanceof DeletedFinalStateUnknown ? `tombstone ${o.key}` : `delete ${o.metadata.name}`),
    }),
    notifications: [
      { type: 'add', obj: obj('a'), initial: true },
      { type: 'update', old: obj('a'), obj: obj('b') },
      { type: 'delete', obj: obj('b') },
      { type: 'delete', obj: new DeletedFinalStateUnknown('default/c', obj('c')) },
    ],
    want: ['add a true', 'update a->b', 'delete b', 'tombstone default/c'],
  },
  {
    name: 'an async handler is awaited before the next notification',
    handler: (seen) => ({
      onAdd: async (o) => {
        seen.push(`start ${o.metadata.name}`);
        await new Promise((r) => setTimeout(r, 5));
        seen.push(`end ${o.metadata.name}`);
      },
    }),
    notifications: [
      { type: 'add', obj: obj('a'), initial: false },
      { type: 'add', obj: obj('b'), initial: false },
    ],
    want: ['start a', 'end a', 'start b', 'end b'],
  },
  {
    name: 'a throwing or rejecting handler still gets the next notification',
    handler: (seen) => ({
      onAdd: async (o) => {
        seen.push(o.metadata.name!);
        if (o.metadata.name === 'a') throw new Error('boom');
        return Promise.reject(new Error('rejected'));
      },
      onUpdate: () => {
        throw new Error('sync boom');
      },
      onDelete: (o) => void seen.push(`delete ${(o as KObject).metadata.name}`),
    }),
    notifications: [
      { type: 'add', obj: obj('a'), initial: false },
      { type: 'add', obj: obj('b'), initial: false },
      { type: 'update', old: obj('b'), obj: obj('b') },
      { type: 'delete', obj: obj('b') },
    ],
    want: ['a', 'b', 'delete b'],
  },
  {
    name: 'missing callbacks are skipped',
    handler: (seen) => ({ onDelete: (o) => void seen.push(`delete ${(o as KObject).metadata.name}`) }),
    notifications: [
      { type: 'add', obj: obj('a'), initial: false },
      { type: 'delete', obj: obj('a') },
    ],
    want: ['delete a'],
  },
];

for (const c of cases) {
  void test(`processor listener: ${c.name}`, async () => {
    const seen: string[] = [];
    const l = new ProcessorListener(c.handler(seen), discardLogger());
    for (const n of c.notifications) l.add(n);
    assert.deepEqual(seen, [], 'adding never runs the handler inline');
    await l.idle();
    assert.deepEqual(seen, c.want);
    assert.equal(l.pending(), 0);
  });
}

void test('processor listener: hasSynced once the notifications before markSynced are delivered; stop drops the rest', async () => {
  const seen: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const l = new ProcessorListener<KObject>(
    {
      onAdd: async (o) => {
        seen.push(o.metadata.name!);
        if (o.metadata.name === 'a') await gate;
      },
    },
    discardLogger(),
  );
  l.add({ type: 'add', obj: obj('a'), initial: true });
  l.add({ type: 'add', obj: obj('b'), initial: true });
  assert.equal(l.hasSynced(), false, 'not synced before markSynced');
  l.markSynced();
  l.add({ type: 'add', obj: obj('c'), initial: false });
  await new Promise((r) => setImmediate(r));
  assert.equal(l.hasSynced(), false, 'a is still being handled');
  assert.equal(l.pending(), 2);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(l.hasSynced(), true);
  l.stop();
  l.add({ type: 'add', obj: obj('d'), initial: false });
  await l.idle();
  assert.ok(!seen.includes('d'));
});
