import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { filterAll } from '../../testing/run-plugin.js';
import { NodePorts } from './node-ports.js';

void test('NodePorts filter', async (t) => {
  const snapshot = makeSnapshot(
    [makeNode('any'), makeNode('ip'), makeNode('free')],
    [makePod('x', { nodeName: 'any', ports: [{ containerPort: 80, hostPort: 8080 }] }), makePod('y', { nodeName: 'ip', ports: [{ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' }] })],
  );
  const busy = "Unschedulable: node(s) didn't have free ports for the requested pod ports";
  const cases = [
    { name: 'no host ports: skipped', pod: makePod('p'), want: { any: '', ip: '', free: '' } },
    { name: 'same port on 0.0.0.0 clashes with any IP', pod: makePod('p', { ports: [{ containerPort: 1, hostPort: 8080 }] }), want: { any: busy, ip: busy, free: '' } },
    { name: 'another IP only clashes with 0.0.0.0', pod: makePod('p', { ports: [{ containerPort: 1, hostPort: 8080, hostIP: '10.0.0.2' }] }), want: { any: busy, ip: '', free: '' } },
    { name: 'another protocol does not clash', pod: makePod('p', { ports: [{ containerPort: 1, hostPort: 8080, protocol: 'UDP' }] }), want: { any: '', ip: '', free: '' } },
    { name: 'another port does not clash', pod: makePod('p', { ports: [{ containerPort: 1, hostPort: 9090 }] }), want: { any: '', ip: '', free: '' } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(filterAll(new NodePorts(), c.pod, snapshot), c.want));
});
