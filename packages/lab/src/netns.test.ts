import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCommand } from './command.js';
import { planNodeNetwork, planRemoveNodeNetwork, type NodeNetworkObservation } from './netns.js';

const want = { netns: 'skiff-t-n1', veth: 'sk-abc-1', bridge: 'sk-abc-br', address: '10.200.0.11/24', gateway: '10.200.0.1' };
const healthy: NodeNetworkObservation = {
  netnsExists: true,
  hostVeth: { ifname: 'sk-abc-1', flags: ['UP'], master: 'sk-abc-br', addrs: [] },
  links: [
    { ifname: 'lo', flags: ['LOOPBACK', 'UP'], addrs: ['127.0.0.1/8'] },
    { ifname: 'eth0', flags: ['UP'], addrs: ['10.200.0.11/24'] },
  ],
  routes: [{ dst: 'default', dev: 'eth0', gateway: '10.200.0.1' }],
  ipForward: '1\n',
};

void describe('planNodeNetwork', () => {
  const cases: { name: string; observed: NodeNetworkObservation; want: string[] }[] = [
    {
      name: 'from nothing',
      observed: { netnsExists: false, links: [], routes: [], ipForward: '0' },
      want: [
        'ip netns add skiff-t-n1',
        'ip link add sk-abc-1 type veth peer name eth0 netns skiff-t-n1',
        'ip link set sk-abc-1 master sk-abc-br',
        'ip link set sk-abc-1 up',
        'ip -n skiff-t-n1 addr replace 10.200.0.11/24 dev eth0',
        'ip -n skiff-t-n1 link set eth0 up',
        'ip -n skiff-t-n1 link set lo up',
        'ip -n skiff-t-n1 route replace default via 10.200.0.1 dev eth0',
        'nsenter --net=/run/netns/skiff-t-n1 sysctl -qw net.ipv4.ip_forward=1',
      ],
    },
    { name: 'healthy node: nothing to do', observed: healthy, want: [] },
    {
      name: 'namespace removed by hand, stale host veth left',
      observed: { ...healthy, netnsExists: false, links: [], routes: [], ipForward: '0' },
      want: [
        'ip netns add skiff-t-n1',
        'ip link del sk-abc-1',
        'ip link add sk-abc-1 type veth peer name eth0 netns skiff-t-n1',
        'ip link set sk-abc-1 master sk-abc-br',
        'ip link set sk-abc-1 up',
        'ip -n skiff-t-n1 addr replace 10.200.0.11/24 dev eth0',
        'ip -n skiff-t-n1 link set eth0 up',
        'ip -n skiff-t-n1 link set lo up',
        'ip -n skiff-t-n1 route replace default via 10.200.0.1 dev eth0',
        'nsenter --net=/run/netns/skiff-t-n1 sysctl -qw net.ipv4.ip_forward=1',
      ],
    },
    {
      name: 'veth out of the bridge and default route gone',
      observed: { ...healthy, hostVeth: { ifname: 'sk-abc-1', flags: ['UP'], addrs: [] }, routes: [] },
      want: ['ip link set sk-abc-1 master sk-abc-br', 'ip -n skiff-t-n1 route replace default via 10.200.0.1 dev eth0'],
    },
    {
      name: 'forwarding off',
      observed: { ...healthy, ipForward: '0\n' },
      want: ['nsenter --net=/run/netns/skiff-t-n1 sysctl -qw net.ipv4.ip_forward=1'],
    },
  ];
  for (const c of cases) {
    void it(c.name, () => assert.deepEqual(planNodeNetwork(c.observed, want).map(formatCommand), c.want));
  }
});

void describe('planRemoveNodeNetwork', () => {
  void it('removes the namespace and a stale veth', () => {
    assert.deepEqual(planRemoveNodeNetwork(true, { ifname: 'sk-abc-1', flags: [], addrs: [] }, 'skiff-t-n1').map(formatCommand), [
      'ip netns del skiff-t-n1',
      'ip link del sk-abc-1',
    ]);
  });
  void it('is empty when nothing is left', () => assert.deepEqual(planRemoveNodeNetwork(false, undefined, 'skiff-t-n1'), []));
});
