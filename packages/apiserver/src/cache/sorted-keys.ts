// A set of keys that can be walked in order from any key: what the watch cache's indexes hold, so a
// list (or one page of it) reads only the keys it returns, in the order etcd would. Adds are O(1):
// they wait in a side list that the next ordered read sorts and merges in (O(n) for that read, not
// O(n log n)); removals are dropped at that merge.
export class SortedKeys {
  private readonly members = new Set<string>();
  /** Sorted; may still hold removed keys, and lacks `added`. */
  private sorted: string[] = [];
  private added: string[] = [];
  private removed = 0;

  get size(): number {
    return this.members.size;
  }

  has(key: string): boolean {
    return this.members.has(key);
  }

  add(key: string): void {
    if (this.members.has(key)) return;
    this.members.add(key);
    this.added.push(key);
  }

  delete(key: string): void {
    if (this.members.delete(key)) this.removed++;
  }

  /** Every key, in order. */
  keys(): readonly string[] {
    this.settle();
    return this.sorted;
  }

  /** The keys >= `from`, in order. */
  *from(from: string): Generator<string> {
    const keys = this.keys();
    for (let i = lowerBound(keys, from); i < keys.length; i++) yield keys[i]!;
  }

  private settle(): void {
    if (this.added.length === 0 && this.removed === 0) return;
    const add = this.added.sort();
    const out: string[] = [];
    let i = 0;
    let j = 0;
    const old = this.sorted;
    while (i < old.length || j < add.length) {
      const k = j >= add.length || (i < old.length && old[i]! < add[j]!) ? old[i++]! : add[j++]!;
      // Removed keys, and duplicates (a key removed and added again).
      if (this.members.has(k) && out[out.length - 1] !== k) out.push(k);
    }
    this.sorted = out;
    this.added = [];
    this.removed = 0;
  }
}

/** The first index whose key is >= `key`. */
export function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
