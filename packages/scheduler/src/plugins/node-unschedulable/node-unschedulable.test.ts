import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll } from '../../testing/run-plugin.js';
import { NodeUnschedulable } from './node-unschedulable.js';

void test('NodeUnschedulable filter', async (t) => {
  const snapshot = makeSnapshot([makeNode('open'), makeNode('cordoned', { unschedulable: true })]);
  const rejected = 'UnschedulableAndUnresolvable: node(s) were unschedulable';
  const cases = [
    { name: 'a cordoned node refuses a plain pod', pod: makePod('p'), want: { open: '', cordoned: rejected } },
    {
      name: 'the unschedulable toleration lets it in',
      pod: makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }),
      want: { open: '', cordoned: '' },
    },
    { name: 'a toleration of everything lets it in', pod: makePod('p', { tolerations: [{ operator: 'Exists' }] }), want: { open: '', cordoned: '' } },
    {
      name: 'a NoExecute-only toleration does not',
      pod: makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] }),
      want: { open: '', cordoned: rejected },
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(filterAll(new NodeUnschedulable(), c.pod, snapshot), c.want));
});
