import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodePodCIDR } from './pod-cidr.js';

const cases: { name: string; cidr: string; index: number; want?: string; error?: RegExp }[] = [
  { name: 'first node of the default', cidr: '10.244.0.0/16', index: 1, want: '10.244.1.0/24' },
  { name: 'third node', cidr: '10.244.0.0/16', index: 3, want: '10.244.3.0/24' },
  { name: 'host bits of the CIDR ignored', cidr: '10.244.7.9/16', index: 2, want: '10.244.2.0/24' },
  { name: 'a /20 carries into the third octet', cidr: '10.150.16.0/20', index: 5, want: '10.150.21.0/24' },
  { name: 'index beyond the range', cidr: '10.150.16.0/23', index: 2, error: /has 2 node ranges/ },
  { name: 'prefix too long', cidr: '10.0.0.0/24', index: 1, error: /prefix 23 or shorter/ },
  { name: 'not a CIDR', cidr: '10.0.0.0', index: 1, error: /expected a\.b\.c\.d\/prefix/ },
];

void describe('nodePodCIDR', () => {
  for (const c of cases) {
    void it(c.name, () => {
      if (c.error) assert.throws(() => nodePodCIDR(c.cidr, c.index), c.error);
      else assert.equal(nodePodCIDR(c.cidr, c.index), c.want);
    });
  }
});
