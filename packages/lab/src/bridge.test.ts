import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBridge, planHostForwarding } from './bridge.js';
import { formatCommand } from './command.js';
import type { IpLink } from './ip-link.js';

void describe('planBridge', () => {
  const want = { bridge: 'sk-abc-br', address: '10.200.0.1/24' };
  const cases: { name: string; observed: IpLink | undefined; want: string[] }[] = [
    {
      name: 'from nothing',
      observed: undefined,
      want: ['ip link add sk-abc-br type bridge', 'ip addr replace 10.200.0.1/24 dev sk-abc-br', 'ip link set sk-abc-br up'],
    },
    { name: 'complete', observed: { ifname: 'sk-abc-br', flags: ['UP'], addrs: ['10.200.0.1/24'] }, want: [] },
    { name: 'down', observed: { ifname: 'sk-abc-br', flags: [], addrs: ['10.200.0.1/24'] }, want: ['ip link set sk-abc-br up'] },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual(planBridge(c.observed, want).map(formatCommand), c.want));
});

void describe('planHostForwarding', () => {
  void it('turns forwarding on when off', () => assert.deepEqual(planHostForwarding('0\n').map(formatCommand), ['sysctl -qw net.ipv4.ip_forward=1']));
  void it('leaves it when on', () => assert.deepEqual(planHostForwarding('1\n'), []));
});
