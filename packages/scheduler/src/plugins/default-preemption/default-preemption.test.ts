import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { FitError } from '../../schedule/fit-error.js';
import { SchedulingAlgorithm } from '../../schedule/schedule-pod.js';
import { makeFramework, makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { DefaultPreemptionName } from '../names.js';
import { pickOneNodeForPreemption } from './select-victims.js';

function preempt(nodes: ReturnType<typeof makeNode>[], placed: Pod[], pod: Pod) {
  const snapshot = makeSnapshot(nodes, placed);
  const fwk = makeFramework(snapshot);
  const state = new CycleState();
  const pi = new PodInfo(pod);
  const r = new SchedulingAlgorithm({ random: () => 0 }).schedulePod(fwk, state, pi, snapshot);
  assert.ok(r instanceof FitError, 'the pod must not fit before preemption');
  const post = fwk.runPostFilterPlugins(state, pi, r.diagnosis.nodeToStatus);
  return { node: post.nominatedNodeName, victims: (post.victims ?? []).map((v) => v.metadata.name).sort(), message: post.status.isSuccess() ? '' : post.status.message(), plugin: post.status.plugin };
}

void test('DefaultPreemption', async (t) => {
  const two = [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '2' })];
  const cases = [
    {
      name: 'the node whose highest victim has the lowest priority',
      nodes: two,
      placed: [makePod('a', { nodeName: 'n1', cpu: '2', priority: 5 }), makePod('b', { nodeName: 'n2', cpu: '2', priority: 3 })],
      pod: makePod('p', { cpu: '1', priority: 10 }),
      want: { node: 'n2', victims: ['b'], message: '' },
    },
    {
      name: 'only as many victims as needed, the less important ones',
      nodes: two,
      placed: [makePod('a', { nodeName: 'n1', cpu: '1', priority: 1 }), makePod('b', { nodeName: 'n1', cpu: '1', priority: 2 }), makePod('c', { nodeName: 'n2', cpu: '2', priority: 2 })],
      pod: makePod('p', { cpu: '1', priority: 10 }),
      want: { node: 'n1', victims: ['a'], message: '' },
    },
    {
      name: 'fewer victims win at equal priorities',
      nodes: two,
      placed: [makePod('a', { nodeName: 'n1', cpu: '1', priority: 1 }), makePod('b', { nodeName: 'n1', cpu: '1', priority: 1 }), makePod('c', { nodeName: 'n2', cpu: '2', priority: 1 })],
      pod: makePod('p', { cpu: '2', priority: 10 }),
      want: { node: 'n2', victims: ['c'], message: '' },
    },
    {
      name: 'pods of equal or higher priority are never victims',
      nodes: two,
      placed: [makePod('a', { nodeName: 'n1', cpu: '2', priority: 10 }), makePod('b', { nodeName: 'n2', cpu: '2', priority: 20 })],
      pod: makePod('p', { cpu: '1', priority: 10 }),
      want: { node: undefined, victims: [], message: 'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.' },
    },
    {
      name: 'preemptionPolicy Never',
      nodes: two,
      placed: [makePod('a', { nodeName: 'n1', cpu: '2' }), makePod('b', { nodeName: 'n2', cpu: '2' })],
      pod: makePod('p', { cpu: '1', priority: 10, preemptionPolicy: 'Never' }),
      want: { node: undefined, victims: [], message: 'preemption: not eligible due to preemptionPolicy=Never.' },
    },
    {
      name: 'nodes rejected for unresolvable reasons are not tried',
      nodes: [makeNode('n1', { cpu: '2', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), makeNode('n2', { cpu: '2' })],
      placed: [makePod('a', { nodeName: 'n1', cpu: '2' }), makePod('b', { nodeName: 'n2', cpu: '2', priority: 20 })],
      pod: makePod('p', { cpu: '1', priority: 10 }),
      want: { node: undefined, victims: [], message: 'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.' },
    },
    {
      name: 'nominated where a lower-priority pod is terminating: waits, preempts nothing more',
      nodes: two,
      placed: [
        { ...makePod('a', { nodeName: 'n1', cpu: '2', priority: 1 }), metadata: { ...makePod('a').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
        makePod('b', { nodeName: 'n2', cpu: '2', priority: 1 }),
      ],
      pod: { ...makePod('p', { cpu: '1', priority: 10 }), status: { nominatedNodeName: 'n1' } },
      want: { node: undefined, victims: [], message: 'preemption: not eligible due to a terminating pod on the nominated node.' },
    },
    {
      name: 'a terminating pod on another node than the nominated one does not hold it back',
      nodes: two,
      placed: [
        { ...makePod('a', { nodeName: 'n1', cpu: '2', priority: 1 }), metadata: { ...makePod('a').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
        makePod('b', { nodeName: 'n2', cpu: '2', priority: 1 }),
      ],
      pod: { ...makePod('p', { cpu: '1', priority: 10 }), status: { nominatedNodeName: 'n2' } },
      want: { node: 'n1', victims: ['a'], message: '' },
    },
    {
      name: 'anti-affinity: evicting the conflicting pod helps',
      nodes: [makeNode('n1', { labels: { zone: 'a' } })],
      placed: [makePod('db', { nodeName: 'n1', labels: { app: 'db' }, priority: 1 })],
      pod: makePod('p', { priority: 10, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' }] } } }),
      want: { node: 'n1', victims: ['db'], message: '' },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = preempt(c.nodes, c.placed, c.pod);
      assert.deepEqual({ node: got.node, victims: got.victims, message: got.message }, c.want);
      assert.equal(got.plugin, DefaultPreemptionName);
    });
  }
  await t.test('pickOneNodeForPreemption with no candidates', () => assert.equal(pickOneNodeForPreemption([]), undefined));
});
