import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import { makePod } from '../testing/builders.js';
import { podRequests, podRequestsAndNonZero, Resource } from './resource.js';

const view = (r: Resource): Record<string, number> => ({ cpu: r.milliCPU, memory: r.memory, eph: r.ephemeralStorage, ...Object.fromEntries(r.scalar ?? []) });

void test('podRequestsAndNonZero: both views of podRequests in one pass', async (t) => {
  const withGpu: Pod = makePod('gpu', { cpu: '1' });
  withGpu.spec!.containers[0].resources!.requests!['example.com/gpu'] = '2';
  const zeroCpu: Pod = makePod('zero', { memory: '1Gi' });
  zeroCpu.spec!.containers[0].resources!.requests!.cpu = '0';
  const cases: { name: string; pod: Pod; requests: Record<string, number>; nonZero: Record<string, number> }[] = [
    { name: 'no requests: 0, and 100m / 200Mi for scoring', pod: makePod('p'), requests: { cpu: 0, memory: 0, eph: 0 }, nonZero: { cpu: 100, memory: 200 * 2 ** 20, eph: 0 } },
    { name: 'cpu only: memory defaults for scoring', pod: makePod('p', { cpu: '250m', containers: 2 }), requests: { cpu: 500, memory: 0, eph: 0 }, nonZero: { cpu: 500, memory: 400 * 2 ** 20, eph: 0 } },
    { name: 'an explicit 0 is kept, not defaulted', pod: zeroCpu, requests: { cpu: 0, memory: 2 ** 30, eph: 0 }, nonZero: { cpu: 0, memory: 2 ** 30, eph: 0 } },
    {
      name: 'init containers: max of the app sum and the largest init container, in each view',
      pod: makePod('p', { cpu: '500m', containers: 2, initContainers: [{ cpu: '2' }, { memory: '1Gi' }] }),
      requests: { cpu: 2000, memory: 2 ** 30, eph: 0 },
      nonZero: { cpu: 2000, memory: 2 ** 30, eph: 0 },
    },
    {
      name: 'an init container without requests counts 100m / 200Mi for scoring only',
      pod: makePod('p', { cpu: '50m', memory: '100Mi', initContainers: [{}] }),
      requests: { cpu: 50, memory: 100 * 2 ** 20, eph: 0 },
      nonZero: { cpu: 100, memory: 200 * 2 ** 20, eph: 0 },
    },
    { name: 'overhead adds to both', pod: makePod('p', { cpu: '1', overhead: { cpu: '250m', memory: '64Mi' } }), requests: { cpu: 1250, memory: 64 * 2 ** 20, eph: 0 }, nonZero: { cpu: 1250, memory: 264 * 2 ** 20, eph: 0 } },
    { name: 'extended resources in both', pod: withGpu, requests: { cpu: 1000, memory: 0, eph: 0, 'example.com/gpu': 2 }, nonZero: { cpu: 1000, memory: 200 * 2 ** 20, eph: 0, 'example.com/gpu': 2 } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = podRequestsAndNonZero(c.pod);
      assert.deepEqual(view(got.requests), c.requests);
      assert.deepEqual(view(got.nonZero), c.nonZero);
      // The same as the two separate passes.
      assert.deepEqual(view(got.requests), view(podRequests(c.pod)));
      assert.deepEqual(view(got.nonZero), view(podRequests(c.pod, true)));
    });
  }
});

void test('Resource.copyFrom copies every field in place', () => {
  const a = Resource.fromList({ cpu: '2', memory: '1Gi', 'ephemeral-storage': '3Gi', pods: '10', 'example.com/gpu': '1' });
  const b = Resource.fromList({ cpu: '1', 'example.com/fpga': '4' });
  b.copyFrom(a);
  assert.deepEqual(b, a);
  assert.notEqual(b.scalar, a.scalar);
  b.copyFrom(new Resource());
  assert.deepEqual(b, new Resource());
});
