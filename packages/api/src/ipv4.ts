// IPv4 addresses and CIDRs as unsigned 32-bit numbers: one copy of the arithmetic for every component
// (the apiserver's ClusterIP range, the controller-manager's pod CIDRs, the agent's pod network, the
// proxy's address filters, the lab's subnets). Parsers return undefined for malformed input; each
// caller words its own error (its flag or field) around them.

export interface Ipv4Cidr {
  /** The network address (host bits cleared). */
  base: number;
  prefix: number;
}

export interface ParsedIpv4Cidr extends Ipv4Cidr {
  /** The address as written ("10.0.0.5/24" -> 10.0.0.5); differs from `base` when host bits are set. */
  address: number;
}

/** "10.1.2.3" -> its number; undefined unless four decimal octets of 0-255. */
export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The netmask of a prefix length as an unsigned number (/24 -> 0xffffff00). */
export function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.244.0.0/16" -> base and prefix; undefined unless an IPv4 address and a prefix of 0-32. */
export function parseIpv4Cidr(s: string): ParsedIpv4Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const address = ipv4ToNumber(m[1]!);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32) return undefined;
  return { address, base: (address & ipv4Mask(prefix)) >>> 0, prefix };
}

export function formatIpv4Cidr(c: Ipv4Cidr): string {
  return `${numberToIpv4(c.base)}/${c.prefix}`;
}

/** How many addresses the CIDR holds. */
export function ipv4CidrSize(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function ipv4CidrContains(c: Ipv4Cidr, ip: number): boolean {
  return ((ip & ipv4Mask(c.prefix)) >>> 0) === c.base;
}

/** Whether `inner` lies wholly inside `outer`. */
export function ipv4CidrWithin(inner: Ipv4Cidr, outer: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && ipv4CidrContains(outer, inner.base);
}

/** Whether two CIDRs share any address. */
export function ipv4CidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & ipv4Mask(p)) >>> 0) === ((b.base & ipv4Mask(p)) >>> 0);
}
