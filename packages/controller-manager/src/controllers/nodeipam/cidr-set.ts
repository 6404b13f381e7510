// The pod CIDRs of a cluster CIDR, as Kubernetes' cidrset: the cluster range (say 10.244.0.0/16)
// cut into subnets of the node mask size (/24), each either free or used. Allocation goes round from
// the subnet after the last one handed out, so a released subnet is not reused at once.

/** Kubernetes' limit: at most 2^16 subnets per cluster CIDR. */
const MAX_PREFIX_DIFF = 16;

function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! * 256 + o[1]!) * 256 + o[2]!) * 256 + o[3]!;
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** An IPv4 CIDR: its first address as a number and its prefix length; undefined if malformed. */
export function parseIPv4Cidr(s: string): { base: number; bits: number } | undefined {
  const [ip, len, ...rest] = s.split('/');
  if (rest.length > 0 || ip === undefined || len === undefined || !/^\d{1,2}$/.test(len)) return undefined;
  const n = ipToInt(ip);
  const bits = Number(len);
  if (n === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  return { base: n - (n % size), bits };
}

export class CidrSet {
  readonly clusterCIDR: string;
  readonly maskSize: number;
  /** How many subnets the cluster CIDR holds. */
  readonly capacity: number;
  private readonly base: number;
  private readonly subnetSize: number;
  private readonly used: Uint8Array;
  private next = 0;
  private inUse = 0;

  /** Throws a clear error for a malformed range or a mask size that does not fit it. */
  constructor(clusterCIDR: string, maskSize: number) {
    const c = parseIPv4Cidr(clusterCIDR);
    if (!c) throw new Error(`--cluster-cidr: ${clusterCIDR} is not an IPv4 CIDR`);
    if (!Number.isInteger(maskSize) || maskSize < c.bits || maskSize > 32) throw new Error(`--node-cidr-mask-size: ${maskSize} must be between the cluster CIDR's prefix length (${c.bits}) and 32`);
    if (maskSize - c.bits > MAX_PREFIX_DIFF) throw new Error(`--node-cidr-mask-size: ${maskSize} cuts ${clusterCIDR} into more than 2^${MAX_PREFIX_DIFF} subnets`);
    this.clusterCIDR = `${intToIp(c.base)}/${c.bits}`;
    this.maskSize = maskSize;
    this.base = c.base;
    this.subnetSize = 2 ** (32 - maskSize);
    this.capacity = 2 ** (maskSize - c.bits);
    this.used = new Uint8Array(this.capacity);
  }

  /** Subnets in use. */
  get allocated(): number {
    return this.inUse;
  }

  /** The next free subnet, now used; undefined when the range is full. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.capacity; i++) {
      const idx = (this.next + i) % this.capacity;
      if (this.used[idx]) continue;
      this.used[idx] = 1;
      this.inUse++;
      this.next = (idx + 1) % this.capacity;
      return this.cidrAt(idx);
    }
    return undefined;
  }

  /** Marks a subnet used (a node that already has it). False if it is not one of this set's subnets. */
  occupy(cidr: string): boolean {
    const idx = this.indexOf(cidr);
    if (idx === undefined) return false;
    if (!this.used[idx]) {
      this.used[idx] = 1;
      this.inUse++;
    }
    return true;
  }

  release(cidr: string): void {
    const idx = this.indexOf(cidr);
    if (idx === undefined || !this.used[idx]) return;
    this.used[idx] = 0;
    this.inUse--;
  }

  private cidrAt(idx: number): string {
    return `${intToIp(this.base + idx * this.subnetSize)}/${this.maskSize}`;
  }

  private indexOf(cidr: string): number | undefined {
    const c = parseIPv4Cidr(cidr);
    if (!c || c.bits !== this.maskSize) return undefined;
    const off = c.base - this.base;
    if (off < 0 || off >= this.capacity * this.subnetSize) return undefined;
    return off / this.subnetSize;
  }
}
