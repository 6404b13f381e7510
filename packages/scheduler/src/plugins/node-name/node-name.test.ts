import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll } from '../../testing/run-plugin.js';
import { NodeName } from './node-name.js';

void test('NodeName filter', async (t) => {
  const snapshot = makeSnapshot([makeNode('a'), makeNode('b')]);
  const cases = [
    { name: 'no nodeName fits everywhere', pod: makePod('p'), want: { a: '', b: '' } },
    {
      name: 'nodeName fits only its node',
      pod: makePod('p', { nodeName: 'b' }),
      want: { a: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name", b: '' },
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(filterAll(new NodeName(), c.pod, snapshot), c.want));
});
