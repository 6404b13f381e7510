import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clientset } from '@skiff/machinery';
import { FakeClient, FakeClock } from '@skiff/machinery/testing';
import { conditionsEqual, nodeConditions } from './node-conditions.js';
import { nodeObject, type NodeFactsInput } from './node-facts.js';
import { NodeStatusReporter } from './node-status.js';

const facts: NodeFactsInput = {
  nodeName: 'n1',
  nodeIP: '192.0.2.1',
  cpus: 2,
  memoryBytes: 4 * 1024 ** 3,
  ephemeralStorageBytes: 20 * 1024 ** 3,
  kernelVersion: '6.1.0',
  osImage: 'Debian',
  containerRuntimeVersion: 'docker://24.0.7',
  machineID: 'm',
  bootID: 'b',
  arch: 'amd64',
};

void test('nodeObject: capacity, addresses, labels, podCIDR', () => {
  const n = nodeObject(facts, '10.244.1.0/24');
  assert.deepEqual(n.status?.capacity, { cpu: '2', memory: '4194304Ki', 'ephemeral-storage': '20971520Ki', pods: '110' });
  assert.deepEqual(n.status?.allocatable, n.status?.capacity);
  assert.deepEqual(n.metadata.labels, { 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
  assert.equal(n.spec?.podCIDR, '10.244.1.0/24');
  assert.equal(n.status?.nodeInfo?.containerRuntimeVersion, 'docker://24.0.7');
});

const conditionCases: { name: string; problem?: string; want: [string, string] }[] = [
  { name: 'healthy: Ready True', want: ['True', 'KubeletReady'] },
  { name: 'runtime down: Ready False', problem: 'container runtime is down: ECONNREFUSED', want: ['False', 'KubeletNotReady'] },
];
for (const c of conditionCases) {
  void test(`nodeConditions: ${c.name}`, () => {
    const conds = nodeConditions([], c.problem === undefined ? {} : { problem: c.problem }, '2026-01-01T00:00:00Z');
    const ready = conds.find((x) => x.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason], c.want);
    if (c.problem) assert.equal(ready?.message, c.problem);
    assert.deepEqual(conds.filter((x) => x.type !== 'Ready').map((x) => x.status), ['False', 'False', 'False']);
    const later = nodeConditions(conds, c.problem === undefined ? {} : { problem: c.problem }, '2026-01-01T00:05:00Z');
    assert.equal(later.find((x) => x.type === 'Ready')?.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.ok(conditionsEqual(conds, later));
  });
}

void test('NodeStatusReporter: registers, writes on change only, heartbeats every 5 minutes', async () => {
  const client = new FakeClient();
  const clock = new FakeClock();
  const health: { problem?: string } = {};
  const r = new NodeStatusReporter({ clients: new Clientset(client), facts: () => facts, health: async () => ({ ...health }), podCIDR: '10.244.1.0/24', clock });
  const node = await r.register();
  assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(r.podCIDR(), '10.244.1.0/24');
  assert.equal(await r.sync(), false, 'nothing changed');
  clock.advance(10_000);
  health.problem = 'network is not ready: no bridge';
  assert.equal(await r.sync(), true, 'Ready went False');
  const stored = await new Clientset(client).nodes().get('n1');
  assert.equal(stored.status?.conditions?.find((c) => c.type === 'Ready')?.message, health.problem);
  clock.advance(60_000);
  assert.equal(await r.sync(), false);
  clock.advance(5 * 60_000);
  assert.equal(await r.sync(), true, 'heartbeat');
  // a second agent for the same node adopts the Node
  const again = new NodeStatusReporter({ clients: new Clientset(client), facts: () => facts, health: async () => ({}), clock });
  assert.equal((await again.register()).metadata.uid, node.metadata.uid);
});

void test('NodeStatusReporter: reads the Node from the apiserver at each sync (conditions set by others, a podCIDR assigned later, a deleted Node)', async () => {
  const client = new FakeClient();
  const cs = new Clientset(client);
  const clock = new FakeClock();
  const r = new NodeStatusReporter({ clients: cs, facts: () => facts, health: async () => ({}), clock });
  await r.register();
  assert.equal(r.podCIDR(), undefined);
  // the node lifecycle controller marks the node Unknown while the agent was cut off
  const cur = await cs.nodes().get('n1');
  const unknown = (cur.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
  await cs.nodes().updateStatus({ ...cur, status: { ...cur.status, conditions: unknown } });
  // node IPAM assigns a pod CIDR after registration
  const withCIDR = await cs.nodes().get('n1');
  await cs.nodes().update({ ...withCIDR, spec: { ...withCIDR.spec, podCIDR: '10.244.7.0/24', podCIDRs: ['10.244.7.0/24'] } });
  clock.advance(10_000);
  assert.equal(await r.sync(), true, 'the server says Unknown, the agent says True: written at once');
  assert.equal((await cs.nodes().get('n1')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(r.podCIDR(), '10.244.7.0/24');
  // the Node is deleted (e.g. by an operator): the next sync registers it again
  await cs.nodes().delete('n1');
  clock.advance(10_000);
  assert.equal(await r.sync(), true);
  assert.equal((await cs.nodes().get('n1')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});
