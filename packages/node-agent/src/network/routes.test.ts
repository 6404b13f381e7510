import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakePodNetwork } from './fake-pod-network.js';
import type { PeerNode, RouteChange } from './pod-network.js';
import { desiredRoutes, parseOwnedRoutes, planRoutes, routeCommand, type OwnedRoute } from './routes.js';

const own = '10.244.1.0/24';
const n2: PeerNode = { name: 'n2', podCIDR: '10.244.2.0/24', internalIP: '10.200.0.12' };
const n3: PeerNode = { name: 'n3', podCIDR: '10.244.3.0/24', internalIP: '10.200.0.13' };

void describe('desiredRoutes', () => {
  const cases: { name: string; peers: PeerNode[]; want?: OwnedRoute[]; error?: RegExp }[] = [
    { name: 'one route per other node', peers: [n3, n2], want: [{ destination: '10.244.2.0/24', via: '10.200.0.12' }, { destination: '10.244.3.0/24', via: '10.200.0.13' }] },
    { name: 'this node itself is skipped', peers: [{ name: 'n1', podCIDR: own, internalIP: '10.200.0.11' }, n2], want: [{ destination: '10.244.2.0/24', via: '10.200.0.12' }] },
    { name: 'nodes without pod CIDR or address are skipped', peers: [{ name: 'a', internalIP: '10.200.0.20' }, { name: 'b', podCIDR: '10.244.9.0/24' }], want: [] },
    { name: 'a bad pod CIDR names the node', peers: [{ name: 'bad', podCIDR: '10.244.9.1/24', internalIP: '10.200.0.20' }], error: /node bad podCIDR: 10.244.9.1\/24 has host bits set/ },
    { name: 'a bad address', peers: [{ name: 'bad', podCIDR: '10.244.9.0/24', internalIP: 'nope' }], error: /node bad: invalid InternalIP nope/ },
    { name: 'one CIDR claimed by two nodes', peers: [n2, { ...n3, podCIDR: n2.podCIDR }], error: /claimed by two nodes/ },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      if (c.error) assert.throws(() => desiredRoutes(own, c.peers), c.error);
      else assert.deepEqual(desiredRoutes(own, c.peers), c.want);
    });
  }
});

void describe('planRoutes', () => {
  const r = (destination: string, via: string): OwnedRoute => ({ destination, via });
  const cases: { name: string; observed: OwnedRoute[]; desired: OwnedRoute[]; want: RouteChange[] }[] = [
    { name: 'nothing yet', observed: [], desired: [r('10.244.2.0/24', 'A')], want: [{ action: 'add', destination: '10.244.2.0/24', via: 'A' }] },
    { name: 'in place', observed: [r('10.244.2.0/24', 'A')], desired: [r('10.244.2.0/24', 'A')], want: [] },
    { name: 'a node changed address', observed: [r('10.244.2.0/24', 'A')], desired: [r('10.244.2.0/24', 'B')], want: [{ action: 'replace', destination: '10.244.2.0/24', via: 'B' }] },
    { name: 'a node is gone', observed: [r('10.244.2.0/24', 'A'), r('10.244.3.0/24', 'C')], desired: [r('10.244.3.0/24', 'C')], want: [{ action: 'delete', destination: '10.244.2.0/24', via: 'A' }] },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual(planRoutes(c.observed, c.desired), c.want));
});

void describe('route commands and observation', () => {
  void it('parses `ip -o route show proto 91`', () => {
    const out = '10.244.2.0/24 via 10.200.0.12 dev eth0 proto 91 \n10.244.3.7 via 10.200.0.13 dev eth0 proto 91 \n\n';
    assert.deepEqual(parseOwnedRoutes(out), [{ destination: '10.244.2.0/24', via: '10.200.0.12' }, { destination: '10.244.3.7/32', via: '10.200.0.13' }]);
  });
  void it('tags every route it makes with its protocol', () => {
    assert.deepEqual(routeCommand({ action: 'add', destination: '10.244.2.0/24', via: 'A' }), ['-4', 'route', 'add', '10.244.2.0/24', 'via', 'A', 'proto', '91']);
    assert.deepEqual(routeCommand({ action: 'delete', destination: '10.244.2.0/24', via: 'A' }), ['-4', 'route', 'del', '10.244.2.0/24', 'via', 'A', 'proto', '91']);
  });
});

void describe('FakePodNetwork', () => {
  void it('reconciles its routing table like the real one', async () => {
    const net = new FakePodNetwork({ podCIDR: own, clusterCIDR: '10.244.0.0/16' });
    assert.equal(await net.check(), 'the pod network is not set up');
    await net.setUp();
    assert.equal(await net.check(), undefined);
    assert.equal((await net.syncRoutes([n2, n3])).length, 2);
    assert.deepEqual(await net.syncRoutes([n2, n3]), []);
    assert.deepEqual(await net.syncRoutes([{ ...n2, internalIP: '10.200.0.22' }]), [
      { action: 'delete', destination: '10.244.3.0/24', via: '10.200.0.13' },
      { action: 'replace', destination: '10.244.2.0/24', via: '10.200.0.22' },
    ]);
    assert.deepEqual([...net.routes], [['10.244.2.0/24', '10.200.0.22']]);
    await net.cleanUp();
    assert.equal(net.routes.size, 0);
  });
});
