import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll, scoreAll } from '../../testing/run-plugin.js';
import { isSchedulableAfterNodeChange, TaintToleration } from './taint-toleration.js';

void test('TaintToleration filter', async (t) => {
  const snapshot = makeSnapshot([
    makeNode('plain'),
    makeNode('gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }),
    makeNode('draining', { taints: [{ key: 'maint', effect: 'NoExecute' }] }),
    makeNode('soft', { taints: [{ key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }] }),
  ]);
  const gpu = 'UnschedulableAndUnresolvable: node(s) had untolerated taint {gpu: true}';
  const maint = 'UnschedulableAndUnresolvable: node(s) had untolerated taint {maint: }';
  const cases = [
    { name: 'NoSchedule and NoExecute refuse, PreferNoSchedule does not', pod: makePod('p'), want: { plain: '', gpu, draining: maint, soft: '' } },
    { name: 'Equal with the value tolerates', pod: makePod('p', { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] }), want: { plain: '', gpu: '', draining: maint, soft: '' } },
    { name: 'Equal with another value does not', pod: makePod('p', { tolerations: [{ key: 'gpu', value: 'false' }] }), want: { plain: '', gpu, draining: maint, soft: '' } },
    { name: 'Exists without effect tolerates every effect of the key', pod: makePod('p', { tolerations: [{ key: 'maint', operator: 'Exists' }] }), want: { plain: '', gpu, draining: '', soft: '' } },
    { name: 'a wrong effect does not tolerate', pod: makePod('p', { tolerations: [{ key: 'maint', operator: 'Exists', effect: 'NoSchedule' }] }), want: { plain: '', gpu, draining: maint, soft: '' } },
    { name: 'empty key with Exists tolerates everything', pod: makePod('p', { tolerations: [{ operator: 'Exists' }] }), want: { plain: '', gpu: '', draining: '', soft: '' } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(filterAll(new TaintToleration(), c.pod, snapshot), c.want));
});

void test('TaintToleration score', async (t) => {
  const snapshot = makeSnapshot([
    makeNode('plain'),
    makeNode('one', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }),
    makeNode('two', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] }),
  ]);
  const cases = [
    { name: 'fewer untolerated PreferNoSchedule taints is better', pod: makePod('p'), want: { plain: 100, one: 50, two: 0 } },
    { name: 'a tolerated taint does not count', pod: makePod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] }), want: { plain: 100, one: 100, two: 0 } },
    { name: 'a NoSchedule toleration does not tolerate PreferNoSchedule', pod: makePod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] }), want: { plain: 100, one: 50, two: 0 } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(scoreAll(new TaintToleration(), c.pod, snapshot), c.want));
});

void test('TaintToleration queueing hint for node events', async (t) => {
  const tainted = makeNode('n', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] });
  const cases = [
    { name: 'the taint is still there: skip', pod: makePod('p'), node: tainted, want: 'Skip' },
    { name: 'the taint is gone: queue', pod: makePod('p'), node: makeNode('n'), want: 'Queue' },
    { name: 'the pod tolerates it: queue', pod: makePod('p', { tolerations: [{ key: 'k', operator: 'Exists' }] }), node: tainted, want: 'Queue' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(isSchedulableAfterNodeChange(c.pod, undefined, c.node), c.want));
});
