// IPv4 CIDR arithmetic for the ClusterIP range.

export interface Cidr {
  base: number;
  bits: number;
  size: number;
}

export function parseCidr(s: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(s);
  if (!m) throw new Error(`invalid CIDR ${s}`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 30) throw new Error(`invalid CIDR ${s} (prefix must be /8 to /30)`);
  const ip = ipToInt(octets.join('.'))!;
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), bits, size };
}

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! * 256 + o[1]!) * 256 + o[2]!) * 256 + o[3]!;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n !== undefined && n >= c.base && n < c.base + c.size;
}
