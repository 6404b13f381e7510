import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointAddress, EndpointSubset } from '@skiff/api';
import { truncateSubsets } from './truncate.js';

const ips = (prefix: string, n: number): EndpointAddress[] => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));
const p1 = [{ port: 1, protocol: 'TCP' }];
const p2 = [{ port: 2, protocol: 'TCP' }];
const sizes = (subsets: EndpointSubset[]): [number, number][] => subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]);

describe('truncateSubsets (Kubernetes truncateEndpoints, capacity 10 here)', () => {
  const cases: { name: string; in: EndpointSubset[]; want: [number, number][]; over: boolean; firstReady?: string }[] = [
    { name: 'at capacity: unchanged', in: [{ addresses: ips('r', 6), notReadyAddresses: ips('n', 4), ports: p1 }], want: [[6, 4]], over: false },
    { name: 'not-ready addresses are cut first', in: [{ addresses: ips('r', 8), notReadyAddresses: ips('n', 5), ports: p1 }], want: [[8, 2]], over: true },
    {
      name: 'not-ready cut in proportion over subsets, rounded up within what is left',
      in: [
        { addresses: ips('a', 4), notReadyAddresses: ips('an', 3), ports: p1 },
        { addresses: ips('b', 2), notReadyAddresses: ips('bn', 3), ports: p2 },
      ],
      want: [[4, 2], [2, 2]],
      over: true,
    },
    {
      name: 'ready alone over capacity: ready cut in proportion, every not-ready dropped',
      in: [
        { addresses: ips('a', 9), notReadyAddresses: ips('an', 2), ports: p1 },
        { addresses: ips('b', 6), ports: p2 },
      ],
      want: [[6, 0], [4, 0]],
      over: true,
      firstReady: 'a.0',
    },
    {
      name: 'a subset left with no address is dropped',
      in: [
        { addresses: ips('a', 10), ports: p1 },
        { notReadyAddresses: ips('bn', 1), ports: p2 },
      ],
      want: [[10, 0]],
      over: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = truncateSubsets(c.in, 10);
      assert.deepEqual(sizes(got.subsets), c.want);
      assert.equal(got.overCapacity, c.over);
      const total = got.subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
      assert.ok(total <= 10, `${total} addresses`);
      if (c.firstReady) assert.equal(got.subsets[0]?.addresses?.[0]?.ip, c.firstReady, 'the first addresses are kept');
    });
  }
});
