// Allocation of ClusterIPs and NodePorts. etcd decides: every allocation is a key
// (<prefix>/ranges/serviceips/<ip>, .../servicenodeports/<port>) created in the same transaction as
// the Service that owns it ("create only if absent"), and deleted in the same transaction that
// deletes the Service or stops using it. So a value is never handed out twice, even across
// apiservers, and is freed exactly when its Service lets go of it. The in-memory set only steers
// the random choice away from values known to be taken.
import { randomInt } from 'node:crypto';
import { cidrContains, intToIp, parseCidr, type Cidr } from './cidr.js';

export class RangeAllocator<V extends string | number> {
  private readonly taken = new Set<V>();

  constructor(
    /** First and last usable offsets. */
    private readonly first: number,
    private readonly last: number,
    private readonly valueAt: (offset: number) => V,
    readonly contains: (v: V) => boolean,
  ) {}

  /** A value believed free (random start, then linear probe); undefined when the range is full. */
  pick(exclude: ReadonlySet<V> = new Set()): V | undefined {
    const n = this.last - this.first + 1;
    const start = randomInt(0, n);
    for (let i = 0; i < n; i++) {
      const v = this.valueAt(this.first + ((start + i) % n));
      if (!this.taken.has(v) && !exclude.has(v)) return v;
    }
    return undefined;
  }

  isTaken(v: V): boolean {
    return this.taken.has(v);
  }

  markTaken(v: V): void {
    this.taken.add(v);
  }

  markFree(v: V): void {
    this.taken.delete(v);
  }

  get used(): number {
    return this.taken.size;
  }
}

/** ClusterIPs: the range minus its network and broadcast addresses and the first IP (reserved). */
export function clusterIPAllocator(range: string): RangeAllocator<string> & { cidr: Cidr } {
  const cidr = parseCidr(range);
  const a = new RangeAllocator<string>(2, cidr.size - 2, (off) => intToIp(cidr.base + off), (ip) => cidrContains(cidr, ip));
  return Object.assign(a, { cidr });
}

export function parsePortRange(s: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(s);
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1 || max > 65535 || min > max) throw new Error(`invalid port range ${s}`);
  return { min, max };
}

export function nodePortAllocator(range: string): RangeAllocator<number> & { min: number; max: number } {
  const { min, max } = parsePortRange(range);
  const a = new RangeAllocator<number>(min, max, (p) => p, (p) => p >= min && p <= max);
  return Object.assign(a, { min, max });
}
