import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLACEMENT_EXPLANATION_ANNOTATION, parsePlacementExplanation, type Pod } from '@skiff/api';
import { FakeClock } from '@skiff/machinery';
import { resolveConfig } from './config/resolve.js';
import { AssignedPodDelete, NodeAdd } from './framework/events.js';
import { PodInfo } from './framework/pod-info.js';
import { inTreeRegistry } from './plugins/registry.js';
import { NoProfileError, Scheduler, type FailureInfo } from './scheduler.js';
import { makeNode, makePod } from './testing/builders.js';

function setup(failBinds = false) {
  const bound: string[] = [];
  const annotations: (Record<string, string> | undefined)[] = [];
  const failures: { pod: string; failure: FailureInfo }[] = [];
  const clock = new FakeClock();
  const s = new Scheduler({
    config: resolveConfig({ profiles: [{}, { schedulerName: 'packer', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }] }, inTreeRegistry),
    registry: inTreeRegistry,
    clock,
    random: () => 0,
    binder: {
      bind: (pod: Pod, node: string, a?: Record<string, string>) => (failBinds ? Promise.reject(new Error('conflict')) : (bound.push(`${pod.metadata.name}->${node}`), annotations.push(a), Promise.resolve())),
    },
    hooks: { failed: (pod, failure) => failures.push({ pod: pod.metadata.name ?? '', failure }) },
  });
  return { s, bound, annotations, failures, clock };
}

async function scheduleAll(s: Scheduler): Promise<void> {
  for (let q = s.queue.popNow(); q; q = s.queue.popNow()) s.scheduleOne(q);
  await s.drain();
}

