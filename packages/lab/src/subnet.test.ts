import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bridgeAddress, nodeAddress, parseSubnet, subnetConflict, type HostNetwork } from './subnet.js';

void describe('parseSubnet', () => {
  void it('parses a CIDR and hands out the bridge and node addresses', () => {
    const s = parseSubnet('10.200.0.0/24');
    assert.equal(bridgeAddress(s), '10.200.0.1');
    assert.equal(nodeAddress(s, 1), '10.200.0.11');
    assert.equal(nodeAddress(s, 3), '10.200.0.13');
  });
  const bad = ['10.200.0.1/24', '10.200.0.0', '300.1.1.0/24', '10.0.0.0/30', 'x/24'];
  for (const b of bad) void it(`refuses ${b}`, () => assert.throws(() => parseSubnet(b)));
  void it('refuses a node beyond the subnet', () => assert.throws(() => nodeAddress(parseSubnet('10.200.0.0/28'), 5)));
});

void describe('subnetConflict', () => {
  const host: HostNetwork = {
    routes: [
      { dst: 'default', dev: 'eth0' },
      { dst: '192.0.2.0/24', dev: 'eth0' },
      { dst: '10.200.0.0/24', dev: 'sk-abc-br' },
      { dst: '10.77.1.5', dev: 'tun0' },
    ],
    addresses: [{ cidr: '172.16.5.4/16', dev: 'wg0' }],
  };
  const cases: { name: string; subnet: string; own: string; conflict: boolean }[] = [
    { name: 'free subnet', subnet: '10.201.0.0/24', own: 'sk-x-br', conflict: false },
    { name: 'same as a route', subnet: '192.0.2.0/24', own: 'sk-x-br', conflict: true },
    { name: 'containing a host route', subnet: '10.77.0.0/16', own: 'sk-x-br', conflict: true },
    { name: 'inside a route of another lab', subnet: '10.200.0.0/25', own: 'sk-x-br', conflict: true },
    { name: 'our own bridge when repairing', subnet: '10.200.0.0/24', own: 'sk-abc-br', conflict: false },
    { name: 'containing an address', subnet: '172.16.5.0/24', own: 'sk-x-br', conflict: true },
  ];
  for (const c of cases) {
    void it(c.name, () => assert.equal(subnetConflict(parseSubnet(c.subnet), host, c.own) !== undefined, c.conflict));
  }
});
