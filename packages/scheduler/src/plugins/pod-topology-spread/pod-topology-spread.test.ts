import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopologySpreadConstraint } from '@skiff/api';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll, handleFor, scoreAll } from '../../testing/run-plugin.js';
import { PodTopologySpread } from './pod-topology-spread.js';

const spread = (maxSkew: number, whenUnsatisfiable: string, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey: 'zone',
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
});
const nodes = [makeNode('a1', { labels: { zone: 'a' } }), makeNode('a2', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } }), makeNode('nozone')];
const web = (name: string, node: string) => makePod(name, { nodeName: node, labels: { app: 'web' } });

void test('PodTopologySpread filter', async (t) => {
  const skewed = "Unschedulable: node(s) didn't match pod topology spread constraints";
  const missing = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";
  const cases = [
    { name: 'no constraint: skipped', pods: [], pod: makePod('p'), want: { a1: '', a2: '', b1: '', nozone: '' } },
    { name: 'zone a has 2, b has 0: maxSkew 1 allows only b', pods: [web('w1', 'a1'), web('w2', 'a2')], pod: makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(1, 'DoNotSchedule')] }), want: { a1: skewed, a2: skewed, b1: '', nozone: missing } },
    { name: 'maxSkew 3 allows both', pods: [web('w1', 'a1'), web('w2', 'a2')], pod: makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(3, 'DoNotSchedule')] }), want: { a1: '', a2: '', b1: '', nozone: missing } },
    { name: 'a pod not matching its own selector adds nothing', pods: [web('w1', 'a1')], pod: makePod('p', { topologySpreadConstraints: [spread(1, 'DoNotSchedule')] }), want: { a1: '', a2: '', b1: '', nozone: missing } },
    {
      name: 'minDomains above the domain count makes the global minimum 0',
      pods: [web('w1', 'a1'), web('w2', 'b1')],
      pod: makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(1, 'DoNotSchedule', { minDomains: 3 })] }),
      want: { a1: skewed, a2: skewed, b1: skewed, nozone: missing },
    },
    { name: 'ScheduleAnyway does not filter', pods: [web('w1', 'a1'), web('w2', 'a2')], pod: makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(1, 'ScheduleAnyway')] }), want: { a1: '', a2: '', b1: '', nozone: '' } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const snapshot = makeSnapshot(nodes, c.pods);
      assert.deepEqual(filterAll(new PodTopologySpread(handleFor(snapshot)), c.pod, snapshot), c.want);
    });
  }
});

void test('PodTopologySpread score', async (t) => {
  const cases = [
    { name: 'no ScheduleAnyway constraint: skipped', pods: [], pod: makePod('p'), want: undefined },
    {
      // a: 2 pods, b: 0; weight log(2 + 2); a scores round(2 * 1.386) = 3, b 0; normalized a = 100 * (3 + 0 - 3) / 3 = 0, b 100.
      name: 'the emptier zone scores higher; nodes without the key score 0',
      pods: [web('w1', 'a1'), web('w2', 'a2')],
      pod: makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(1, 'ScheduleAnyway')] }),
      want: { a1: 0, a2: 0, b1: 100, nozone: 0 },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const snapshot = makeSnapshot(nodes, c.pods);
      assert.deepEqual(scoreAll(new PodTopologySpread(handleFor(snapshot)), c.pod, snapshot), c.want);
    });
  }
});
