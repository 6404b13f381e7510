import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodAffinityTerm } from '@skiff/api';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll, handleFor, scoreAll } from '../../testing/run-plugin.js';
import { InterPodAffinity } from './inter-pod-affinity.js';

const term = (app: string, topologyKey = 'zone'): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const nodes = [makeNode('a1', { labels: { zone: 'a' } }), makeNode('a2', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } }), makeNode('nozone')];

void test('InterPodAffinity filter', async (t) => {
  const db = makePod('db', { nodeName: 'a1', labels: { app: 'db' } });
  const lonely = makePod('lonely', { nodeName: 'b1', labels: { app: 'lonely' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
  const aff = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
  const anti = "Unschedulable: node(s) didn't match pod anti-affinity rules";
  const existing = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";
  const cases = [
    { name: 'nothing to check: skipped', pods: [db], pod: makePod('p'), want: { a1: '', a2: '', b1: '', nozone: '' } },
    { name: 'affinity to db: its zone only', pods: [db], pod: makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } }), want: { a1: '', a2: '', b1: aff, nozone: aff } },
    { name: 'affinity by hostname: its node only', pods: [db], pod: makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'kubernetes.io/hostname')] } } }), want: { a1: '', a2: aff, b1: aff, nozone: aff } },
    { name: 'affinity to nothing running: refused', pods: [db], pod: makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } } }), want: { a1: aff, a2: aff, b1: aff, nozone: aff } },
    {
      name: 'the first pod of a group matching its own term may go to any node with the key',
      pods: [db],
      pod: makePod('p', { labels: { app: 'cache' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } } }),
      want: { a1: '', a2: '', b1: '', nozone: aff },
    },
    { name: 'anti-affinity to db: not its zone', pods: [db], pod: makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } }), want: { a1: anti, a2: anti, b1: '', nozone: '' } },
    { name: "an existing pod's anti-affinity keeps web out of its zone", pods: [db, lonely], pod: makePod('p', { labels: { app: 'web' } }), want: { a1: '', a2: '', b1: existing, nozone: '' } },
    { name: 'other namespaces are not matched', pods: [db], pod: makePod('p', { namespace: 'other', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } }), want: { a1: '', a2: '', b1: '', nozone: '' } },
    {
      name: 'an empty namespaceSelector matches every namespace',
      pods: [db],
      pod: makePod('p', { namespace: 'other', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('db'), namespaceSelector: {} }] } } }),
      want: { a1: anti, a2: anti, b1: '', nozone: '' },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const snapshot = makeSnapshot(nodes, c.pods);
      assert.deepEqual(filterAll(new InterPodAffinity(handleFor(snapshot)), c.pod, snapshot), c.want);
    });
  }
});

void test('InterPodAffinity score', async (t) => {
  const db = makePod('db', { nodeName: 'a1', labels: { app: 'db' } });
  const cases = [
    { name: 'no preferences anywhere: skipped', pods: [db], pod: makePod('p'), want: undefined },
    {
      name: 'preferred affinity to db favours its zone',
      pods: [db],
      pod: makePod('p', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db') }] } } }),
      want: { a1: 100, a2: 100, b1: 0, nozone: 0 },
    },
    {
      name: 'preferred anti-affinity to db disfavours its zone',
      pods: [db],
      pod: makePod('p', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db') }] } } }),
      want: { a1: 0, a2: 0, b1: 100, nozone: 100 },
    },
    {
      name: "an existing pod's preferred affinity to the incoming pod counts too",
      pods: [makePod('fan', { nodeName: 'b1', affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('web') }] } } })],
      pod: makePod('p', { labels: { app: 'web' } }),
      want: { a1: 0, a2: 0, b1: 100, nozone: 0 },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const snapshot = makeSnapshot(nodes, c.pods);
      assert.deepEqual(scoreAll(new InterPodAffinity(handleFor(snapshot)), c.pod, snapshot), c.want);
    });
  }
});
