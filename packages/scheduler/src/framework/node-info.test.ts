import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod } from '../testing/builders.js';
import { NodeInfo, ROW } from './node-info.js';

const view = (n: NodeInfo) => ({
  name: n.name,
  unschedulable: n.unschedulable,
  taints: n.taints?.map((t) => t.key),
  pods: n.pods.map((p) => p.pod.metadata.name),
  withAffinity: n.podsWithAffinity.map((p) => p.pod.metadata.name),
  port8080: n.usedPorts.conflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }),
  cpu: n.requested.milliCPU,
  nonZeroMemory: n.nonZeroRequested.memory,
  allocatableCpu: n.allocatable.milliCPU,
  generation: n.generation,
});

void test('NodeInfo.copyFrom: a copy in place, independent of the source afterwards', () => {
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: {} }] } };
  const src = new NodeInfo(makeNode('a', { cpu: '8', unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] }), [
    makePod('x', { nodeName: 'a', cpu: '1', ports: [{ containerPort: 80, hostPort: 8080 }] }),
    makePod('y', { nodeName: 'a', affinity: anti }),
  ]);
  const dst = new NodeInfo(makeNode('b'), [makePod('z', { nodeName: 'b', cpu: '3' })]);
  const pods = dst.pods;
  dst.copyFrom(src);
  assert.deepEqual(view(dst), view(src));
  assert.equal(dst.pods, pods, 'its own array, reused');
  assert.deepEqual(view(dst), { name: 'a', unschedulable: true, taints: ['k'], pods: ['x', 'y'], withAffinity: ['y'], port8080: true, cpu: 1000, nonZeroMemory: 400 * 2 ** 20, allocatableCpu: 8000, generation: src.generation });
  const copied = view(dst);
  src.removePod('default/x');
  src.addPod(makePod('w', { nodeName: 'a', cpu: '2' }));
  assert.deepEqual(view(dst), copied);
  // And back: a copy of a NodeInfo with fewer pods and no ports shrinks the arrays and frees the ports.
  dst.copyFrom(new NodeInfo(makeNode('c')));
  assert.deepEqual({ ...view(dst), generation: 0 }, { name: 'c', unschedulable: false, taints: undefined, pods: [], withAffinity: [], port8080: false, cpu: 0, nonZeroMemory: 0, allocatableCpu: 4000, generation: 0 });
  assert.deepEqual(view(dst.clone()), view(dst));
});

/** What the row must hold: the Resource objects' values and the pod count. */
const rowView = (n: NodeInfo) => ({
  allowedPods: n.allocatable.allowedPodNumber,
  pods: n.pods.length,
  allocatableMilliCPU: n.allocatable.milliCPU,
  allocatableMemory: n.allocatable.memory,
  allocatableEphemeralStorage: n.allocatable.ephemeralStorage,
  requestedMilliCPU: n.requested.milliCPU,
  requestedMemory: n.requested.memory,
  requestedEphemeralStorage: n.requested.ephemeralStorage,
  nonZeroMilliCPU: n.nonZeroRequested.milliCPU,
  nonZeroMemory: n.nonZeroRequested.memory,
});
const rowOf = (n: NodeInfo) => Object.fromEntries(Object.entries(ROW).map(([k, i]) => [k, n.row[i]]));

void test('NodeInfo.row: equal to allocatable, the pod count and the sums after every change', () => {
  const n = new NodeInfo();
  const steps: [string, () => void][] = [
    ['empty', () => {}],
    ['setNode', () => n.setNode(makeNode('a', { cpu: '8', memory: '32Gi', pods: '3', ephemeralStorage: '100Gi' }))],
    ['addPod with requests', () => n.addPod(makePod('x', { nodeName: 'a', cpu: '1', memory: '1Gi', ephemeralStorage: '1Gi' }))],
    ['addPod without requests (non-zero defaults)', () => n.addPod(makePod('y', { nodeName: 'a' }))],
    ['removePod', () => n.removePod('default/x')],
    ['setNode again (allocatable changed)', () => n.setNode(makeNode('a', { cpu: '2', memory: '3Gi' }))],
    ['copyFrom', () => n.copyFrom(new NodeInfo(makeNode('b', { cpu: '16' }), [makePod('z', { nodeName: 'b', cpu: '500m', memory: '100Mi' })]))],
  ];
  for (const [what, change] of steps) {
    change();
    assert.deepEqual(rowOf(n), rowView(n), what);
  }
  assert.deepEqual(rowOf(n.clone()), rowView(n), 'clone');
  assert.equal(n.row[ROW.requestedMemory], 100 * 2 ** 20);
});
