// Writes of one object from this apiserver take turns: concurrent read-modify-writes of the same
// key would otherwise all race on its resourceVersion, and n of them cost about n²/2 failed etcd
// transactions (64 concurrent patches of one object: ~2000). Taking turns costs n. The holder can
// hand the object it stored to the next one, which then starts from it instead of a stale cached
// copy. Other apiservers still race optimistically; etcd's compare decides.

interface Slot<V> {
  tail: Promise<void>;
  waiters: number;
  /** What the last holder stored (the freshest copy this process knows). */
  latest?: V;
}

export class KeyLock<V> {
  private readonly slots = new Map<string, Slot<V>>();

  /** Runs `fn` once every earlier holder of `key` is done; `fn` may read and hand over `latest`. */
  async run<R>(key: string, fn: (handover: { latest?: V; set(v: V | undefined): void }) => Promise<R>): Promise<R> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { tail: Promise.resolve(), waiters: 0 };
      this.slots.set(key, slot);
    }
    const s = slot;
    s.waiters++;
    const previous = s.tail;
    let release!: () => void;
    s.tail = new Promise<void>((r) => (release = r));
    try {
      await previous;
      const handover = {
        latest: s.latest,
        set(v: V | undefined) {
          s.latest = v;
        },
      };
      return await fn(handover);
    } finally {
      release();
      if (--s.waiters === 0) this.slots.delete(key);
    }
  }

  /** Keys with a holder or waiters (for tests). */
  get size(): number {
    return this.slots.size;
  }
}
