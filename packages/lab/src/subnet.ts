// IPv4 subnets of the lab: the bridge takes the first address, node i takes base + 10 + i.
import { LabError } from './errors.js';

export const DEFAULT_SUBNET = '10.200.0.0/24';
const NODE_OFFSET = 10;

export interface Subnet {
  /** network address as a 32-bit unsigned number */
  base: number;
  prefix: number;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new LabError(`not an IPv4 address: ${ip}`);
  let n = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) throw new LabError(`not an IPv4 address: ${ip}`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function parseSubnet(cidr: string): Subnet {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(cidr);
  if (!m) throw new LabError(`not an IPv4 CIDR: ${cidr}`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 28) throw new LabError(`subnet ${cidr}: prefix must be between /8 and /28`);
  const ip = ipToNumber(m[1]!);
  const base = (ip & mask(prefix)) >>> 0;
  if (base !== ip) throw new LabError(`subnet ${cidr}: host bits set (did you mean ${numberToIp(base)}/${prefix}?)`);
  return { base, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${numberToIp(s.base)}/${s.prefix}`;
}

export function bridgeAddress(s: Subnet): string {
  return numberToIp(s.base + 1);
}

export function nodeAddress(s: Subnet, index: number): string {
  const n = s.base + NODE_OFFSET + index;
  const broadcast = s.base + 2 ** (32 - s.prefix) - 1;
  if (n >= broadcast) throw new LabError(`subnet ${formatSubnet(s)} has no address for node ${index}`);
  return numberToIp(n);
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

/** A route or address of the machine, as `ip -j` reports it. */
export interface HostNetwork {
  /** destination CIDRs of routes (any table), `default` excluded */
  routes: { dst: string; dev: string }[];
  /** addresses with their prefix, e.g. 192.0.2.2/24 */
  addresses: { cidr: string; dev: string }[];
}

/**
 * Returns why `subnet` cannot be used on this machine, or undefined when it is free. Routes and
 * addresses on `ownDevice` (the lab's own bridge, when repairing) do not count.
 */
export function subnetConflict(subnet: Subnet, host: HostNetwork, ownDevice: string): string | undefined {
  for (const r of host.routes) {
    if (r.dev === ownDevice || r.dst === 'default') continue;
    const dst = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    let s: Subnet;
    try {
      const [ip, p] = dst.split('/');
      s = { base: (ipToNumber(ip!) & mask(Number(p))) >>> 0, prefix: Number(p) };
    } catch {
      continue;
    }
    if (overlaps(subnet, s)) return `it overlaps the route to ${r.dst} on ${r.dev}`;
  }
  for (const a of host.addresses) {
    if (a.dev === ownDevice) continue;
    const [ip] = a.cidr.split('/');
    let n: number;
    try {
      n = ipToNumber(ip!);
    } catch {
      continue;
    }
    if (overlaps(subnet, { base: n, prefix: 32 })) return `it contains the address ${a.cidr} of ${a.dev}`;
  }
  return undefined;
}
