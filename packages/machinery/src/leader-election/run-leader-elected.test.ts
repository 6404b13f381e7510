import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type Lease } from '@skiff/api';
import type { Client } from '../client/types.js';
import { discardLogger } from '../log.js';
import { FakeClient } from '../testing/index.js';
import { leaderElectionFlags, leaderElectionFromFlags, runLeaderElected, type LeaderElectedRun, type LeaderElectionOptions } from './run-leader-elected.js';

const fast: LeaderElectionOptions = { leaderElect: true, leaseNamespace: 'kube-system', leaseName: 'x', leaseDurationMs: 400, renewDeadlineMs: 250, retryPeriodMs: 50, identity: 'me' };

/** Every call fails UNAVAILABLE once `cut` is set (a partition from the apiserver). */
function cuttable(client: FakeClient): { client: Client; cut(): void } {
  let cut = false;
  const view = new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => (cut ? Promise.reject(new ApiError('UNAVAILABLE', 'partitioned')) : (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { client: view, cut: () => (cut = true) };
}

/** Waits (up to 10 s: the machine may be loaded) for leadership; stops the run on failure so the test ends. */
async function untilLeader(r: LeaderElectedRun, ac: AbortController): Promise<void> {
  for (let i = 0; i < 1000 && !r.isLeader(); i++) await new Promise((res) => setTimeout(res, 10));
  if (!r.isLeader()) {
    ac.abort();
    await r.done;
    assert.fail('never became leader');
  }
}

const cases: { name: string; run(): Promise<void> }[] = [
  {
    name: 'without leader election the work runs at once and the end is "stopped"',
    async run() {
      const ac = new AbortController();
      let ran = false;
      const r = runLeaderElected({ ...fast, leaderElect: false, client: new FakeClient(), log: discardLogger(), signal: ac.signal, work: async (lead) => {
        ran = true;
        await new Promise((res) => lead.addEventListener('abort', res, { once: true }));
      } });
      await new Promise((res) => setImmediate(res));
      assert.ok(ran && r.isLeader());
      ac.abort();
      assert.equal(await r.done, 'stopped');
    },
  },
  {
    name: 'leads while holding the Lease and releases it when stopped',
    async run() {
      const fake = new FakeClient();
      const ac = new AbortController();
      let leadSignal: AbortSignal | undefined;
      const r = runLeaderElected({ ...fast, client: fake, log: discardLogger(), signal: ac.signal, work: async (lead) => {
        leadSignal = lead;
        await new Promise((res) => lead.addEventListener('abort', res, { once: true }));
      } });
      await untilLeader(r, ac);
      assert.equal((await fake.get<Lease>('leases', 'kube-system', 'x')).spec?.holderIdentity, 'me');
      ac.abort();
      assert.equal(await r.done, 'stopped');
      assert.ok(leadSignal?.aborted);
      assert.ok(!r.isLeader());
      assert.ok(!(await fake.get<Lease>('leases', 'kube-system', 'x')).spec?.holderIdentity, 'released on stop');
    },
  },
  {
    name: 'a leader cut off from the apiserver stops its work and ends "leadership-lost"',
    async run() {
      const { client, cut } = cuttable(new FakeClient());
      const ac = new AbortController();
      let leadSignal: AbortSignal | undefined;
      const r = runLeaderElected({ ...fast, client, log: discardLogger(), signal: ac.signal, work: async (lead) => {
        leadSignal = lead;
        await new Promise((res) => lead.addEventListener('abort', res, { once: true }));
      } });
      await untilLeader(r, ac);
      cut();
      assert.equal(await r.done, 'leadership-lost');
      assert.ok(leadSignal?.aborted && !r.isLeader());
      ac.abort();
    },
  },
  {
    name: 'work that throws is logged and the run still ends when stopped',
    async run() {
      const ac = new AbortController();
      const errors: string[] = [];
      const log = discardLogger();
      log.error = ((msg: string) => {
        errors.push(msg);
        return log;
      }) as typeof log.error;
      const r = runLeaderElected({ ...fast, leaderElect: false, client: new FakeClient(), log, signal: ac.signal, work: () => Promise.reject(new Error('boom')) });
      assert.equal(await r.done, 'stopped');
      assert.deepEqual(errors, ['leader work failed']);
    },
  },
];

for (const c of cases) test(`runLeaderElected: ${c.name}`, c.run);

test('leader election flags: Kubernetes names in seconds, round trip to options', () => {
  const flags = leaderElectionFlags(fast);
  assert.equal(flags['leader-elect-lease-duration'].default, 0.4);
  const argv = {
    'leader-elect': flags['leader-elect'].default,
    'leader-elect-resource-namespace': flags['leader-elect-resource-namespace'].default,
    'leader-elect-resource-name': flags['leader-elect-resource-name'].default,
    'leader-elect-lease-duration': flags['leader-elect-lease-duration'].default,
    'leader-elect-renew-deadline': flags['leader-elect-renew-deadline'].default,
    'leader-elect-retry-period': flags['leader-elect-retry-period'].default,
    'leader-elect-identity': 'me',
  };
  assert.deepEqual(leaderElectionFromFlags(argv), fast);
});
