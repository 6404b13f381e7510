import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlacementAnswer, Pod } from '@skiff/api';
import type { KubeSchedulerProfile } from '../config/types.js';
import type { Snapshot } from '../framework/snapshot.js';
import { makeFramework, makeNode, makePod, makeSnapshot } from '../testing/builders.js';
import { ANNOTATION_LIMITS, type PlacementLimits } from './explanation-annotation.js';
import { answerPlacement } from './placement-answer.js';

const taint = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };

interface Case {
  name: string;
  snapshot: () => Snapshot;
  pod: Pod;
  profile?: KubeSchedulerProfile;
  limits?: PlacementLimits;
  check(a: PlacementAnswer, snapshot: Snapshot): void;
}

const manyNodes = (): Snapshot => makeSnapshot(Array.from({ length: 150 }, (_, i) => makeNode(`n${String(i).padStart(3, '0')}`)));

const cases: Case[] = [
  {
    name: 'fits: the best node, the runner-up, every rejection by name and counted by reason',
    snapshot: () =>
      makeSnapshot(
        [makeNode('busy'), makeNode('idle'), makeNode('small', { cpu: '500m' }), makeNode('tainted', { taints: [taint] }), makeNode('tiny', { cpu: '100m' })],
        [makePod('x', { nodeName: 'busy', cpu: '2', memory: '4Gi' })],
      ),
    pod: makePod('web', { cpu: '1' }),
    check: (a) => {
      assert.equal(a.pod, 'default/web');
      assert.equal(a.schedulerName, 'default-scheduler');
      assert.equal(a.explanation.result, 'Scheduled');
      assert.equal(a.explanation.node, 'idle');
      assert.deepEqual(
        a.explanation.candidates.map((c) => c.node),
        ['idle', 'busy'],
      );
      assert.ok(a.explanation.candidates[0]!.score > a.explanation.candidates[1]!.score);
      assert.deepEqual(a.explanation.rejected, [
        { node: 'small', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' },
        { node: 'tainted', plugin: 'TaintToleration', reason: 'node(s) had untolerated taint {dedicated: db}' },
        { node: 'tiny', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' },
      ]);
      assert.deepEqual(a.rejectedReasons, { 'Insufficient cpu': 2, 'node(s) had untolerated taint {dedicated: db}': 1 });
      assert.equal(a.message, undefined);
      assert.equal(a.preemption, undefined);
    },
  },
  {
    name: 'every node is filtered, whatever percentageOfNodesToScore says (a cycle would stop at 100 of 150)',
    snapshot: manyNodes,
    pod: makePod('web', { cpu: '1' }),
    profile: { percentageOfNodesToScore: 10 },
    check: (a) => {
      assert.equal(a.explanation.evaluated, 150);
      assert.equal(a.explanation.feasible, 150);
      assert.equal(a.explanation.candidates.length, 3);
      assert.equal(a.explanation.candidatesOmitted, 147);
    },
  },
  {
    name: 'the limits bound the lists; the rest is counted',
    snapshot: () => makeSnapshot([makeNode('a'), makeNode('b'), makeNode('c', { cpu: '100m' }), makeNode('d', { cpu: '100m' })]),
    pod: makePod('web', { cpu: '1' }),
    limits: { candidates: 1, rejected: 1 },
    check: (a) => {
      assert.equal(a.explanation.candidates.length, 1);
      assert.equal(a.explanation.candidatesOmitted, 1);
      assert.deepEqual(
        a.explanation.rejected.map((r) => r.node),
        ['c'],
      );
      assert.equal(a.explanation.rejectedOmitted, 1);
      assert.deepEqual(a.rejectedReasons, { 'Insufficient cpu': 2 });
    },
  },
  {
    name: 'no node fits, preemption would help: its node and victims, nothing evicted',
    snapshot: () => makeSnapshot([makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '1' })], [makePod('low', { nodeName: 'a', cpu: '2', priority: 1 })]),
    pod: makePod('high', { cpu: '2', priority: 100 }),
    check: (a, snapshot) => {
      assert.equal(a.explanation.result, 'Unschedulable');
      assert.equal(a.explanation.node, undefined);
      assert.deepEqual(a.explanation.candidates, []);
      assert.equal(a.message, '0/2 nodes are available: 2 Insufficient cpu.');
      assert.deepEqual(a.preemption, { node: 'a', victims: ['default/low'] });
      assert.equal(snapshot.get('a')!.pods.length, 1, 'the victim is still on its node');
    },
  },
  {
    name: 'no node fits and the pod may not preempt: the summary says so',
    snapshot: () => makeSnapshot([makeNode('a', { cpu: '2' })], [makePod('low', { nodeName: 'a', cpu: '2', priority: 1 })]),
    pod: makePod('high', { cpu: '2', priority: 100, preemptionPolicy: 'Never' }),
    check: (a) => {
      assert.equal(a.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
      assert.equal(a.preemption, undefined);
      assert.deepEqual(a.rejectedReasons, { 'Insufficient cpu': 1 });
    },
  },
  {
    name: "a nomination in the manifest's status does not steer the answer",
    snapshot: () => makeSnapshot([makeNode('busy'), makeNode('idle')], [makePod('x', { nodeName: 'busy', cpu: '2' })]),
    pod: { ...makePod('web', { cpu: '1' }), status: { nominatedNodeName: 'busy' } },
    check: (a) => {
      assert.equal(a.explanation.node, 'idle');
      assert.equal(a.explanation.evaluated, 2);
    },
  },
  {
    name: 'no nodes at all',
    snapshot: () => makeSnapshot([]),
    pod: makePod('web'),
    check: (a) => {
      assert.equal(a.message, '0/0 nodes are available: no nodes available to schedule pods.');
      assert.equal(a.explanation.evaluated, 0);
    },
  },
];

for (const c of cases) {
  void test(`placement answer: ${c.name}`, () => {
    const snapshot = c.snapshot();
    const before = snapshot.nodeInfoList.map((n) => `${n.name}:${n.pods.length}`);
    const a = answerPlacement(makeFramework(snapshot, c.profile), snapshot, c.pod, c.limits ?? ANNOTATION_LIMITS);
    c.check(a, snapshot);
    assert.deepEqual(
      snapshot.nodeInfoList.map((n) => `${n.name}:${n.pods.length}`),
      before,
      'nothing assumed or evicted',
    );
  });
}
