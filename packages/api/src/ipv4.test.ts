import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4Cidr, ipv4CidrContains, ipv4CidrSize, ipv4CidrsOverlap, ipv4CidrWithin, ipv4Mask, ipv4ToNumber, numberToIpv4, parseIpv4Cidr } from './ipv4.js';

const must = (s: string) => parseIpv4Cidr(s) ?? assert.fail(`${s} did not parse`);

test('ipv4ToNumber', () => {
  const cases: [string, number | undefined][] = [
    ['0.0.0.0', 0],
    ['10.244.1.7', 0x0af40107],
    ['255.255.255.255', 0xffffffff],
    ['256.1.1.1', undefined],
    ['1.2.3', undefined],
    ['1.2.3.4.5', undefined],
    ['1.2.3.x', undefined],
    ['1.2..4', undefined],
    ['1.2.3.1000', undefined],
    ['', undefined],
  ];
  for (const [ip, want] of cases) assert.equal(ipv4ToNumber(ip), want, ip);
});

test('numberToIpv4 is the inverse of ipv4ToNumber', () => {
  for (const ip of ['0.0.0.0', '10.96.0.1', '192.168.255.254', '255.255.255.255']) assert.equal(numberToIpv4(ipv4ToNumber(ip)!), ip);
});

test('ipv4Mask', () => {
  assert.equal(ipv4Mask(0), 0);
  assert.equal(ipv4Mask(8), 0xff000000);
  assert.equal(ipv4Mask(24), 0xffffff00);
  assert.equal(ipv4Mask(32), 0xffffffff);
});

test('parseIpv4Cidr', () => {
  const cases: [string, { base: string; prefix: number; address: string } | undefined][] = [
    ['10.244.0.0/16', { base: '10.244.0.0', prefix: 16, address: '10.244.0.0' }],
    ['10.244.3.9/24', { base: '10.244.3.0', prefix: 24, address: '10.244.3.9' }],
    ['0.0.0.0/0', { base: '0.0.0.0', prefix: 0, address: '0.0.0.0' }],
    ['1.2.3.4/32', { base: '1.2.3.4', prefix: 32, address: '1.2.3.4' }],
    ['1.2.3.4/33', undefined],
    ['1.2.3.4', undefined],
    ['1.2.3.4/', undefined],
    ['1.2.3/8', undefined],
    ['fd00::/8', undefined],
    ['10.0.0.0/8/8', undefined],
  ];
  for (const [s, want] of cases) {
    const got = parseIpv4Cidr(s);
    assert.deepEqual(got && { base: numberToIpv4(got.base), prefix: got.prefix, address: numberToIpv4(got.address) }, want, s);
  }
});

test('CIDR relations', () => {
  const c16 = must('10.244.0.0/16');
  const c24 = must('10.244.7.0/24');
  const other = must('10.245.0.0/24');
  assert.equal(formatIpv4Cidr(must('10.244.7.9/24')), '10.244.7.0/24');
  assert.equal(ipv4CidrSize(c24), 256);
  assert.equal(ipv4CidrContains(c16, ipv4ToNumber('10.244.200.1')!), true);
  assert.equal(ipv4CidrContains(c16, ipv4ToNumber('10.245.0.1')!), false);
  assert.equal(ipv4CidrWithin(c24, c16), true);
  assert.equal(ipv4CidrWithin(c16, c24), false);
  assert.equal(ipv4CidrWithin(other, c16), false);
  assert.equal(ipv4CidrsOverlap(c16, c24), true);
  assert.equal(ipv4CidrsOverlap(c24, c16), true);
  assert.equal(ipv4CidrsOverlap(c24, other), false);
});
