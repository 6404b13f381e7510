// IPv4 subnets of the lab: the bridge takes the first address, node i takes base + 10 + i.
import { formatIpv4Cidr, ipv4CidrsOverlap, ipv4ToNumber, numberToIpv4, parseIpv4Cidr, type Ipv4Cidr } from '@skiff/api';
import { LabError } from './errors.js';

export const DEFAULT_SUBNET = '10.200.0.0/24';
const NODE_OFFSET = 10;

export type Subnet = Ipv4Cidr;

export function parseSubnet(cidr: string): Subnet {
  const c = parseIpv4Cidr(cidr);
  if (!c) throw new LabError(`not an IPv4 CIDR: ${cidr}`);
  if (c.prefix < 8 || c.prefix > 28) throw new LabError(`subnet ${cidr}: prefix must be between /8 and /28`);
  if (c.address !== c.base) throw new LabError(`subnet ${cidr}: host bits set (did you mean ${formatIpv4Cidr(c)}?)`);
  return { base: c.base, prefix: c.prefix };
}

export const formatSubnet = formatIpv4Cidr;

export function bridgeAddress(s: Subnet): string {
  return numberToIpv4(s.base + 1);
}

export function nodeAddress(s: Subnet, index: number): string {
  const n = s.base + NODE_OFFSET + index;
  const broadcast = s.base + 2 ** (32 - s.prefix) - 1;
  if (n >= broadcast) throw new LabError(`subnet ${formatSubnet(s)} has no address for node ${index}`);
  return numberToIpv4(n);
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
    const s = parseIpv4Cidr(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
    if (s && ipv4CidrsOverlap(subnet, s)) return `it overlaps the route to ${r.dst} on ${r.dev}`;
  }
  for (const a of host.addresses) {
    if (a.dev === ownDevice) continue;
    const n = ipv4ToNumber(a.cidr.split('/')[0]!);
    if (n !== undefined && ipv4CidrsOverlap(subnet, { base: n, prefix: 32 })) return `it contains the address ${a.cidr} of ${a.dev}`;
  }
  return undefined;
}
