import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import { advertisedAddress, firstServiceIP } from './kubernetes-service.js';

const ranges: { range: string; want: string }[] = [
  { range: '10.96.0.0/12', want: '10.96.0.1' },
  { range: '10.100.7.0/24', want: '10.100.7.1' },
  { range: '172.16.5.9/16', want: '172.16.0.1' },
];

for (const c of ranges) {
  test(`the kubernetes Service takes the first IP of ${c.range}`, () => assert.equal(firstServiceIP(c.range), c.want));
}

test('the advertised address is the listen host, or an IPv4 of this machine for a wildcard', () => {
  assert.equal(advertisedAddress('127.0.0.1'), '127.0.0.1');
  assert.equal(advertisedAddress('192.168.1.7'), '192.168.1.7');
  for (const wildcard of ['0.0.0.0', '::', '']) assert.ok(isIPv4(advertisedAddress(wildcard)), wildcard);
});
