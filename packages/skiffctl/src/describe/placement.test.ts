import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { placementLines } from './placement.js';
import { SCHEDULED_ON_N2 } from '../testing/placement-fixture.js';

const pod = (annotation?: string): KObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(annotation !== undefined ? { annotations: { 'scheduler.skiff.io/explanation': annotation } } : {}) } }) as KObject;

const cases: { name: string; annotation?: string; want: string[] }[] = [
  { name: 'no annotation', want: [] },
  { name: 'not an explanation', annotation: 'hello', want: [] },
  {
    name: 'scheduled: chosen with its scores, the runner-up, rejections',
    annotation: JSON.stringify(SCHEDULED_ON_N2),
    want: ['chosen n2 (score 187: NodeResourcesFit 90, TaintToleration 97)', 'also n3 (150: NodeResourcesFit 53, TaintToleration 97)', 'rejected: n1 (NodeResourcesFit: Insufficient cpu)'],
  },
  {
    name: 'unschedulable: the rejections and how many were left out',
    annotation: JSON.stringify({
      result: 'Unschedulable',
      evaluated: 12,
      feasible: 0,
      candidates: [],
      candidatesOmitted: 0,
      rejected: [{ node: 'a', plugin: 'TaintToleration', reason: 'node(s) had untolerated taint {x: y}' }],
      rejectedOmitted: 11,
    }),
    want: ['no node fits (12 evaluated)', 'rejected: a (TaintToleration: node(s) had untolerated taint {x: y}), and 11 more'],
  },
];

for (const c of cases) {
  void test(`describe pod placement: ${c.name}`, () => assert.deepEqual(placementLines(pod(c.annotation)), c.want));
}
