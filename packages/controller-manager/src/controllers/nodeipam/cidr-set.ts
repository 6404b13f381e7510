// The pod CIDRs of a cluster CIDR, as Kubernetes' cidrset: the cluster range (say 10.244.0.0/16)
// cut into subnets of the node mask size (/24), each either free or used. Allocation goes round from
// the subnet after the last one handed out, so a released subnet is not reused at once.

import { numberToIpv4, parseIpv4Cidr } from '@skiff/api';

/** Kubernetes' limit: at most 2^16 subnets per cluster CIDR. */
const MAX_PREFIX_DIFF = 16;

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
    const c = parseIpv4Cidr(clusterCIDR);
    if (!c) throw new Error(`--cluster-cidr: ${clusterCIDR} is not an IPv4 CIDR`);
    if (!Number.isInteger(maskSize) || maskSize < c.prefix || maskSize > 32) throw new Error(`--node-cidr-mask-size: ${maskSize} must be between the cluster CIDR's prefix length (${c.prefix}) and 32`);
    if (maskSize - c.prefix > MAX_PREFIX_DIFF) throw new Error(`--node-cidr-mask-size: ${maskSize} cuts ${clusterCIDR} into more than 2^${MAX_PREFIX_DIFF} subnets`);
    this.clusterCIDR = `${numberToIpv4(c.base)}/${c.prefix}`;
    this.maskSize = maskSize;
    this.base = c.base;
    this.subnetSize = 2 ** (32 - maskSize);
    this.capacity = 2 ** (maskSize - c.prefix);
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
    return `${numberToIpv4(this.base + idx * this.subnetSize)}/${this.maskSize}`;
  }

  private indexOf(cidr: string): number | undefined {
    const c = parseIpv4Cidr(cidr);
    if (!c || c.prefix !== this.maskSize) return undefined;
    const off = c.base - this.base;
    if (off < 0 || off >= this.capacity * this.subnetSize) return undefined;
    return off / this.subnetSize;
  }
}
