import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type Pod, type PodStatus } from '@skiff/api';
import { Clientset, FakeClock, type Client } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import { STATUS_BATCH_DELAY_MS, StatusManager } from './status-manager.js';

/** a FakeClient whose updateStatus calls can be held back (a write in flight) */
function heldClient(client: FakeClient) {
  let holding = false;
  const waiting: (() => void)[] = [];
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'updateStatus') {
        return async (...args: Parameters<FakeClient['updateStatus']>) => {
          while (holding) await new Promise<void>((r) => waiting.push(r));
          return target.updateStatus(...args);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as Client;
  return {
    client: wrapped,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const w of waiting.splice(0)) w();
    },
  };
}

async function setup() {
  const client = new FakeClient();
  const held = heldClient(client);
  const cs = new Clientset(held.client);
  const clock = new FakeClock(Date.parse('2026-12-03T12:00:00Z'));
  const statuses = new StatusManager(cs, { clock });
  const pod = await cs.pods('default').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox' }] } });
  const written = () => client.calls.filter((c) => c.verb === 'updateStatus').map((c) => (c.body as Pod).status?.message ?? '');
  return { client, held, cs, clock, statuses, pod, written };
}

const st = (message: string): PodStatus => ({ phase: 'Pending', message });

void test('StatusManager: a burst of changes to one pod is one write with the newest status', async () => {
  const t = await setup();
  for (const m of ['a', 'b', 'c']) assert.equal(t.statuses.setStatus(t.pod, st(m)), true);
  assert.deepEqual(t.written(), [], 'nothing before the batch');
  await t.clock.tick(STATUS_BATCH_DELAY_MS);
  assert.deepEqual(t.written(), ['c']);
  assert.equal((await t.cs.pods('default').get('p')).status?.message, 'c');
  assert.equal(t.statuses.pending(), false);
});

void test('StatusManager: the same status again is no write; a change back to what the apiserver has is none either', async () => {
  const t = await setup();
  t.statuses.setStatus(t.pod, st('a'));
  await t.clock.tick(STATUS_BATCH_DELAY_MS);
  assert.equal(t.statuses.setStatus(t.pod, st('a')), false);
  t.statuses.setStatus(t.pod, st('b'));
  t.statuses.setStatus(t.pod, st('a'));
  await t.clock.tick(STATUS_BATCH_DELAY_MS);
  assert.deepEqual(t.written(), ['a']);
});

void test('StatusManager: the status the pod already has (an agent restart) is not written', async () => {
  const t = await setup();
  const pod = await t.cs.pods('default').updateStatus({ ...t.pod, status: st('kept') });
  assert.equal(t.statuses.setStatus(pod, st('kept')), false);
  await t.clock.tick(1000);
  assert.deepEqual(t.written(), ['kept'], "the test's own write only");
});

void test('StatusManager: changes while a write is in flight go out as one write after it', async () => {
  const t = await setup();
  t.held.hold();
  t.statuses.setStatus(t.pod, st('a'));
  await t.clock.tick(STATUS_BATCH_DELAY_MS);
  for (const m of ['b', 'c', 'd']) t.statuses.setStatus(t.pod, st(m));
  await t.clock.tick(STATUS_BATCH_DELAY_MS * 5);
  t.held.release();
  await t.clock.tick(STATUS_BATCH_DELAY_MS);
  assert.deepEqual(t.written(), ['a', 'd']);
});

void test('StatusManager: pods are written independently; a pod held in flight does not hold the others', async () => {
  const t = await setup();
  const other = await t.cs.pods('default').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox' }] } });
  t.statuses.setStatus(t.pod, st('p1'));
  t.statuses.setStatus(other, st('q1'));
  await t.clock.tick(STATUS_BATCH_DELAY_MS);
  assert.deepEqual(t.written().sort(), ['p1', 'q1']);
});

void test('StatusManager: a failed write is retried after its back-off with the newest status then', async () => {
  const t = await setup();
  t.client.injectError('updateStatus', new ApiError('UNAVAILABLE', 'apiserver down'));
  t.statuses.setStatus(t.pod, st('a'));
  await t.clock.tick(STATUS_BATCH_DELAY_MS);
  t.statuses.setStatus(t.pod, st('b'));
  await t.clock.tick(500);
  assert.equal((await t.cs.pods('default').get('p')).status?.message, undefined, 'no retry before the back-off ends');
  await t.clock.tick(600);
  assert.equal((await t.cs.pods('default').get('p')).status?.message, 'b');
  assert.equal(t.statuses.pending(), false);
});

void test('StatusManager: a pod that is gone is dropped (no retry); flush reports the error', async () => {
  const t = await setup();
  await t.cs.pods('default').delete('p', { gracePeriodSeconds: 0 });
  t.statuses.setStatus(t.pod, st('a'));
  await assert.rejects(t.statuses.flush(), (e: unknown) => e instanceof ApiError && e.code === 'NOT_FOUND');
  assert.equal(t.statuses.pending(), false);
  await t.clock.tick(60_000);
  assert.equal(t.client.calls.filter((c) => c.verb === 'updateStatus').length, 1);
});

void test('StatusManager: flush writes at once; stop ends batching', async () => {
  const t = await setup();
  t.statuses.setStatus(t.pod, st('a'));
  await t.statuses.flush('p-unknown');
  await t.statuses.flush(t.pod.metadata.uid);
  assert.deepEqual(t.written(), ['a']);
  await t.statuses.stop();
  t.statuses.setStatus(t.pod, st('b'));
  await t.clock.tick(60_000);
  assert.deepEqual(t.written(), ['a']);
  assert.equal(t.clock.pending(), 0, 'no timer left');
});
