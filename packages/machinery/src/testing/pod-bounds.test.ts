import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, Pod } from '@skiff/api';
import { FakeClient } from './fake-client.js';
import { PodBoundsWatch, boundsBreaches, countPods, deploymentBounds, isActivePod, isReadyPod, rollingBounds, type PodShape } from './pod-bounds.js';

const shape = (opts: { phase?: string; ready?: string; deleting?: boolean } = {}): PodShape => ({
  metadata: { uid: 'u', ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  status: { phase: opts.phase ?? 'Running', conditions: opts.ready ? [{ type: 'Ready', status: opts.ready }] : [] },
});

describe('pod bounds: definitions', () => {
  const cases: { name: string; pod: PodShape; active: boolean; ready: boolean }[] = [
    { name: 'running and ready', pod: shape({ ready: 'True' }), active: true, ready: true },
    { name: 'running, Ready False', pod: shape({ ready: 'False' }), active: true, ready: false },
    { name: 'pending, no conditions', pod: shape({ phase: 'Pending' }), active: true, ready: false },
    { name: 'ready but being deleted', pod: shape({ ready: 'True', deleting: true }), active: false, ready: false },
    { name: 'Succeeded', pod: shape({ phase: 'Succeeded', ready: 'True' }), active: false, ready: false },
    { name: 'Failed', pod: shape({ phase: 'Failed' }), active: false, ready: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(isActivePod(c.pod), c.active);
      assert.equal(isReadyPod(c.pod), c.ready);
    });
  }

  it('counts and breaches', () => {
    const counts = countPods(cases.map((c) => c.pod));
    assert.deepEqual(counts, { active: 3, ready: 1 });
    assert.deepEqual(boundsBreaches(counts, { maxPods: 3, minReady: 1 }), []);
    assert.deepEqual(boundsBreaches(counts, { maxPods: 2, minReady: 2 }), ['3 active pods > 2 (replicas + maxSurge)', '1 ready pods < 2 (replicas - maxUnavailable)']);
  });

  it('bounds resolved as Kubernetes does: surge rounds up, unavailability down, both zero is one unavailable', () => {
    assert.deepEqual(rollingBounds(3000), { maxPods: 3750, minReady: 2250 });
    assert.deepEqual(rollingBounds(10, '25%', '25%'), { maxPods: 13, minReady: 8 });
    assert.deepEqual(rollingBounds(4, 1, 1), { maxPods: 5, minReady: 3 });
    assert.deepEqual(rollingBounds(4, 0, 0), { maxPods: 4, minReady: 3 });
    assert.deepEqual(rollingBounds(1, 0, '100%'), { maxPods: 1, minReady: 0 });
    const d = (strategy: NonNullable<Deployment['spec']>['strategy']): Deployment =>
      ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 6, selector: {}, strategy, template: {} } }) as Deployment;
    assert.deepEqual(deploymentBounds(d(undefined)), { maxPods: 8, minReady: 5 });
    assert.deepEqual(deploymentBounds(d({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } })), { maxPods: 8, minReady: 6 });
    assert.deepEqual(deploymentBounds(d({ type: 'Recreate' })), { maxPods: 6, minReady: 6 });
  });
});

function pod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } as Pod;
}

async function setReady(client: FakeClient, name: string, status: 'True' | 'False'): Promise<void> {
  const p = await client.get<Pod>('pods', 'default', name);
  p.status = { ...(p.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status }] };
  await client.updateStatus(p);
}

describe('PodBoundsWatch', () => {
  it('follows every revision: the extremes and the breaches while tracking, pods of other selectors left out', async () => {
    const client = new FakeClient();
    for (const n of ['a', 'b', 'c']) {
      await client.create(pod(n));
      await setReady(client, n, 'True');
    }
    await client.create({ ...pod('other'), metadata: { name: 'other', namespace: 'default', labels: { app: 'b' } } } as Pod);
    const w = await PodBoundsWatch.start(client, 'default', 'app=a');
    try {
      assert.deepEqual(w.current(), { active: 3, ready: 3 });
      w.track({ maxPods: 4, minReady: 2 });
      // A surge pod, then two of the old ones going at once: 4 active, then 2 ready... then 1.
      await client.create(pod('d'));
      await w.until((x) => x.current().active === 4, 'the surge pod', 5000);
      await setReady(client, 'a', 'False');
      await setReady(client, 'b', 'False');
      await client.delete('pods', 'default', 'c');
      await w.until((x) => x.current().active === 3 && x.current().ready === 0, 'the old pods down', 5000);
      await setReady(client, 'd', 'True');
      await w.until((x) => x.current().ready === 1, 'd ready', 5000);
      assert.equal(w.maxActive, 4);
      assert.equal(w.minReady, 0);
      assert.equal(w.added, 1);
      assert.equal(w.breachCount, 3, w.breaches.join('\n'));
      assert.match(w.breaches[0]!, /1 ready pods < 2/);
      assert.equal(w.relists, 0);
    } finally {
      await w.stop();
    }
  });

  it('a broken watch lists again and is counted; the counts are right afterwards', async () => {
    const client = new FakeClient();
    await client.create(pod('a'));
    const w = await PodBoundsWatch.start(client, 'default', 'app=a');
    try {
      w.track();
      client.breakWatches();
      await client.create(pod('b'));
      await setReady(client, 'b', 'True');
      await w.until((x) => x.relists === 1 && x.current().ready === 1, 'the relist', 5000);
      assert.deepEqual(w.current(), { active: 2, ready: 1 });
    } finally {
      await w.stop();
    }
  });

  it('until times out with the counts in its message', async () => {
    const client = new FakeClient();
    const w = await PodBoundsWatch.start(client, 'default', 'app=a');
    try {
      await assert.rejects(w.until((x) => x.current().active > 0, 'a pod', 50), /timed out after 50 ms waiting for a pod \(active 0, ready 0, added 0\)/);
    } finally {
      await w.stop();
    }
  });
});
