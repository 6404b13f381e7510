// IPv4 CIDRs ("10.244.1.0/24"): parsing with a clear error, containment, and the n-th address.
import { PodNetworkError } from '../errors.js';

export interface Cidr {
  /** the network address as an unsigned 32-bit number */
  base: number;
  prefix: number;
}

export function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function parseCidr(s: string, field = 'cidr'): Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  const ip = m ? ipToNumber(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) throw new PodNetworkError(`${field}: invalid CIDR address: ${s}`);
  if ((ip & ~mask(prefix)) >>> 0 !== 0) throw new PodNetworkError(`${field}: ${s} has host bits set (network address ${formatCidr({ base: (ip & mask(prefix)) >>> 0, prefix })})`);
  return { base: ip, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${numberToIp(c.base)}/${c.prefix}`;
}

export function cidrContains(outer: Cidr, ip: number): boolean {
  return ((ip & mask(outer.prefix)) >>> 0) === outer.base;
}

export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.base);
}

/** The address `n` after the network address ("10.244.1.0/24", 1 -> "10.244.1.1"). */
export function nthAddress(c: Cidr, n: number): string {
  const size = 2 ** (32 - c.prefix);
  if (n < 0 || n >= size) throw new PodNetworkError(`${formatCidr(c)} has no address number ${n}`);
  return numberToIp(c.base + n);
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}
