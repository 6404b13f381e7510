import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorRequirement } from '@skiff/api';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll, scoreAll } from '../../testing/run-plugin.js';
import { isSchedulableAfterNodeChange, NodeAffinity } from './node-affinity.js';

const R = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
const required = (...matchExpressions: NodeSelectorRequirement[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } });

void test('NodeAffinity filter', async (t) => {
  const snapshot = makeSnapshot([makeNode('a', { labels: { zone: 'z1', gpus: '2' } }), makeNode('b', { labels: { zone: 'z2', gpus: '8' } }), makeNode('c')]);
  const cases = [
    { name: 'no requirement: skipped, fits everywhere', pod: makePod('p'), want: { a: '', b: '', c: '' } },
    { name: 'nodeSelector', pod: makePod('p', { nodeSelector: { zone: 'z1' } }), want: { a: '', b: R, c: R } },
    { name: 'In', pod: makePod('p', { affinity: required({ key: 'zone', operator: 'In', values: ['z2', 'z3'] }) }), want: { a: R, b: '', c: R } },
    { name: 'NotIn matches nodes without the label', pod: makePod('p', { affinity: required({ key: 'zone', operator: 'NotIn', values: ['z1'] }) }), want: { a: R, b: '', c: '' } },
    { name: 'Exists', pod: makePod('p', { affinity: required({ key: 'zone', operator: 'Exists' }) }), want: { a: '', b: '', c: R } },
    { name: 'DoesNotExist', pod: makePod('p', { affinity: required({ key: 'zone', operator: 'DoesNotExist' }) }), want: { a: R, b: R, c: '' } },
    { name: 'Gt', pod: makePod('p', { affinity: required({ key: 'gpus', operator: 'Gt', values: ['4'] }) }), want: { a: R, b: '', c: R } },
    { name: 'Lt', pod: makePod('p', { affinity: required({ key: 'gpus', operator: 'Lt', values: ['4'] }) }), want: { a: '', b: R, c: R } },
    { name: 'expressions of a term are ANDed', pod: makePod('p', { affinity: required({ key: 'zone', operator: 'Exists' }, { key: 'gpus', operator: 'Gt', values: ['4'] }) }), want: { a: R, b: '', c: R } },
    {
      name: 'terms are ORed',
      pod: makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }, { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }] } } } }),
      want: { a: '', b: R, c: '' },
    },
    {
      name: 'matchFields on metadata.name',
      pod: makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] }] } } } }),
      want: { a: R, b: R, c: '' },
    },
    { name: 'an empty term matches nothing', pod: makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } } }), want: { a: R, b: R, c: R } },
    { name: 'nodeSelector and affinity both apply', pod: makePod('p', { nodeSelector: { zone: 'z1' }, affinity: required({ key: 'gpus', operator: 'Gt', values: ['4'] }) }), want: { a: R, b: R, c: R } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(filterAll(new NodeAffinity(), c.pod, snapshot), c.want));
});

void test('NodeAffinity score', async (t) => {
  const snapshot = makeSnapshot([makeNode('a', { labels: { zone: 'z1', ssd: 'true' } }), makeNode('b', { labels: { zone: 'z2' } }), makeNode('c')]);
  const pref = (weight: number, key: string, values: string[]) => ({ weight, preference: { matchExpressions: [{ key, operator: 'In', values }] } });
  const cases = [
    { name: 'no preference: skipped', pod: makePod('p'), want: undefined },
    {
      name: 'weights add up and scale to 100',
      pod: makePod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(20, 'zone', ['z1', 'z2']), pref(60, 'ssd', ['true'])] } } }),
      want: { a: 100, b: 25, c: 0 },
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(scoreAll(new NodeAffinity(), c.pod, snapshot), c.want));
});

void test('NodeAffinity queueing hint for node events', async (t) => {
  const pod = makePod('p', { nodeSelector: { disk: 'ssd' } });
  const cases = [
    { name: 'the node now has the label: queue', node: makeNode('n', { labels: { disk: 'ssd' } }), want: 'Queue' },
    { name: 'it still does not: skip', node: makeNode('n', { labels: { disk: 'hdd' } }), want: 'Skip' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(isSchedulableAfterNodeChange(pod, undefined, c.node), c.want));
});
