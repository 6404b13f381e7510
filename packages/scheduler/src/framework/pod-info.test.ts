import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import { makePod } from '../testing/builders.js';
import { podInfoOf, sameSchedulingInputs } from './pod-info.js';

/** A decoded copy, as a watch delivers a later version of the pod. */
const copy = (p: Pod, change: (c: Pod) => void = () => undefined): Pod => {
  const c = JSON.parse(JSON.stringify(p)) as Pod;
  change(c);
  return c;
};

void test('sameSchedulingInputs', async (t) => {
  const base = makePod('p', { cpu: '1', memory: '1Gi', ports: [{ containerPort: 80, hostPort: 8080 }], initContainers: [{ cpu: '2' }], overhead: { cpu: '100m' } });
  const cases: { name: string; b: Pod; want: boolean }[] = [
    { name: 'the same object', b: base, want: true },
    { name: 'a copy bound to a node, with a status', b: copy(base, (c) => ((c.spec!.nodeName = 'n1'), (c.status = { phase: 'Running' }))), want: true },
    { name: 'a container request changed', b: copy(base, (c) => (c.spec!.containers[0].resources!.requests!.cpu = '2')), want: false },
    { name: 'a request added', b: copy(base, (c) => (c.spec!.containers[0].resources!.requests!['ephemeral-storage'] = '1Gi')), want: false },
    { name: 'a container added', b: copy(base, (c) => c.spec!.containers.push({ name: 'x', image: 'busybox' })), want: false },
    { name: 'an init container request changed', b: copy(base, (c) => (c.spec!.initContainers![0].resources!.requests!.cpu = '3')), want: false },
    { name: 'overhead changed', b: copy(base, (c) => (c.spec!.overhead = { cpu: '200m' })), want: false },
    { name: 'a host port changed', b: copy(base, (c) => (c.spec!.containers[0].ports![0].hostPort = 9090)), want: false },
    { name: 'affinity added', b: copy(base, (c) => (c.spec!.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: {} }] } })), want: false },
    { name: 'another namespace', b: copy(base, (c) => (c.metadata.namespace = 'other')), want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(sameSchedulingInputs(base, c.b), c.want));
});

void test('podInfoOf: one PodInfo per object, a later version reuses an earlier one when its inputs are the same', () => {
  const pod = makePod('p', { cpu: '1' });
  const info = podInfoOf(pod);
  assert.equal(podInfoOf(pod), info);
  const bound = copy(pod, (c) => (c.spec!.nodeName = 'n1'));
  const boundInfo = podInfoOf(bound, info);
  assert.equal(boundInfo.pod, bound);
  assert.equal(boundInfo.requests, info.requests);
  assert.equal(boundInfo.nonZeroRequests, info.nonZeroRequests);
  const resized = copy(pod, (c) => (c.spec!.containers[0].resources!.requests!.cpu = '2'));
  const resizedInfo = podInfoOf(resized, info);
  assert.notEqual(resizedInfo.requests, info.requests);
  assert.equal(resizedInfo.requests.milliCPU, 2000);
  // Another pod's PodInfo is never reused.
  const other = makePod('q', { cpu: '1' });
  assert.notEqual(podInfoOf(other, info).requests, info.requests);
});
