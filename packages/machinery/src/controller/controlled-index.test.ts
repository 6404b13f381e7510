import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClock } from '../clock.js';
import { FakeClient } from '../testing/index.js';
import { SharedInformer } from '../informer/shared-informer.js';
import { controlledOrOrphaned, orphanedIn } from './controlled-index.js';
import { newControllerRef } from './controller-ref.js';

const owner = (ns: string, name: string): KObject => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns, uid: `uid-${ns}-${name}` } });
const rsA = owner('a', 'web');
const rsB = owner('a', 'db');
const pod = (ns: string, name: string, controller?: KObject): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, ...(controller ? { ownerReferences: [newControllerRef(controller)] } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

void test('controlledOrOrphaned: an owner sees what it controls and the orphans of its namespace, and follows adoption', async () => {
  const client = new FakeClient();
  for (const p of [pod('a', 'web-2', rsA), pod('a', 'web-1', rsA), pod('a', 'db-1', rsB), pod('a', 'stray'), pod('b', 'other-stray'), pod('b', 'web-9', rsA)]) await client.create(p);
  const clock = new FakeClock();
  const inf = new SharedInformer({ client, resource: 'pods', clock });
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  await clock.tick(0);
  const of = controlledOrOrphaned(inf);
  assert.doesNotThrow(() => controlledOrOrphaned(inf), 'a second caller shares the index');
  const names = (o: KObject): string[] => of(o).map((p) => p.metadata.name!);
  assert.deepEqual(names(rsA), ['web-1', 'web-2', 'stray'], 'its pods sorted, then the orphans of its namespace; not a pod of another namespace naming it');
  assert.deepEqual(names(rsB), ['db-1', 'stray']);
  assert.deepEqual(names(owner('b', 'x')), ['other-stray']);
  const orphans = orphanedIn(inf);
  assert.deepEqual(orphans('a').map((p) => p.metadata.name), ['stray'], 'orphanedIn: the same index, the orphans alone');

  const stray = await client.get('pods', 'a', 'stray');
  await client.update({ ...stray, metadata: { ...stray.metadata, ownerReferences: [newControllerRef(rsB)] } });
  await clock.tick(0);
  assert.deepEqual(names(rsA), ['web-1', 'web-2'], 'adopted by another: gone from the orphans');
  assert.deepEqual(names(rsB), ['db-1', 'stray']);
  assert.deepEqual(orphans('a'), []);
  ac.abort();
  await done;
});
