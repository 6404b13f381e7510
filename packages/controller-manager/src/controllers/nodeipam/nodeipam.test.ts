import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node } from '@skiff/api';
import { until, withControllers } from '../test-env.js';
import { CidrSet } from './cidr-set.js';
import { nodeIpamController } from './index.js';

describe('CidrSet', () => {
  const cases: { name: string; cluster: string; mask: number; occupy?: string[]; release?: string[]; allocate: number; want: (string | undefined)[] }[] = [
    { name: 'first subnets in order', cluster: '10.244.0.0/16', mask: 24, allocate: 3, want: ['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24'] },
    { name: 'occupied subnets are skipped', cluster: '10.244.0.0/16', mask: 24, occupy: ['10.244.0.0/24', '10.244.2.0/24'], allocate: 2, want: ['10.244.1.0/24', '10.244.3.0/24'] },
    { name: 'a full range gives nothing', cluster: '10.0.0.0/23', mask: 24, allocate: 3, want: ['10.0.0.0/24', '10.0.1.0/24', undefined] },
    { name: 'a released subnet is handed out again once the others are used', cluster: '10.0.0.0/23', mask: 24, occupy: ['10.0.0.0/24', '10.0.1.0/24'], release: ['10.0.0.0/24'], allocate: 2, want: ['10.0.0.0/24', undefined] },
    { name: 'a cluster CIDR with host bits is normalised', cluster: '10.244.7.1/16', mask: 24, allocate: 1, want: ['10.244.0.0/24'] },
    { name: 'subnets of another size or outside the range are not occupied', cluster: '10.0.0.0/23', mask: 24, occupy: ['10.0.0.0/25', '10.9.0.0/24'], allocate: 1, want: ['10.0.0.0/24'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const set = new CidrSet(c.cluster, c.mask);
      for (const o of c.occupy ?? []) set.occupy(o);
      for (const r of c.release ?? []) set.release(r);
      assert.deepEqual(Array.from({ length: c.allocate }, () => set.allocateNext()), c.want);
    });
  }

  const invalid: { name: string; cluster: string; mask: number; error: RegExp }[] = [
    { name: 'not a CIDR', cluster: '10.244.0.0', mask: 24, error: /--cluster-cidr: 10.244.0.0 is not an IPv4 CIDR/ },
    { name: 'mask shorter than the range', cluster: '10.244.0.0/16', mask: 8, error: /--node-cidr-mask-size: 8 must be between/ },
    { name: 'too many subnets', cluster: '10.0.0.0/8', mask: 30, error: /more than 2\^16 subnets/ },
  ];
  for (const c of invalid) it(`refuses ${c.name}`, () => assert.throws(() => new CidrSet(c.cluster, c.mask), c.error));
});

const node = (name: string, podCIDR?: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}` },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
});

const cidrOf = (nodes: Node[], name: string): string | undefined => nodes.find((n) => n.metadata.name === name)?.spec?.podCIDR;

describe('nodeipam controller', () => {
  it('gives each node its own subnet, keeping those already set (a restart rebuilds from the Nodes)', async () => {
    await withControllers([nodeIpamController], [node('a', '10.244.0.0/24'), node('b'), node('c')], async ({ client }) => {
      await until(() => client.objects<Node>('nodes').every((n) => n.spec?.podCIDR), 'every node has a podCIDR');
      const got = client.objects<Node>('nodes').map((n) => n.spec!.podCIDR!).sort();
      assert.deepEqual(got, ['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
      assert.ok(client.objects<Node>('nodes').every((n) => n.spec?.podCIDRs?.[0] === n.spec?.podCIDR), 'podCIDRs follows podCIDR');
      assert.equal(cidrOf(client.objects<Node>('nodes'), 'a'), '10.244.0.0/24');
    });
  });

  it('releases the subnet of a deleted node', async () => {
    await withControllers([nodeIpamController], [node('a'), node('b')], async ({ client }) => {
      await until(() => client.objects<Node>('nodes').every((n) => n.spec?.podCIDR), 'both allocated');
      const freed = cidrOf(client.objects<Node>('nodes'), 'a');
      await client.delete('nodes', '', 'a');
      await client.create(node('c'));
      await until(() => !!cidrOf(client.objects<Node>('nodes'), 'c'), 'c allocated');
      assert.equal(cidrOf(client.objects<Node>('nodes'), 'c'), freed);
    }, undefined, { clusterCIDR: '10.0.0.0/23', nodeCIDRMaskSize: 24 });
  });

  it('records CIDRNotAvailable when the range is full', async () => {
    await withControllers([nodeIpamController], [node('a'), node('b'), node('c')], async ({ client }) => {
      await until(() => client.objects<Event>('events').some((e) => e.reason === 'CIDRNotAvailable'), 'a CIDRNotAvailable event');
      const ev = client.objects<Event>('events').find((e) => e.reason === 'CIDRNotAvailable')!;
      assert.equal(ev.type, 'Warning');
      assert.match(ev.message ?? '', /no free \/24 left in the cluster CIDR 10\.0\.0\.0\/23/);
      assert.equal(client.objects<Node>('nodes').filter((n) => n.spec?.podCIDR).length, 2);
    }, undefined, { clusterCIDR: '10.0.0.0/23', nodeCIDRMaskSize: 24 });
  });
});
