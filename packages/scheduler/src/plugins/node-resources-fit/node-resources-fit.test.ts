import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll, scoreAll } from '../../testing/run-plugin.js';
import { PodInfo } from '../../framework/pod-info.js';
import { isSchedulableAfterNodeChange, NodeResourcesFit } from './node-resources-fit.js';
import { allocationScorer, leastRequestedScore, mostRequestedScore, scoringRequested } from './scoring-strategy.js';

void test('NodeResourcesFit filter', async (t) => {
  // n1: 4 cpu, 8Gi, with a 3-cpu pod; n2: 2 pods max, two pods there; n3: empty, 1Gi ephemeral storage.
  const nodes = [makeNode('n1', { cpu: '4', memory: '8Gi' }), makeNode('n2', { pods: '2' }), makeNode('n3', { cpu: '2', memory: '1Gi', ephemeralStorage: '1Gi' })];
  const placed = [makePod('big', { nodeName: 'n1', cpu: '3' }), makePod('x', { nodeName: 'n2' }), makePod('y', { nodeName: 'n2' })];
  const snapshot = makeSnapshot(nodes, placed);
  const cases = [
    { name: 'best effort fits where pods fit', pod: makePod('p'), want: { n1: '', n2: 'Unschedulable: Too many pods', n3: '' } },
    { name: '2 cpu does not fit next to 3 of 4', pod: makePod('p', { cpu: '2' }), want: { n1: 'Unschedulable: Insufficient cpu', n2: 'Unschedulable: Too many pods', n3: '' } },
    { name: 'cpu and memory both short', pod: makePod('p', { cpu: '3', memory: '2Gi' }), want: { n1: 'Unschedulable: Insufficient cpu', n2: 'Unschedulable: Too many pods', n3: 'Unschedulable: Insufficient cpu, Insufficient memory' } },
    { name: 'ephemeral storage counts', pod: makePod('p', { ephemeralStorage: '2Gi' }), want: { n1: 'Unschedulable: Insufficient ephemeral-storage', n2: 'Unschedulable: Too many pods, Insufficient ephemeral-storage', n3: 'Unschedulable: Insufficient ephemeral-storage' } },
    {
      name: 'init containers: max(sum of apps, largest init), 2.5 cpu does not fit in 2',
      pod: makePod('p', { cpu: '1', containers: 2, initContainers: [{ cpu: '2500m' }, { cpu: '1' }] }),
      want: { n1: 'Unschedulable: Insufficient cpu', n2: 'Unschedulable: Too many pods', n3: 'Unschedulable: Insufficient cpu' },
    },
    {
      name: 'init containers smaller than the apps do not add',
      pod: makePod('p', { cpu: '500m', containers: 2, initContainers: [{ cpu: '800m' }] }),
      want: { n1: '', n2: 'Unschedulable: Too many pods', n3: '' },
    },
    { name: 'overhead is added', pod: makePod('p', { cpu: '1', overhead: { cpu: '1500m' } }), want: { n1: 'Unschedulable: Insufficient cpu', n2: 'Unschedulable: Too many pods', n3: 'Unschedulable: Insufficient cpu' } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(filterAll(new NodeResourcesFit(), c.pod, snapshot), c.want));
});

void test('NodeResourcesFit score', async (t) => {
  // Both 4 cpu / 8Gi; "busy" has 2 cpu and 4Gi requested.
  const snapshot = makeSnapshot([makeNode('idle'), makeNode('busy')], [makePod('b', { nodeName: 'busy', cpu: '2', memory: '4Gi' })]);
  const pod = makePod('p', { cpu: '1', memory: '2Gi' });
  const cases = [
    // idle: cpu (4-1)/4 = 75, mem (8-2)/8 = 75; busy: cpu (4-3)/4 = 25, mem (8-6)/8 = 25.
    { name: 'LeastAllocated favours the idle node', args: {}, want: { idle: 75, busy: 25 } },
    { name: 'MostAllocated favours the busy node', args: { scoringStrategy: { type: 'MostAllocated' as const, resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } }, want: { idle: 25, busy: 75 } },
    // cpu weight 3, memory 1: idle (75*3 + 75)/4 = 75 -- check with a skewed pod below.
    { name: 'resource weights', args: { scoringStrategy: { type: 'LeastAllocated' as const, resources: [{ name: 'cpu', weight: 3 }] } }, want: { idle: 75, busy: 25 } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(scoreAll(new NodeResourcesFit(c.args), pod, snapshot), c.want));
  await t.test('a container without requests counts as 100m / 200Mi', () => {
    // idle: cpu (4000-100)/4000 = 97, memory (8192-200)/8192 = 97.
    assert.deepEqual(scoreAll(new NodeResourcesFit(), makePod('q'), makeSnapshot([makeNode('idle')])), { idle: 97 });
  });
});

void test('NodeResourcesFit queueing hint for node events', async (t) => {
  const cases = [
    { name: 'a node large enough: queue', pod: makePod('p', { cpu: '2' }), node: makeNode('n', { cpu: '4' }), want: 'Queue' },
    { name: 'a node too small even when empty: skip', pod: makePod('p', { cpu: '8' }), node: makeNode('n', { cpu: '4' }), want: 'Skip' },
    { name: 'no object: queue', pod: makePod('p', { cpu: '8' }), node: undefined, want: 'Queue' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(isSchedulableAfterNodeChange(c.pod, undefined, c.node), c.want));
});

void test('allocationScorer: the direct cpu/memory form scores as the general form', async (t) => {
  // The general form runs when another resource is listed; these nodes have no ephemeral-storage,
  // which it leaves out (allocatable 0), so both must give the same score on every node.
  const nodes = [makeNode('small', { cpu: '1', memory: '1Gi' }), makeNode('big', { cpu: '64', memory: '256Gi' }), makeNode('odd', { cpu: '3', memory: '7Gi' }), makeNode('nomem', { memory: '0' }), makeNode('nocpu', { cpu: '0' })];
  const placed = [makePod('a', { nodeName: 'small', cpu: '700m', memory: '900Mi' }), makePod('b', { nodeName: 'odd', cpu: '1', containers: 2 }), makePod('c', { nodeName: 'big' }), makePod('d', { nodeName: 'small', cpu: '2' })];
  const snapshot = makeSnapshot(nodes, placed);
  const pods = [makePod('p'), makePod('p', { cpu: '250m', memory: '3Gi' }), makePod('p', { cpu: '5' }), makePod('p', { memory: '10Gi', containers: 3 })];
  for (const type of ['LeastAllocated', 'MostAllocated'] as const) {
    for (const [wCpu, wMem] of [[1, 1], [3, 1], [1, 0]]) {
      await t.test(`${type}, cpu weight ${wCpu}, memory weight ${wMem}`, () => {
        const direct = [{ name: 'cpu', weight: wCpu }, ...(wMem ? [{ name: 'memory', weight: wMem }] : [])];
        const general = [...direct, { name: 'ephemeral-storage', weight: 5 }];
        const f = allocationScorer(type, direct);
        const g = allocationScorer(type, general);
        for (const pod of pods) {
          const pi = new PodInfo(pod);
          for (const n of snapshot.nodeInfoList) {
            const want = g(n, pi);
            // By hand from the definition: each resource's share, weighted, over the resources the node has.
            let score = 0;
            let weights = 0;
            for (const r of direct) {
              const cap = n.allocatable.get(r.name);
              if (cap === 0) continue;
              const req = scoringRequested(r.name, n, pi, true);
              score += r.weight * (type === 'LeastAllocated' ? leastRequestedScore(req, cap) : mostRequestedScore(req, cap));
              weights += r.weight;
            }
            assert.equal(want, weights ? Math.trunc(score / weights) : 0, `general form, node ${n.name}`);
            assert.equal(f(n, pi), want, `node ${n.name}, pod ${JSON.stringify(pod.spec?.containers[0].resources)}`);
          }
        }
      });
    }
  }
});

void test('scoringRequested: non-zero defaults for cpu and memory only when asked', () => {
  const snapshot = makeSnapshot([makeNode('n', { ephemeralStorage: '10Gi' })], [makePod('a', { nodeName: 'n', cpu: '1' }), makePod('b', { nodeName: 'n', ephemeralStorage: '1Gi' })]);
  const n = snapshot.nodeInfoList[0];
  const pi = new PodInfo(makePod('p', { memory: '1Gi' }));
  // Node: a (1 cpu, no memory: 200Mi for scoring), b (no cpu: 100m; no memory: 200Mi); pod: no cpu (100m), 1Gi.
  assert.equal(scoringRequested('cpu', n, pi, true), 1000 + 100 + 100);
  assert.equal(scoringRequested('cpu', n, pi, false), 1000);
  assert.equal(scoringRequested('memory', n, pi, true), 400 * 2 ** 20 + 2 ** 30);
  assert.equal(scoringRequested('memory', n, pi, false), 2 ** 30);
  assert.equal(scoringRequested('ephemeral-storage', n, pi, true), 2 ** 30);
});
