// The ClusterIP range (--service-cluster-ip-range) over @skiff/api's IPv4 arithmetic.
import { ipv4CidrContains, ipv4CidrSize, ipv4ToNumber, parseIpv4Cidr, type Ipv4Cidr } from '@skiff/api';

export { numberToIpv4 as intToIp } from '@skiff/api';

export interface Cidr extends Ipv4Cidr {
  size: number;
}

/** Throws for a malformed range or a prefix outside /8 to /30. */
export function parseCidr(s: string): Cidr {
  const c = parseIpv4Cidr(s);
  if (!c) throw new Error(`invalid CIDR ${s}`);
  if (c.prefix < 8 || c.prefix > 30) throw new Error(`invalid CIDR ${s} (prefix must be /8 to /30)`);
  return { base: c.base, prefix: c.prefix, size: ipv4CidrSize(c) };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipv4ToNumber(ip);
  return n !== undefined && ipv4CidrContains(c, n);
}
