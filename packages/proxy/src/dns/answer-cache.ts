// Encoded cluster answers by the query's bytes after its id (flags, question, EDNS record), as
// CoreDNS's cache plugin keeps them: a repeated query is answered by copying the bytes and setting
// the id, without decoding, looking up or encoding again. Entries live while the zone is unchanged
// (its version) and for at most `maxAgeMs` (the SOA serial is the time), and there are at most
// `maxEntries` (the whole cache is dropped when full: names asked for are few, and the zone's
// answers are cheap to make again).

/** An answer as first sent (its id is overwritten per query), and how the query ended (`R`). */
export interface CachedAnswer<R> {
  readonly bytes: Buffer;
  readonly result: R;
}

export class AnswerCache<R> {
  private readonly entries = new Map<string, CachedAnswer<R>>();
  private version = -1;
  private since = 0;

  constructor(
    private readonly maxEntries = 4096,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cache key of a query: its bytes after the id (one cache per transport: UDP answers may be truncated). */
  static key(query: Buffer): string {
    return query.toString('latin1', 2);
  }

  /** The answer to `query` with its id, if cached for this zone version. */
  get(key: string, query: Buffer, version: number): CachedAnswer<R> | undefined {
    if (!this.fresh(version)) return undefined;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const bytes = Buffer.allocUnsafe(hit.bytes.length);
    hit.bytes.copy(bytes);
    bytes[0] = query[0] ?? 0;
    bytes[1] = query[1] ?? 0;
    return { bytes, result: hit.result };
  }

  set(key: string, version: number, answer: CachedAnswer<R>): void {
    this.fresh(version);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, answer);
  }

  get size(): number {
    return this.entries.size;
  }

  /** False (after dropping everything) when the zone changed or the entries are too old. */
  private fresh(version: number): boolean {
    const now = this.now();
    if (version === this.version && now - this.since < this.maxAgeMs) return true;
    this.entries.clear();
    this.version = version;
    this.since = now;
    return false;
  }
}
