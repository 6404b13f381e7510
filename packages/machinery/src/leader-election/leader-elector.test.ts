import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type KObject } from '@skiff/api';
import { FakeClock } from '../clock.js';
import type { Client } from '../client/types.js';
import { FakeClient } from '../testing/index.js';
import { LeaderElector } from './leader-elector.js';
import type { Lease } from '@skiff/api';
import { formatMicroTime, newLease, parseMicroTime } from './lease.js';

/** A view of the client that can be cut off (every call UNAVAILABLE), and can run a hook before updates. */
function partitionable(client: FakeClient): { client: Client; cut(on: boolean): void; beforeUpdate(fn: () => Promise<void>): void } {
  let cut = false;
  let hook: (() => Promise<void>) | undefined;
  const view = new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        if (cut) throw new ApiError('UNAVAILABLE', 'partitioned');
        if (prop === 'update' && hook) {
          const h = hook;
          hook = undefined;
          await h();
        }
        return (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
  return { client: view, cut: (on) => (cut = on), beforeUpdate: (fn) => (hook = fn) };
}

interface Candidate {
  elector: LeaderElector;
  events: string[];
  ac: AbortController;
  done: Promise<void>;
  leadSignal?: AbortSignal;
}

function candidate(client: Client, clock: FakeClock, identity: string, releaseOnCancel = false): Candidate {
  const events: string[] = [];
  const ac = new AbortController();
  const c: Partial<Candidate> = { events, ac };
  c.elector = new LeaderElector({
    client,
    namespace: 'kube-system',
    name: 'scheduler',
    identity,
    clock,
    random: () => 0,
    releaseOnCancel,
    callbacks: {
      onStartedLeading: (signal) => {
        events.push(`started@${clock.now()}`);
        c.leadSignal = signal;
      },
      onStoppedLeading: () => events.push(`stopped@${clock.now()}`),
      onNewLeader: (id) => events.push(`leader ${id}`),
    },
  });
  c.done = c.elector.run(ac.signal);
  return c as Candidate;
}

const t0 = Date.UTC(2024, 0, 1);

void test('MicroTime', () => {
  assert.equal(formatMicroTime(Date.UTC(2024, 0, 2, 3, 4, 5, 123)), '2024-01-02T03:04:05.123000Z');
  assert.equal(parseMicroTime('2024-01-02T03:04:05.123000Z'), Date.UTC(2024, 0, 2, 3, 4, 5, 123));
});

void test('config is validated', async (t) => {
  const base = { client: new FakeClient(), namespace: 'ns', name: 'l', identity: 'a', callbacks: { onStartedLeading: () => {}, onStoppedLeading: () => {} } };
  const cases = [
    { name: 'empty identity', cfg: { ...base, identity: '' } },
    { name: 'renewDeadline >= leaseDuration', cfg: { ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 } },
    { name: 'retryPeriod too long', cfg: { ...base, renewDeadlineMs: 10_000, retryPeriodMs: 9_000 } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.throws(() => new LeaderElector(c.cfg)));
});

void test('two candidates: one leads and renews, the other waits', async () => {
  const clock = new FakeClock(t0);
  const fake = new FakeClient({ now: () => clock.now() });
  const a = candidate(fake, clock, 'a');
  const b = candidate(fake, clock, 'b');
  await clock.tick(0);
  assert.equal(a.elector.isLeader(), true);
  assert.equal(b.elector.isLeader(), false);
  assert.equal(b.elector.getLeader(), '', 'b lost the create race and has not read the lease yet');
  await clock.tick(2_000);
  assert.equal(b.elector.getLeader(), 'a');
  assert.deepEqual(a.events, ['leader a', `started@${t0}`]);
  assert.deepEqual(b.events, ['leader a']);
  const lease = await fake.get<Lease>('leases', 'kube-system', 'scheduler');
  assert.equal(lease.apiVersion, 'coordination.k8s.io/v1');
  assert.deepEqual(lease.spec, {
    holderIdentity: 'a',
    leaseDurationSeconds: 15,
    acquireTime: '2024-01-01T00:00:00.000000Z',
    renewTime: '2024-01-01T00:00:02.000000Z',
    leaseTransitions: 0,
  });
  await clock.tick(58_000);
  assert.equal(a.elector.isLeader(), true, 'a keeps renewing');
  assert.equal(b.elector.isLeader(), false);
  const renewed = await fake.get<Lease>('leases', 'kube-system', 'scheduler');
  assert.equal(renewed.spec!.renewTime, formatMicroTime(t0 + 60_000));
  assert.equal(renewed.spec!.acquireTime, '2024-01-01T00:00:00.000000Z');
  a.ac.abort();
  b.ac.abort();
  await Promise.all([a.done, b.done]);
  assert.equal(a.events.at(-1), `stopped@${t0 + 60_000}`);
  assert.equal(b.events.length, 1, 'b never led: no onStoppedLeading');
  assert.equal(clock.pending(), 0);
});

void test('a leader that cannot renew steps down; the other takes over after expiry', async () => {
  const clock = new FakeClock(t0);
  const fake = new FakeClient({ now: () => clock.now() });
  const net = partitionable(fake);
  const a = candidate(net.client, clock, 'a');
  await clock.tick(0);
  const b = candidate(fake, clock, 'b');
  await clock.tick(0);
  assert.equal(a.elector.isLeader(), true);
  const lastRenew = clock.now();
  net.cut(true);
  // a: next renewal round at +2 s, fails until its 10 s deadline.
  await clock.tick(11_999);
  assert.equal(a.elector.isLeader(), true);
  await clock.tick(1);
  assert.equal(a.elector.isLeader(), false);
  assert.equal(a.leadSignal?.aborted, true);
  assert.deepEqual(a.events.slice(-1), [`stopped@${lastRenew + 12_000}`]);
  await a.done;
  // b saw the record last change at lastRenew: it may take over 15 s later, at its next retry.
  assert.equal(b.elector.isLeader(), false);
  await clock.tick(4_000);
  assert.equal(b.elector.isLeader(), true);
  assert.ok(clock.now() - lastRenew >= 15_000);
  const lease = await fake.get<Lease>('leases', 'kube-system', 'scheduler');
  assert.equal(lease.spec!.holderIdentity, 'b');
  assert.equal(lease.spec!.leaseTransitions, 1);
  b.ac.abort();
  await b.done;
  assert.equal(clock.pending(), 0);
});

void test('a conflicting update loses the race and does not lead', async () => {
  const clock = new FakeClock(t0);
  const fake = new FakeClient({ now: () => clock.now() });
  const stale = { ...newLease('kube-system', 'scheduler', {}), spec: {
    holderIdentity: 'old',
    leaseDurationSeconds: 15,
    renewTime: formatMicroTime(t0 - 60_000),
    acquireTime: formatMicroTime(t0 - 60_000),
    leaseTransitions: 3,
  } } as KObject;
  await fake.create(stale);
  const net = partitionable(fake);
  // The lease was not seen changing before, so a first waits a full lease duration.
  const a = candidate(net.client, clock, 'a');
  await clock.tick(0);
  assert.equal(a.elector.isLeader(), false);
  // Just before a's update, c grabs the lease: a's update conflicts.
  net.beforeUpdate(async () => {
    const cur = await fake.get<Lease>('leases', 'kube-system', 'scheduler');
    await fake.update({ ...cur, spec: { ...cur.spec, holderIdentity: 'c', renewTime: formatMicroTime(clock.now()) } });
  });
  await clock.tick(16_000);
  assert.equal(a.elector.isLeader(), false);
  assert.equal((await fake.get<Lease>('leases', 'kube-system', 'scheduler')).spec!.holderIdentity, 'c');
  await clock.tick(2_000);
  assert.equal(a.elector.getLeader(), 'c', 'a sees the new holder at its next retry (t0+18s)');
  // c never renews: a takes over once c's record is 15 s old by a's clock (t0+33s, next retry t0+34s).
  await clock.tick(14_000);
  assert.equal(a.elector.isLeader(), false);
  await clock.tick(2_000);
  assert.equal(a.elector.isLeader(), true);
  assert.equal((await fake.get<Lease>('leases', 'kube-system', 'scheduler')).spec!.leaseTransitions, 4);
  a.ac.abort();
  await a.done;
});

void test('releaseOnCancel hands over without waiting for expiry', async () => {
  const clock = new FakeClock(t0);
  const fake = new FakeClient({ now: () => clock.now() });
  const a = candidate(fake, clock, 'a', true);
  await clock.tick(0);
  const b = candidate(fake, clock, 'b');
  await clock.tick(0);
  a.ac.abort();
  await a.done;
  const released = await fake.get<Lease>('leases', 'kube-system', 'scheduler');
  assert.equal(released.spec!.holderIdentity, '');
  assert.equal(released.spec!.leaseDurationSeconds, 1);
  await clock.tick(2_000);
  assert.equal(b.elector.isLeader(), true);
  b.ac.abort();
  await b.done;
  assert.equal(clock.pending(), 0);
});
