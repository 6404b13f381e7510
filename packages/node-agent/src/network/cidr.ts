// IPv4 CIDRs of the pod network ("10.244.1.0/24") over @skiff/api's arithmetic: parsing with an
// error naming the field, and the n-th address.
import { formatIpv4Cidr, ipv4CidrSize, numberToIpv4, parseIpv4Cidr, type Ipv4Cidr } from '@skiff/api';
import { PodNetworkError } from '../errors.js';

export { ipv4ToNumber as ipToNumber, formatIpv4Cidr as formatCidr, ipv4CidrWithin as cidrWithin, ipv4CidrSize as cidrSize } from '@skiff/api';
export type Cidr = Ipv4Cidr;

/** Throws PodNetworkError for a malformed CIDR or one with host bits set. */
export function parseCidr(s: string, field = 'cidr'): Cidr {
  const c = parseIpv4Cidr(s);
  if (!c) throw new PodNetworkError(`${field}: invalid CIDR address: ${s}`);
  if (c.address !== c.base) throw new PodNetworkError(`${field}: ${s} has host bits set (network address ${formatIpv4Cidr(c)})`);
  return { base: c.base, prefix: c.prefix };
}

/** The address `n` after the network address ("10.244.1.0/24", 1 -> "10.244.1.1"). */
export function nthAddress(c: Cidr, n: number): string {
  if (n < 0 || n >= ipv4CidrSize(c)) throw new PodNetworkError(`${formatIpv4Cidr(c)} has no address number ${n}`);
  return numberToIpv4(c.base + n);
}
