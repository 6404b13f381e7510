import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { scoreAll } from '../../testing/run-plugin.js';
import { BalancedAllocation } from './balanced-allocation.js';

void test('NodeResourcesBalancedAllocation score', async (t) => {
  // Both 4 cpu / 8Gi. "cpu-heavy" already has 2 cpu requested and no memory.
  const snapshot = makeSnapshot([makeNode('empty'), makeNode('cpu-heavy')], [makePod('b', { nodeName: 'cpu-heavy', cpu: '2' })]);
  const cases = [
    // empty: cpu 1/4, mem 2/8: equal shares -> 100. cpu-heavy: cpu 3/4, mem 2/8: std 0.25 -> 75.
    { name: 'equal shares score 100', pod: makePod('p', { cpu: '1', memory: '2Gi' }), want: { empty: 100, 'cpu-heavy': 75 } },
    // memory-only pod: empty: cpu 0, mem 4/8 -> std .25 -> 75; cpu-heavy: cpu 2/4, mem 4/8 -> 100.
    { name: 'a memory pod balances the cpu-heavy node', pod: makePod('p', { memory: '4Gi' }), want: { empty: 75, 'cpu-heavy': 100 } },
    { name: 'a best-effort pod is skipped', pod: makePod('p'), want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(scoreAll(new BalancedAllocation(), c.pod, snapshot), c.want));
});

void test('NodeResourcesBalancedAllocation score over three resources: the standard deviation of the shares', async (t) => {
  const three = new BalancedAllocation({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'ephemeral-storage', weight: 1 }] });
  // 4 cpu / 8Gi / 8Gi; "nodisk" has no ephemeral-storage and is scored over cpu and memory only.
  const snapshot = makeSnapshot([makeNode('disk', { ephemeralStorage: '8Gi' }), makeNode('nodisk')]);
  const cases = [
    // disk: shares 1/4, 2/8, 2/8: equal -> 100; nodisk: 1/4, 2/8 -> 100.
    { name: 'equal shares score 100', pod: makePod('p', { cpu: '1', memory: '2Gi', ephemeralStorage: '2Gi' }), want: { disk: 100, nodisk: 100 } },
    // disk: 1/4, 0, 6/8: mean 1/3, std sqrt(((1/4-1/3)^2 + (1/3)^2 + (3/4-1/3)^2) / 3) = 0.3118 -> 68; nodisk: 1/4, 0 -> std 1/8 -> 87.
    { name: 'unequal shares', pod: makePod('p', { cpu: '1', ephemeralStorage: '6Gi' }), want: { disk: 68, nodisk: 87 } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(scoreAll(three, c.pod, snapshot), c.want));
});

void test('NodeResourcesBalancedAllocation: the direct cpu/memory form scores as the general form', () => {
  // Listing ephemeral-storage selects the general form; these nodes have none, so it is left out
  // (allocatable 0) and both forms score the same two shares.
  const general = new BalancedAllocation({ resources: [{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 1 }, { name: 'ephemeral-storage', weight: 1 }] });
  const direct = new BalancedAllocation();
  const nodes = [makeNode('small', { cpu: '1', memory: '1Gi' }), makeNode('big', { cpu: '64', memory: '256Gi' }), makeNode('odd', { cpu: '3', memory: '7Gi' }), makeNode('nomem', { memory: '0' }), makeNode('nocpu', { cpu: '0' })];
  const placed = [makePod('a', { nodeName: 'small', cpu: '700m', memory: '900Mi' }), makePod('b', { nodeName: 'odd', cpu: '1', containers: 2 }), makePod('c', { nodeName: 'big', memory: '100Gi' }), makePod('d', { nodeName: 'small', cpu: '2' })];
  const snapshot = makeSnapshot(nodes, placed);
  for (const pod of [makePod('p', { cpu: '1' }), makePod('p', { cpu: '250m', memory: '3Gi' }), makePod('p', { cpu: '5' }), makePod('p', { memory: '10Gi', containers: 3 })]) {
    const want = scoreAll(general, pod, snapshot);
    assert.ok(want);
    assert.deepEqual(scoreAll(direct, pod, snapshot), want);
  }
  // One case by hand: "odd" (3 cpu, 7Gi) has 2 cpu requested; a 1-cpu pod makes cpu 3/3, memory 0: std 0.5 -> 50.
  assert.equal(scoreAll(direct, makePod('p', { cpu: '1' }), snapshot)?.odd, 50);
});
