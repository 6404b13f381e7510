import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { NodePortAddresses } from './node-port-addresses.js';

const addr = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo =>
  ({ address, family, netmask: '', mac: '', internal: false, cidr: null }) as NetworkInterfaceInfo;
const node = { lo: [addr('127.0.0.1'), addr('169.254.20.10')], eth0: [addr('192.168.5.10'), addr('fe80::1', 'IPv6')], eth1: [addr('10.1.2.3'), addr('192.168.5.11')] };

void describe('NodePortAddresses (--nodeport-addresses)', () => {
  const cases: { name: string; cidrs: string[]; want: string[] | undefined }[] = [
    { name: 'unset: every local address', cidrs: [], want: undefined },
    { name: '0.0.0.0/0: every local address', cidrs: ['0.0.0.0/0'], want: undefined },
    { name: 'one CIDR: its local addresses, sorted', cidrs: ['192.168.5.0/24'], want: ['192.168.5.10', '192.168.5.11'] },
    { name: 'a /32 and another CIDR', cidrs: ['10.0.0.0/8', '192.168.5.11/32'], want: ['10.1.2.3', '192.168.5.11'] },
    { name: 'loopback', cidrs: ['127.0.0.0/8'], want: ['127.0.0.1'] },
    { name: 'no local address in it', cidrs: ['172.16.0.0/12'], want: [] },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual(new NodePortAddresses(c.cidrs).localIPs(node), c.want));

  const bad = ['10.0.0.0', '10.0.0.0/33', 'primary', '::/0', '10.0.0.0/8/1', '10.0.0.0/x'];
  for (const b of bad) void it(`refuses "${b}"`, () => assert.throws(() => new NodePortAddresses([b]), new RegExp(`--nodeport-addresses: "${b.replace(/[/.]/g, '\\$&')}" is not an IPv4 CIDR`)));
});
