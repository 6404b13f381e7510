import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from './framework/pod-info.js';
import type { Pod } from '@skiff/api';
import { FakeClock } from '@skiff/machinery';
import { resolveConfig } from './config/resolve.js';
import { SchedulerEventHandlers } from './event-handlers.js';
import { inTreeRegistry } from './plugins/registry.js';
import { Scheduler } from './scheduler.js';
import { Snapshot } from './framework/snapshot.js';
import { makeNode, makePod } from './testing/builders.js';

function setup() {
  const bound: string[] = [];
  const clock = new FakeClock();
  const s = new Scheduler({
    config: resolveConfig({}, inTreeRegistry),
    registry: inTreeRegistry,
    clock,
    random: () => 0,
    binder: { bind: (pod: Pod, node: string) => (bound.push(`${pod.metadata.name}->${node}`), Promise.resolve()) },
  });
  return { s, h: new SchedulerEventHandlers(s), bound, clock };
}

async function scheduleAll(s: Scheduler): Promise<void> {
  for (let q = s.queue.popNow(); q; q = s.queue.popNow()) s.scheduleOne(q);
  await s.drain();
}

const nodes = (s: Scheduler) => {
  const snap = new Snapshot();
  s.cache.updateSnapshot(snap);
  return Object.fromEntries(snap.nodeInfoList.map((n) => [n.name, n.pods.map((p) => p.pod.metadata.name)]));
};

void test('SchedulerEventHandlers', async (t) => {
  await t.test('pending pods queue; pods for another scheduler do not', () => {
    const { s, h } = setup();
    h.podAdded(makePod('mine'));
    h.podAdded(makePod('theirs', { schedulerName: 'other' }));
    assert.equal(s.queue.pending().active, 1);
  });
  await t.test('a pod that cannot fit is scheduled once a node that fits is added, without the flush', async () => {
    const { s, h, bound, clock } = setup();
    h.nodeAdded(makeNode('small', { cpu: '1' }));
    h.podAdded(makePod('p', { cpu: '2' }));
    await scheduleAll(s);
    assert.equal(s.queue.pending().unschedulable, 1);
    h.nodeAdded(makeNode('small2', { cpu: '1' }));
    assert.equal(s.queue.pending().unschedulable, 1, 'a node too small for the pod does not move it');
    h.nodeAdded(makeNode('big', { cpu: '4' }));
    clock.advance(1000);
    s.queue.flushBackoffCompleted();
    await scheduleAll(s);
    assert.deepEqual(bound, ['p->big']);
  });
  await t.test('the bind seen in the watch confirms the assumed pod and leaves the queue', async () => {
    const { s, h } = setup();
    h.nodeAdded(makeNode('a'));
    const p = makePod('p');
    h.podAdded(p);
    await scheduleAll(s);
    const bound = { ...p, spec: { ...p.spec!, nodeName: 'a' } };
    h.podUpdated(p, bound);
    assert.deepEqual(nodes(s), { a: ['p'] });
    assert.equal(s.cache.isAssumedPod(bound), false);
    assert.deepEqual(s.queue.pending(), { active: 0, backoff: 0, unschedulable: 0 });
  });
  await t.test('a finished pod frees its node', () => {
    const { s, h } = setup();
    h.nodeAdded(makeNode('a'));
    const p = makePod('p', { nodeName: 'a' });
    h.podAdded(p);
    h.podUpdated(p, { ...p, status: { phase: 'Succeeded' } });
    assert.deepEqual(nodes(s), { a: [] });
  });
  await t.test('a label change on a node retries pods rejected by node affinity', async () => {
    const { s, h, clock } = setup();
    const n = makeNode('a');
    h.nodeAdded(n);
    h.podAdded(makePod('p', { nodeSelector: { disk: 'ssd' } }));
    await scheduleAll(s);
    assert.equal(s.queue.pending().unschedulable, 1);
    h.nodeUpdated(n, makeNode('a', { taints: [{ key: 'k', effect: 'NoSchedule' }] }));
    assert.equal(s.queue.pending().unschedulable, 1, 'a taint change does not help a node-affinity rejection');
    h.nodeUpdated(n, makeNode('a', { labels: { disk: 'ssd' } }));
    clock.advance(1000);
    assert.equal(s.queue.pending().unschedulable, 0);
  });
  await t.test('nominations follow status.nominatedNodeName', () => {
    const { s, h } = setup();
    const p = makePod('p');
    h.podAdded({ ...p, status: { nominatedNodeName: 'a' } });
    assert.equal(s.nominator.nominatedNodeOf(p), 'a');
    h.podDeleted(p);
    assert.equal(s.nominator.size, 0);
  });
  await t.test('an update before the status write keeps the nomination made in memory; clearing it removes it', () => {
    const { s, h } = setup();
    const p = makePod('p');
    h.podAdded(p);
    s.nominator.add(new PodInfo(p), 'b'); // what preemption does in scheduleOne
    const labelled = { ...p, metadata: { ...p.metadata, labels: { x: '1' } } };
    h.podUpdated(p, labelled);
    assert.equal(s.nominator.nominatedNodeOf(p), 'b');
    const written = { ...labelled, status: { nominatedNodeName: 'b' } };
    h.podUpdated(labelled, written);
    assert.equal(s.nominator.nominatedNodeOf(p), 'b');
    h.podUpdated(written, labelled);
    assert.equal(s.nominator.nominatedNodeOf(p), undefined, 'status.nominatedNodeName removed');
  });
});
