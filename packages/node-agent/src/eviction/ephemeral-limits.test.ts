import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, Pod } from '@skiff/api';
import { containerEphemeralStorageLimits, podEphemeralStorageLimit } from './ephemeral-limits.js';

const c = (name: string, limit?: string): Container => ({ name, ...(limit !== undefined ? { resources: { limits: { 'ephemeral-storage': limit } } } : {}) });
const pod = (containers: Container[], initContainers: Container[] = [], overhead?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers, initContainers, ...(overhead ? { overhead: { 'ephemeral-storage': overhead } } : {}) },
});

void describe('podEphemeralStorageLimit (resourcehelper.PodLimits, printed as Kubernetes prints the sum)', () => {
  const cases: { name: string; pod: Pod; want: string | undefined }[] = [
    { name: 'no container sets one', pod: pod([c('a'), c('b')]), want: undefined },
    { name: 'the sum over those that set one, binary', pod: pod([c('a', '1Gi'), c('b'), c('c', '512Mi')]), want: '1536Mi' },
    { name: 'decimal stays decimal', pod: pod([c('a', '1G'), c('b', '500M')]), want: '1500M' },
    { name: 'an init container above the sum', pod: pod([c('a', '1Gi'), c('b', '1Gi')], [c('init', '4Gi')]), want: '4Gi' },
    { name: 'an init container below the sum', pod: pod([c('a', '1Gi')], [c('init', '100Mi')]), want: '1Gi' },
    { name: 'plus the overhead', pod: pod([c('a', '1Gi')], [], '100Mi'), want: '1124Mi' },
    { name: 'an overhead alone is no limit', pod: pod([c('a')], [], '100Mi'), want: undefined },
    { name: 'a zero limit counts', pod: pod([c('a', '0')]), want: '0' },
  ];
  for (const t of cases) void it(t.name, () => assert.equal(podEphemeralStorageLimit(t.pod)?.toString(), t.want));
});

void it('containerEphemeralStorageLimits: app containers with a non-zero limit', () => {
  const got = containerEphemeralStorageLimits(pod([c('a', '2Gi'), c('b'), c('z', '0')], [c('init', '1Gi')]));
  assert.deepEqual([...got].map(([n, q]) => `${n}=${q.toString()}`), ['a=2Gi']);
});
