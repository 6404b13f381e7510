import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { makeFramework, makeNode, makePod, makeSnapshot } from '../testing/builders.js';
import { FitError } from './fit-error.js';
import { SchedulingAlgorithm, type ScheduleResult } from './schedule-pod.js';

function schedule(snapshot: Snapshot, pod = makePod('p', { cpu: '1' }), algo = new SchedulingAlgorithm({ random: () => 0 }), profile = {}): ScheduleResult | FitError {
  return algo.schedulePod(makeFramework(snapshot, profile), new CycleState(), new PodInfo(pod), snapshot);
}

void test('scheduling cycle: failure summary', async (t) => {
  const taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
  const cases = [
    { name: 'no nodes', nodes: [], pod: makePod('p'), want: '0/0 nodes are available: no nodes available to schedule pods.' },
    {
      name: 'reasons counted and sorted as strings, as Kubernetes',
      nodes: [makeNode('a', { cpu: '500m' }), makeNode('b', { cpu: '500m' }), makeNode('c', { taints: [taint] })],
      pod: makePod('p', { cpu: '1' }),
      want: '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2 Insufficient cpu.',
    },
    {
      name: 'several reasons of one node each count',
      nodes: [makeNode('a', { cpu: '500m', memory: '1Gi' }), makeNode('b', { unschedulable: true })],
      pod: makePod('p', { cpu: '1', memory: '2Gi' }),
      want: '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) were unschedulable.',
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = schedule(makeSnapshot(c.nodes), c.pod);
      assert.ok(r instanceof FitError);
      assert.equal(r.message, c.want);
    });
  }
  await t.test('unschedulable plugins are recorded for the queue', () => {
    const r = schedule(makeSnapshot([makeNode('a', { cpu: '500m' }), makeNode('c', { taints: [taint] })]));
    assert.ok(r instanceof FitError);
    assert.deepEqual([...r.diagnosis.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
  });
});

void test('scheduling cycle: placement and explanation', async (t) => {
  await t.test('the least allocated node wins, with per-plugin contributions and rejections', () => {
    const snapshot = makeSnapshot([makeNode('busy'), makeNode('idle'), makeNode('small', { cpu: '500m' })], [makePod('x', { nodeName: 'busy', cpu: '2', memory: '4Gi' })]);
    const r = schedule(snapshot);
    assert.ok(!(r instanceof FitError));
    assert.equal(r.suggestedHost, 'idle');
    assert.equal(r.feasibleNodes, 2);
    assert.equal(r.evaluatedNodes, 3);
    const [first, second] = r.explanation.candidates;
    assert.equal(first.node, 'idle');
    assert.equal(second.node, 'busy');
    assert.ok(first.byPlugin.NodeResourcesFit > second.byPlugin.NodeResourcesFit);
    assert.equal(first.total, Object.values(first.byPlugin).reduce((a, b) => a + b, 0));
    assert.deepEqual(r.explanation.rejected, { small: { plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' } });
  });
  await t.test("one framework's cycles in a row: each one's scores are its own (the buffers are reused)", () => {
    const fwk = makeFramework(makeSnapshot([]), {});
    const algo = new SchedulingAlgorithm({ random: () => 0 });
    const run = (snapshot: Snapshot): ScheduleResult => algo.schedulePod(fwk, new CycleState(), new PodInfo(makePod('p', { cpu: '1' })), snapshot) as ScheduleResult;
    const three = makeSnapshot([makeNode('a'), makeNode('b'), makeNode('c')], [makePod('x', { nodeName: 'a', cpu: '3' })]);
    const first = run(three).explanation.candidates.map((c) => [c.node, c.total]);
    const two = makeSnapshot([makeNode('d'), makeNode('e', { cpu: '2' })]);
    const second = run(two);
    assert.equal(second.suggestedHost, 'd');
    assert.deepEqual(second.explanation.candidates.map((c) => c.node), ['d', 'e']);
    for (const c of second.explanation.candidates) assert.equal(c.total, Object.values(c.byPlugin).reduce((x, y) => x + y, 0), `${c.node}: the total is the sum of this cycle's contributions`);
    assert.deepEqual(run(three).explanation.candidates.map((c) => [c.node, c.total]), first, 'the same cycle again gives the same scores');
  });
  await t.test('ties are broken at random', () => {
    const nodes = [makeNode('a'), makeNode('b'), makeNode('c')];
    const pick = (x: number) => (schedule(makeSnapshot(nodes), makePod('p', { cpu: '1' }), new SchedulingAlgorithm({ random: () => x })) as ScheduleResult).suggestedHost;
    assert.equal(pick(0), 'c');
    assert.equal(pick(0.99), 'a');
  });
  await t.test('a single feasible node is chosen without scoring', () => {
    const r = schedule(makeSnapshot([makeNode('a', { cpu: '500m' }), makeNode('b')]));
    assert.ok(!(r instanceof FitError));
    assert.equal(r.suggestedHost, 'b');
    assert.deepEqual(r.explanation.candidates, [{ node: 'b', total: 0, byPlugin: {} }]);
  });
  await t.test('filtering stops at the share of nodes and the next cycle starts after them', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => makeNode(`n${String(i).padStart(3, '0')}`));
    const algo = new SchedulingAlgorithm({ random: () => 0, percentageOfNodesToScore: 0 });
    const snapshot = makeSnapshot(nodes);
    // 300 nodes: adaptive 48% = 144 nodes.
    const r1 = schedule(snapshot, makePod('p'), algo) as ScheduleResult;
    assert.equal(r1.evaluatedNodes, 144);
    assert.equal(algo.nextStartNodeIndex, 144);
    schedule(snapshot, makePod('q'), algo);
    assert.equal(algo.nextStartNodeIndex, 288);
    schedule(snapshot, makePod('r'), algo);
    assert.equal(algo.nextStartNodeIndex, (288 + 144) % 300);
  });
  await t.test('a profile percentage wins over the global one', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => makeNode(`n${i}`));
    const r = schedule(makeSnapshot(nodes), makePod('p'), new SchedulingAlgorithm({ percentageOfNodesToScore: 10 }), { percentageOfNodesToScore: 50 }) as ScheduleResult;
    assert.equal(r.evaluatedNodes, 150);
  });
  await t.test('a nominated pod goes to its nominated node when it fits there', () => {
    const pod = makePod('p', { cpu: '1' });
    pod.status = { nominatedNodeName: 'b' };
    const r = schedule(makeSnapshot([makeNode('a'), makeNode('b', { cpu: '2' }), makeNode('c')]), pod) as ScheduleResult;
    assert.equal(r.suggestedHost, 'b');
    assert.equal(r.evaluatedNodes, 1);
  });
});
