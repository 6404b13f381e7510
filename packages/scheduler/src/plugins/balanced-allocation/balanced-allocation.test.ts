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
