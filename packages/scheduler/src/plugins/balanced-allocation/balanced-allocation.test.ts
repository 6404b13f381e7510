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