void test('Scheduler', async (t) => {
  await t.test('assume makes the next pod see the first: two 3-cpu pods land on two 4-cpu nodes', async () => {
    const { s, bound } = setup();
    s.cache.addNode(makeNode('a'));
    s.cache.addNode(makeNode('b'));
    s.queue.add(makePod('p1', { cpu: '3' }));
    s.queue.add(makePod('p2', { cpu: '3' }));
    await scheduleAll(s);
    assert.deepEqual(bound.map((b) => b.split('->')[1]).sort(), ['a', 'b']);
    assert.equal(s.cache.podCount, 2);
  });

  await t.test('the bind carries the placement explanation', async () => {
    const { s, bound, annotations } = setup();
    s.cache.addNode(makeNode('small', { cpu: '1' }));
    s.cache.addNode(makeNode('big', { cpu: '8' }));
    s.cache.addNode(makeNode('mid', { cpu: '4' }));
    s.queue.add(makePod('p', { cpu: '2' }));
    await scheduleAll(s);
    assert.deepEqual(bound, ['p->big']);
    const e = parsePlacementExplanation(annotations[0]?.[PLACEMENT_EXPLANATION_ANNOTATION]);
    assert.equal(e?.node, 'big');
    assert.deepEqual(e?.candidates.map((c) => c.node), ['big', 'mid']);
    assert.ok(Object.keys(e?.candidates[0].plugins ?? {}).includes('NodeResourcesFit'));
    assert.deepEqual(e?.rejected, [{ node: 'small', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' }]);
  });

  await t.test('a profile per schedulerName: the bin-packer fills one node', async () => {
    const { s, bound } = setup();
    s.cache.addNode(makeNode('a'));
    s.cache.addNode(makeNode('b'));
    for (let i = 0; i < 3; i++) s.queue.add(makePod(`p${i}`, { cpu: '1', schedulerName: 'packer' }));
    await scheduleAll(s);
    assert.equal(new Set(bound.map((b) => b.split('->')[1])).size, 1);
  });

  await t.test('pods for another scheduler are left alone', () => {
    const { s } = setup();
    assert.equal(s.responsibleFor(makePod('p', { schedulerName: 'other' })), false);
    assert.equal(s.responsibleFor(makePod('p')), true);
  });

  await t.test('no fit: the summary goes to the hook; a node add brings the pod back', async () => {
    const { s, bound, failures, clock } = setup();
    s.cache.addNode(makeNode('small', { cpu: '1' }));
    s.queue.add(makePod('p', { cpu: '2' }));
    await scheduleAll(s);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].failure.reason, 'Unschedulable');
    assert.equal(
      failures[0].failure.message,
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
    );
    assert.deepEqual(failures[0].failure.explanation?.rejected, { small: { plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' } });
    assert.deepEqual(s.queue.pending(), { active: 0, backoff: 0, unschedulable: 1 });
    s.cache.addNode(makeNode('big'));
    s.queue.moveAllToActiveOrBackoffQueue(NodeAdd);
    clock.advance(1000);
    s.queue.flushBackoffCompleted();
    await scheduleAll(s);
    assert.deepEqual(bound, ['p->big']);
  });

  await t.test('preemption returns the nominated node and victims', async () => {
    const { s, failures } = setup();
    s.cache.addNode(makeNode('a', { cpu: '2' }));
    s.cache.addPod(makePod('low', { nodeName: 'a', cpu: '2', priority: 1 }));
    s.queue.add(makePod('high', { cpu: '1', priority: 100 }));
    await scheduleAll(s);
    assert.equal(failures[0].failure.nominatedNodeName, 'a');
    assert.deepEqual(failures[0].failure.victims?.map((v) => v.metadata.name), ['low']);
  });

  await t.test('a failed bind forgets the assumed pod and backs off', async () => {
    const { s, failures } = setup(true);
    s.cache.addNode(makeNode('a'));
    s.queue.add(makePod('p', { cpu: '1' }));
    await scheduleAll(s);
    assert.equal(s.cache.podCount, 0);
    assert.equal(failures[0].failure.reason, 'SchedulerError');
    assert.match(failures[0].failure.message, /binding rejected: conflict/);
    assert.deepEqual(s.queue.pending(), { active: 0, backoff: 1, unschedulable: 0 });
  });

  await t.test('explain answers without assuming; a schedulerName without a profile is refused', () => {
    const { s } = setup();
    s.cache.addNode(makeNode('a', { cpu: '1' }));
    s.cache.addNode(makeNode('b'));
    const r = s.explain(makePod('p', { cpu: '2' }));
    assert.equal(r.explanation.node, 'b');
    assert.deepEqual(r.explanation.rejected, [{ node: 'a', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' }]);
    assert.equal(s.cache.podCount, 0);
    assert.equal(s.explain(makePod('q', { cpu: '2', schedulerName: 'packer' })).schedulerName, 'packer');
    assert.throws(() => s.explain(makePod('r', { schedulerName: 'other' })), (e: unknown) => e instanceof NoProfileError && /no profile "other" \(its profiles: default-scheduler, packer\)/.test(e.message));
  });

  await t.test('the room preemption freed is kept for the nominated pod', async () => {
    const { s, bound, failures, clock } = setup();
    s.cache.addNode(makeNode('a', { cpu: '2' }));
    const low = makePod('low', { nodeName: 'a', cpu: '2', priority: 1 });
    s.cache.addPod(low);
    s.queue.add(makePod('high', { cpu: '1', priority: 100 }));
    await scheduleAll(s);
    assert.equal(failures[0].failure.nominatedNodeName, 'a');
    // The wiring deletes the victim; a pod of lower priority than the preemptor arrives first.
    s.cache.removePod(low);
    s.queue.add(makePod('mid', { cpu: '2', priority: 50 }));
    await scheduleAll(s);
    assert.deepEqual(bound, []);
    assert.match(failures[1].failure.message, /^0\/1 nodes are available: 1 Insufficient cpu\./);
    s.queue.moveAllToActiveOrBackoffQueue(AssignedPodDelete);
    clock.advance(10_000);
    s.queue.flushBackoffCompleted();
    await scheduleAll(s);
    assert.deepEqual(bound, ['high->a']);
    assert.equal(s.nominator.size, 0);
  });
});

interface NominationCase {
  name: string;
  /** Pending pods nominated before the preemptor's attempt: name, priority, node. */
  nominated: { name: string; priority: number; node: string }[];
  wantCleared: string[];
  wantKept: string[];
}

// Node a (4 cpu) holds `low` (3 cpu, priority 1); `high` (2 cpu, priority 100) preempts it; node b
// (1 cpu) fits nobody. Nominated pods ask for 1 cpu each.
const nominationCases: NominationCase[] = [
  { name: 'a lower-priority pod nominated to the node loses its nomination', nominated: [{ name: 'mid', priority: 50, node: 'a' }], wantCleared: ['mid'], wantKept: [] },
  { name: 'a higher-priority nominated pod keeps it', nominated: [{ name: 'top', priority: 200, node: 'a' }], wantCleared: [], wantKept: ['top'] },
  {
    name: 'an equal-priority pod keeps it, a lower one loses it',
    nominated: [
      { name: 'same', priority: 100, node: 'a' },
      { name: 'mid', priority: 50, node: 'a' },
    ],
    wantCleared: ['mid'],
    wantKept: ['same'],
  },
  { name: 'a lower-priority pod nominated to another node keeps it', nominated: [{ name: 'mid', priority: 50, node: 'b' }], wantCleared: [], wantKept: ['mid'] },
];

void test('Scheduler: nominations a preemptor clears', async (t) => {
  for (const c of nominationCases) {
    await t.test(c.name, async () => {
      const { s, failures } = setup();
      s.cache.addNode(makeNode('a', { cpu: '4' }));
      s.cache.addNode(makeNode('b', { cpu: '1' }));
      s.cache.addPod(makePod('low', { nodeName: 'a', cpu: '3', priority: 1 }));
      const pods = new Map<string, Pod>();
      for (const n of c.nominated) {
        const p = makePod(n.name, { cpu: '1', priority: n.priority });
        pods.set(n.name, p);
        s.nominator.add(new PodInfo(p), n.node);
      }
      s.queue.add(makePod('high', { cpu: '2', priority: 100 }));
      s.scheduleOne(s.queue.popNow()!);
      await s.drain();
      assert.equal(failures[0]?.failure.nominatedNodeName, 'a');
      assert.deepEqual((failures[0]?.failure.clearNominations ?? []).map((p) => p.metadata.name).sort(), c.wantCleared);
      for (const n of c.wantCleared) assert.equal(s.nominator.nominatedNodeOf(pods.get(n)!), undefined, n);
      for (const n of c.wantKept) assert.equal(s.nominator.nominatedNodeOf(pods.get(n)!), c.nominated.find((x) => x.name === n)!.node, n);
      assert.equal(s.nominator.nominatedNodeOf(makePod('high')), 'a');
    });
  }
});

void test('Scheduler: a nominated pod bound elsewhere leaves its nominated node free', async () => {
  const { s, bound } = setup();
  s.cache.addNode(makeNode('a', { cpu: '1' }));
  s.cache.addNode(makeNode('b', { cpu: '4' }));
  const p = makePod('p', { cpu: '2', priority: 10 });
  const nominatedP: Pod = { ...p, status: { ...p.status, nominatedNodeName: 'a' } };
  s.nominator.add(new PodInfo(nominatedP), 'a');
  s.queue.add(nominatedP);
  await scheduleAll(s);
  assert.deepEqual(bound, ['p->b']);
  assert.equal(s.nominator.nominatedPodsForNode('a').length, 0);
  assert.equal(s.nominator.size, 0);
});
