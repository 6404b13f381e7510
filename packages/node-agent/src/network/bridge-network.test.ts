import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import { bridgeCreateOptions, bridgeDrift } from './bridge-network.js';
import { parseCidr } from './cidr.js';

const spec = { name: 'skiff-pods', bridge: 'cbr0', podCIDR: '10.244.1.0/24' };

void describe('bridge network', () => {
  void it('is a bridge on the pod CIDR with Docker masquerade off', () => {
    const o = bridgeCreateOptions(spec);
    assert.deepEqual(o.IPAM?.Config, [{ Subnet: '10.244.1.0/24', Gateway: '10.244.1.1' }]);
    assert.deepEqual(o.Options, { 'com.docker.network.bridge.name': 'cbr0', 'com.docker.network.bridge.enable_ip_masquerade': 'false' });
  });
  void it('refuses a bridge name Linux would not take', () => {
    assert.throws(() => bridgeCreateOptions({ ...spec, bridge: 'a-very-long-bridge-name' }), /at most 15/);
  });
  const info = (over: Partial<Docker.NetworkInspectInfo>): Docker.NetworkInspectInfo =>
    ({ Name: 'skiff-pods', Driver: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: '10.244.1.0/24' }] }, Options: bridgeCreateOptions(spec).Options, ...over }) as Docker.NetworkInspectInfo;
  const cases: { name: string; info: Docker.NetworkInspectInfo; drift: RegExp | undefined }[] = [
    { name: 'matches', info: info({}), drift: undefined },
    { name: 'another subnet', info: info({ IPAM: { Driver: 'default', Config: [{ Subnet: '10.244.9.0/24' }] } }), drift: /subnet 10.244.9.0\/24, not 10.244.1.0\/24/ },
    { name: 'Docker masquerade on', info: info({ Options: { 'com.docker.network.bridge.name': 'cbr0' } }), drift: /masquerade on/ },
    { name: 'another bridge', info: info({ Options: { 'com.docker.network.bridge.name': 'br-x', 'com.docker.network.bridge.enable_ip_masquerade': 'false' } }), drift: /uses bridge br-x/ },
  ];
  for (const c of cases) {
    void it(`drift: ${c.name}`, () => {
      const d = bridgeDrift(spec, c.info).join('; ');
      if (c.drift) assert.match(d, c.drift);
      else assert.equal(d, '');
    });
  }
});

void describe('parseCidr', () => {
  const cases: { s: string; ok: boolean }[] = [
    { s: '10.244.0.0/16', ok: true },
    { s: '0.0.0.0/0', ok: true },
    { s: '10.244.1.1/24', ok: false },
    { s: '10.244.1.0', ok: false },
    { s: '10.244.256.0/24', ok: false },
    { s: '10.244.1.0/33', ok: false },
  ];
  for (const c of cases) void it(c.s, () => (c.ok ? assert.ok(parseCidr(c.s)) : assert.throws(() => parseCidr(c.s))));
});
