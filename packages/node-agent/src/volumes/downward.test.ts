import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DownwardAPIVolumeFile, Pod } from '@skiff/api';
import { downwardValue } from './downward.js';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'prod', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'say "hi"' } },
  spec: {
    containers: [
      { name: 'a', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } } },
      { name: 'b' },
    ],
  },
};
const node = { cpuMilli: 4000n, memoryBytes: 8n << 30n, ephemeralStorageBytes: 100n << 30n };

const cases: { name: string; item: Omit<DownwardAPIVolumeFile, 'path'>; want: string | { failed: string } }[] = [
  { name: 'name', item: { fieldRef: { fieldPath: 'metadata.name' } }, want: 'web' },
  { name: 'namespace', item: { fieldRef: { fieldPath: 'metadata.namespace' } }, want: 'prod' },
  { name: 'uid', item: { fieldRef: { fieldPath: 'metadata.uid' } }, want: 'u-1' },
  { name: 'all labels, sorted, quoted', item: { fieldRef: { fieldPath: 'metadata.labels' } }, want: 'app="web"\ntier="front"' },
  { name: 'annotations escape quotes', item: { fieldRef: { fieldPath: 'metadata.annotations' } }, want: 'note="say \\"hi\\""' },
  { name: 'one label', item: { fieldRef: { fieldPath: "metadata.labels['tier']" } }, want: 'front' },
  { name: 'missing label is empty', item: { fieldRef: { fieldPath: "metadata.labels['nope']" } }, want: '' },
  { name: 'status.podIP is not for volumes', item: { fieldRef: { fieldPath: 'status.podIP' } }, want: { failed: 'unsupported fieldPath: status.podIP' } },
  { name: 'cpu limit in cores, rounded up', item: { resourceFieldRef: { containerName: 'a', resource: 'limits.cpu' } }, want: '1' },
  { name: 'cpu limit in millicores', item: { resourceFieldRef: { containerName: 'a', resource: 'limits.cpu', divisor: '1m' } }, want: '500' },
  { name: 'memory request in Mi', item: { resourceFieldRef: { containerName: 'a', resource: 'requests.memory', divisor: '1Mi' } }, want: '32' },
  { name: 'unset memory limit is the node allocatable', item: { resourceFieldRef: { containerName: 'b', resource: 'limits.memory', divisor: '1Gi' } }, want: '8' },
  { name: 'unset cpu request is 0', item: { resourceFieldRef: { containerName: 'b', resource: 'requests.cpu' } }, want: '0' },
  { name: 'unknown container', item: { resourceFieldRef: { containerName: 'x', resource: 'limits.cpu' } }, want: { failed: 'container "x" not found in the pod' } },
];
for (const c of cases) {
  void test(`downwardValue: ${c.name}`, () => {
    assert.deepEqual(downwardValue(pod, { path: 'f', ...c.item }, node), c.want);
  });
}
