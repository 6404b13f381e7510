// A binary min-heap, as Go's container/heap used by client-go's delaying queue: push and pop in
// O(log n), the smallest item at the top. With a key function, items are also found by key, so
// one can be updated in place (`fix`) or removed in O(log n).

export class Heap<T> {
  private readonly items: T[] = [];
  /** key -> index in items, when keyed. */
  private readonly index: Map<string, number> | undefined;

  /**
   * @param less strict order: less(a, b) puts a above b.
   * @param keyOf optional identity of items: enables get, fix and remove by key (one item per key).
   */
  constructor(
    private readonly less: (a: T, b: T) => boolean,
    private readonly keyOf?: (item: T) => string,
  ) {
    if (keyOf) this.index = new Map();
  }

  get size(): number {
    return this.items.length;
  }

  /** The smallest item, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (this.keyOf) {
      const key = this.keyOf(item);
      if (this.index!.has(key)) throw new Error(`heap already holds an item with key ${JSON.stringify(key)}`);
      this.index!.set(key, this.items.length);
    }
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  /** Removes and returns the smallest item. */
  pop(): T | undefined {
    if (this.items.length === 0) return undefined;
    return this.removeAt(0);
  }

  /** The item with this key (keyed heaps only). */
  get(key: string): T | undefined {
    const i = this.indexOf(key);
    return i === undefined ? undefined : this.items[i];
  }

  /** Restores the order after the item with this key changed in place. False if absent. */
  fix(key: string): boolean {
    const i = this.indexOf(key);
    if (i === undefined) return false;
    if (!this.down(i)) this.up(i);
    return true;
  }

  /** Removes the item with this key. */
  remove(key: string): T | undefined {
    const i = this.indexOf(key);
    return i === undefined ? undefined : this.removeAt(i);
  }

  clear(): void {
    this.items.length = 0;
    this.index?.clear();
  }

  private indexOf(key: string): number | undefined {
    if (!this.index) throw new Error('heap has no key function');
    return this.index.get(key);
  }

  private removeAt(i: number): T {
    const last = this.items.length - 1;
    if (i !== last) this.swap(i, last);
    const item = this.items.pop()!;
    if (this.keyOf) this.index!.delete(this.keyOf(item));
    if (i !== last && !this.down(i)) this.up(i);
    return item;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Sifts down; returns whether the item moved. */
  private down(start: number): boolean {
    const n = this.items.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let smallest = left;
      const right = left + 1;
      if (right < n && this.less(this.items[right]!, this.items[left]!)) smallest = right;
      if (!this.less(this.items[smallest]!, this.items[i]!)) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return i > start;
  }

  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    if (this.keyOf) {
      this.index!.set(this.keyOf(b), i);
      this.index!.set(this.keyOf(a), j);
    }
  }
}
