import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numFeasibleNodesToFind } from './nodes-to-find.js';

void test('numFeasibleNodesToFind', async (t) => {
  const cases = [
    { name: 'below 100 nodes: all', percentage: 0, nodes: 99, want: 99 },
    { name: 'adaptive at 1000 nodes: 42%', percentage: 0, nodes: 1000, want: 420 },
    { name: 'adaptive at 5000 nodes: 10%', percentage: 0, nodes: 5000, want: 500 },
    { name: 'adaptive never below 5%', percentage: 0, nodes: 10000, want: 500 },
    { name: 'adaptive never below 100 nodes (49% of 150 is 73)', percentage: 0, nodes: 150, want: 100 },
    { name: 'configured 30% of 1000', percentage: 30, nodes: 1000, want: 300 },
    { name: 'configured share never below 100 nodes', percentage: 1, nodes: 1000, want: 100 },
    { name: '100%: all', percentage: 100, nodes: 5000, want: 5000 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(numFeasibleNodesToFind(c.percentage, c.nodes), c.want));
});
