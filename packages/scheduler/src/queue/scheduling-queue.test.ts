import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@skiff/machinery';
import { ActionType, AssignedPodDelete, NodeAdd, type ClusterEvent, type ClusterEventWithHint } from '../framework/events.js';
import { PrioritySort } from '../plugins/priority-sort/priority-sort.js';
import { makePod } from '../testing/builders.js';
import { SchedulingQueue } from './scheduling-queue.js';

const events = new Map<string, ClusterEventWithHint[]>([
  ['NodeResourcesFit', [{ event: { resource: 'Pod', actionType: ActionType.Delete } }, { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } }]],
  ['TaintToleration', [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint } }]],
  ['NodeAffinity', [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel }, hint: (_pod, _old, node) => (node?.metadata.labels?.zone === 'z1' ? 'Queue' : 'Skip') }]],
]);

function newQueue(clock = new FakeClock()) {
  const sort = new PrioritySort();
  return { clock, q: new SchedulingQueue({ less: (a, b) => sort.less(a, b), eventsToRegister: events, clock }) };
}

void test('SchedulingQueue order', async (t) => {
  await t.test('priority first, then the older pod', () => {
    const { clock, q } = newQueue();
    q.add(makePod('low', { priority: 1 }));
    clock.advance(10);
    q.add(makePod('high', { priority: 100 }));
    q.add(makePod('low2', { priority: 1 }));
    assert.deepEqual([q.popNow(), q.popNow(), q.popNow()].map((x) => x?.podInfo.pod.metadata.name), ['high', 'low', 'low2']);
    assert.equal(q.popNow(), undefined);
  });
  await t.test('pop waits for a pod and ends on abort', async () => {
    const { q } = newQueue();
    const ac = new AbortController();
    const waiting = q.pop(ac.signal);
    q.add(makePod('p'));
    assert.equal((await waiting)?.podInfo.pod.metadata.name, 'p');
    const empty = q.pop(ac.signal);
    ac.abort();
    assert.equal(await empty, undefined);
  });
});

void test('SchedulingQueue backoff', async (t) => {
  const cases = [
    { name: 'first failure: 1 s', attempts: 1, want: 1000 },
    { name: 'second: 2 s', attempts: 2, want: 2000 },
    { name: 'fourth: 8 s', attempts: 4, want: 8000 },
    { name: 'fifth and later: capped at 10 s', attempts: 5, want: 10_000 },
    { name: 'many attempts stay at 10 s', attempts: 40, want: 10_000 },
  ];
  const { q } = newQueue();
  for (const c of cases) {
    await t.test(c.name, () => {
      const info = { podInfo: undefined as never, timestamp: 0, attempts: c.attempts, initialAttemptTimestamp: 0, unschedulablePlugins: new Set<string>() };
      assert.equal(q.backoffDuration(info), c.want);
    });
  }
});

