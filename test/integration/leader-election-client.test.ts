// Leader election's own client, as kube-controller-manager's and kube-scheduler's: with the
// component's main client throttled to a few requests per second and seconds of requests queued
// behind its rate limiter, the Lease is still renewed every retry period and the component keeps
// leading. Through the main client, each renewal would wait past the renew deadline (2 s here).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, Pod } from '@skiff/api';
import { discardLogger } from '@skiff/machinery';
import { type ControllerDescriptor, run as runControllerManager } from '@skiff/controller-manager';
import { defaultRunConfig, run as runScheduler } from '@skiff/scheduler';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const ELECTION = { leaderElect: true, leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };
const HOLD_MS = 6000;
/** Twice the lease duration at least: renewed throughout (a renewal every retry period on a quiet machine). */
const MIN_RENEWALS = 3;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** For HOLD_MS: `identity` leads and holds the Lease throughout; returns how many renewals were seen. */
async function keepsLeading(c: TestCluster, lease: string, identity: string, isLeader: () => boolean): Promise<number> {
  const renewTimes = new Set<string>();
  for (const end = Date.now() + HOLD_MS; Date.now() < end; await sleep(100)) {
    assert.ok(isLeader(), `${identity} stopped leading`);
    const l = await c.client.get<Lease>('leases', 'kube-system', lease);
    assert.equal(l.spec?.holderIdentity, identity);
    renewTimes.add(l.spec?.renewTime ?? '');
  }
  return renewTimes.size;
}

describe('leader election has a client of its own', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.close();
  });

  it('skiff-controller-manager renews its Lease while its controllers saturate the main client', async () => {
    // 20 requests always waiting at 4 qps: each waits about 5 s for its token.
    const flood = { maxWaitMs: 0, calls: 0 };
    const flooding: ControllerDescriptor = {
      name: 'flood',
      run: async (ctx) => {
        const loop = async (): Promise<void> => {
          while (!ctx.signal.aborted) {
            const t0 = Date.now();
            await ctx.client.get('namespaces', '', 'default').catch(() => undefined);
            flood.maxWaitMs = Math.max(flood.maxWaitMs, Date.now() - t0);
            flood.calls++;
          }
        };
        await Promise.all(Array.from({ length: 20 }, loop));
      },
    };
    const stop = new AbortController();
    const cm = await runControllerManager({ server: c.server.address, httpListen: '', identity: 'cm-flooded', qps: 4, burst: 1, ...ELECTION }, stop.signal, discardLogger(), [flooding]);
    try {
      await waitUntil(() => cm.isLeader() && flood.calls > 0, 'leading and flooding', 15_000);
      const renewals = await keepsLeading(c, 'skiff-controller-manager', 'cm-flooded', () => cm.isLeader());
      assert.ok(renewals >= MIN_RENEWALS, `${renewals} renewals in ${HOLD_MS} ms`);
      assert.ok(flood.maxWaitMs >= 3000, `the main client was saturated: its requests waited up to ${flood.maxWaitMs} ms`);
    } finally {
      stop.abort();
      assert.equal(await cm.stopped, 'stopped');
    }
  });

  it('skiff-scheduler renews its Lease while failed-scheduling writes saturate the main client', async () => {
    // No nodes: every pod fails, and each failure is a status write and an Event, at 4 qps.
    const PODS = 12;
    for (let i = 0; i < PODS; i++) {
      await c.client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `stuck-${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as Pod);
    }
    const stop = new AbortController();
    const sched = await runScheduler({ ...defaultRunConfig, server: c.server.address, healthPort: undefined, identity: 'sched-flooded', qps: 4, burst: 1, ...ELECTION }, stop.signal);
    try {
      await waitUntil(() => sched.isLeader(), 'leading', 15_000);
      const renewals = await keepsLeading(c, 'skiff-scheduler', 'sched-flooded', () => sched.isLeader());
      assert.ok(renewals >= MIN_RENEWALS, `${renewals} renewals in ${HOLD_MS} ms`);
      const pods = (await c.client.list<Pod>('pods', { namespace: 'default' })).items;
      const written = pods.filter((p) => p.status?.conditions?.some((x) => x.type === 'PodScheduled' && x.status === 'False')).length;
      assert.ok(written < PODS, `the main client was saturated: ${written} of ${PODS} failures written in ${HOLD_MS} ms`);
    } finally {
      // Gone pods are failures no more: the writes queued for them are all the scheduler drains.
      await c.client.deleteCollection('pods', { namespace: 'default', gracePeriodSeconds: 0 });
      stop.abort();
      await sched.stopped;
    }
  });
});
