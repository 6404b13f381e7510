import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeRunner } from './fake-runner.js';
import { listNetns, parseIpAddr, parseIpRoute } from './ip-link.js';

void describe('ip -j parsing', () => {
  void it('reads links with their IPv4 addresses and master', () => {
    const json = JSON.stringify([
      { ifname: 'sk-abc-1', flags: ['BROADCAST', 'UP'], master: 'sk-abc-br', addr_info: [{ family: 'inet6', local: 'fe80::1', prefixlen: 64 }] },
      { ifname: 'sk-abc-br', flags: ['UP'], addr_info: [{ family: 'inet', local: '10.200.0.1', prefixlen: 24 }] },
    ]);
    assert.deepEqual(parseIpAddr(json), [
      { ifname: 'sk-abc-1', flags: ['BROADCAST', 'UP'], master: 'sk-abc-br', addrs: [] },
      { ifname: 'sk-abc-br', flags: ['UP'], addrs: ['10.200.0.1/24'] },
    ]);
  });
  void it('reads routes', () => {
    const json = JSON.stringify([{ dst: 'default', gateway: '10.200.0.1', dev: 'eth0' }, { dst: '10.200.0.0/24', dev: 'eth0' }]);
    assert.deepEqual(parseIpRoute(json), [
      { dst: 'default', dev: 'eth0', gateway: '10.200.0.1' },
      { dst: '10.200.0.0/24', dev: 'eth0' },
    ]);
  });
  void it('lists namespaces', async () => {
    const runner = new FakeRunner({ 'ip netns list': { stdout: 'skiff-a-n2 (id: 1)\nskiff-a-n1\n' } });
    assert.deepEqual(await listNetns(runner), ['skiff-a-n2', 'skiff-a-n1']);
  });
});