void test('SchedulingQueue unschedulable pool', async (t) => {
  const cases: { name: string; plugins: string[]; event: ClusterEvent; node?: Record<string, string>; want: string }[] = [
    { name: 'a node add moves a pod rejected for resources', plugins: ['NodeResourcesFit'], event: NodeAdd, want: 'backoff' },
    { name: 'a pod delete moves a pod rejected for resources', plugins: ['NodeResourcesFit'], event: AssignedPodDelete, want: 'backoff' },
    { name: 'a pod delete does not move a pod rejected for taints', plugins: ['TaintToleration'], event: AssignedPodDelete, want: 'unschedulable' },
    { name: 'a taint update moves it', plugins: ['TaintToleration'], event: { resource: 'Node', actionType: ActionType.UpdateNodeTaint, label: 'NodeUpdate' }, want: 'backoff' },
    { name: 'a hint may skip the event', plugins: ['NodeAffinity'], event: NodeAdd, node: { zone: 'z2' }, want: 'unschedulable' },
    { name: 'a hint may queue it', plugins: ['NodeAffinity'], event: NodeAdd, node: { zone: 'z1' }, want: 'backoff' },
    { name: 'any matching plugin is enough', plugins: ['TaintToleration', 'NodeResourcesFit'], event: AssignedPodDelete, want: 'backoff' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const { q } = newQueue();
      q.add(makePod('p'));
      const popped = q.popNow();
      assert.ok(popped);
      popped.unschedulablePlugins = new Set(c.plugins);
      q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
      // A later cycle, so that the move request is not "during" the pod's attempt.
      q.schedulingCycle++;
      assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 1 });
      const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels: c.node } };
      q.moveAllToActiveOrBackoffQueue(c.event, undefined, node);
      const p = q.pending();
      assert.equal(p.unschedulable ? 'unschedulable' : p.backoff ? 'backoff' : 'active', c.want);
    });
  }

  await t.test('backed-off pods go active after their backoff, through the periodic flush', async () => {
    const { clock, q } = newQueue();
    const ac = new AbortController();
    q.run(ac.signal);
    q.add(makePod('p'));
    const popped = q.popNow();
    assert.ok(popped);
    popped.unschedulablePlugins = new Set(['NodeResourcesFit']);
    q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
    q.schedulingCycle++;
    q.moveAllToActiveOrBackoffQueue(NodeAdd);
    assert.equal(q.pending().backoff, 1);
    clock.advance(999);
    assert.equal(q.pending().backoff, 1);
    clock.advance(1);
    assert.deepEqual(q.pending(), { active: 1, backoff: 0, unschedulable: 0 });
    ac.abort();
    assert.equal(clock.pending(), 0);
  });

  await t.test('an event during the attempt sends the failed pod to backoff, not the pool', () => {
    const { q } = newQueue();
    q.add(makePod('p'));
    const popped = q.popNow();
    assert.ok(popped);
    const cycle = q.schedulingCycle;
    q.moveAllToActiveOrBackoffQueue(NodeAdd);
    popped.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(popped, cycle);
    assert.deepEqual(q.pending(), { active: 0, backoff: 1, unschedulable: 0 });
  });

  await t.test('the periodic flush retries a pod after 60 s without an event', async () => {
    const { clock, q } = newQueue();
    const ac = new AbortController();
    q.run(ac.signal);
    q.add(makePod('p'));
    const popped = q.popNow();
    assert.ok(popped);
    popped.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
    q.schedulingCycle++;
    clock.advance(30_000);
    assert.equal(q.pending().unschedulable, 1);
    clock.advance(30_000);
    assert.deepEqual(q.pending(), { active: 1, backoff: 0, unschedulable: 0 });
    ac.abort();
  });

  await t.test('an update of an unschedulable pod retries it; a delete drops it', () => {
    const { clock, q } = newQueue();
    q.add(makePod('p'));
    const popped = q.popNow();
    assert.ok(popped);
    popped.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
    clock.advance(2000);
    q.update(makePod('p', { tolerations: [{ operator: 'Exists' }] }));
    assert.deepEqual(q.pending(), { active: 1, backoff: 0, unschedulable: 0 });
    q.delete(makePod('p'));
    assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 0 });
  });

  await t.test('a status-only update (the scheduler\'s own condition write) leaves an unschedulable pod where it is', () => {
    const { clock, q } = newQueue();
    q.add(makePod('p'));
    const popped = q.popNow();
    assert.ok(popped);
    popped.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
    clock.advance(2000);
    const p = makePod('p');
    q.update({ ...p, metadata: { ...p.metadata, resourceVersion: '9' }, status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } });
    assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 1 });
  });

  await t.test('an update during the attempt is what a failure requeues, to backoff', () => {
    const { q } = newQueue();
    q.add(makePod('p'));
    const popped = q.popNow();
    assert.ok(popped);
    q.update(makePod('p', { tolerations: [{ operator: 'Exists' }] }));
    assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 0 });
    popped.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
    assert.deepEqual(q.pending(), { active: 0, backoff: 1, unschedulable: 0 });
  });

  await t.test('a pod deleted during its attempt is not requeued', () => {
    const { q } = newQueue();
    q.add(makePod('p'));
    const popped = q.popNow();
    assert.ok(popped);
    q.delete(makePod('p'));
    popped.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(popped, q.schedulingCycle);
    assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 0 });
  });

  await t.test('adding a pod that is being scheduled does not queue it twice', () => {
    const { q } = newQueue();
    q.add(makePod('p'));
    assert.ok(q.popNow());
    q.add(makePod('p'));
    assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 0 });
    q.done('default/p');
    q.add(makePod('p'));
    assert.equal(q.pending().active, 1);
  });
});
