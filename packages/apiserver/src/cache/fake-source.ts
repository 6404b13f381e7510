// An in-memory store with etcd's revision semantics, as the watch cache's source in unit tests:
// every write is one revision (writes elsewhere can advance the revision without an event here),
// history until compacted, watches that replay from a revision in order, and progress
// notifications. A watch can be held (its events queue up), as a lagging etcd stream.
import { expired } from '@skiff/api';
import type { CacheSource, SourceEvent, SourcePage, SourceWatch, SourceWatchHandlers } from './source.js';

interface FakeWatch {
  prefix: string;
  handlers: SourceWatchHandlers;
  queue: (() => void)[];
  closed: boolean;
}

export class FakeSource implements CacheSource {
  revision = 1n;
  private compactedAt = 0n;
  private readonly log: SourceEvent[] = [];
  private readonly watches = new Set<FakeWatch>();
  private held = false;
  /** Calls made, for tests that count them. */
  readonly calls = { range: 0, watch: 0, currentRevision: 0, progress: 0 };

  /** Writes `value` (JSON of an object) at a new revision; returns it. */
  put(key: string, value: unknown): bigint {
    return this.commit([{ type: 'put', key, value: Buffer.from(JSON.stringify(value)) }]);
  }

  delete(key: string): bigint {
    return this.commit([{ type: 'delete', key, value: Buffer.alloc(0) }]);
  }

  /** Several changes in one revision (one transaction). */
  commit(changes: { type: 'put' | 'delete'; key: string; value: Buffer }[]): bigint {
    const rev = ++this.revision;
    const events = changes.map((c) => ({ ...c, revision: rev }));
    this.log.push(...events);
    for (const w of this.watches) this.send(w, events);
    return rev;
  }

  /** A write under another prefix: the revision moves on, no event here. */
  writeElsewhere(): bigint {
    return ++this.revision;
  }

  compact(rev: bigint): void {
    this.compactedAt = rev;
  }

  /** While held, watches queue their events and progress answers (a lagging stream). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const w of this.watches) this.flush(w);
  }

  /** Breaks every open watch (connection lost). */
  breakWatches(): void {
    for (const w of [...this.watches]) {
      this.watches.delete(w);
      w.closed = true;
      w.handlers.onError(new Error('connection lost'));
    }
  }

  get openWatches(): number {
    return this.watches.size;
  }

  /** The value of every key of `prefix` at `rev`. */
  stateAt(prefix: string, rev: bigint): Map<string, { value: Buffer; modRevision: bigint }> {
    const state = new Map<string, { value: Buffer; modRevision: bigint }>();
    for (const e of this.log) {
      if (e.revision > rev) break;
      if (!e.key.startsWith(prefix)) continue;
      if (e.type === 'delete') state.delete(e.key);
      else state.set(e.key, { value: e.value, modRevision: e.revision });
    }
    return state;
  }

  async range(prefix: string, opts: { start?: string; revision?: bigint; limit: number }): Promise<SourcePage> {
    this.calls.range++;
    await Promise.resolve();
    const rev = opts.revision ?? this.revision;
    if (rev < this.compactedAt) throw expired(`mvcc: required revision has been compacted`);
    const all = [...this.stateAt(prefix, rev)].filter(([k]) => !opts.start || k >= opts.start).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const kvs = (opts.limit > 0 ? all.slice(0, opts.limit) : all).map(([key, v]) => ({ key, value: v.value, modRevision: v.modRevision }));
    return { kvs, revision: rev, more: opts.limit > 0 && all.length > opts.limit };
  }

  /** False: as etcd before 3.4.25, whose progress notifications the cache does not use. */
  orderedProgress = true;

  progressIsOrdered(): Promise<boolean> {
    return Promise.resolve(this.orderedProgress);
  }

  async currentRevision(_prefix: string, at?: bigint): Promise<bigint> {
    this.calls.currentRevision++;
    await Promise.resolve();
    if (at !== undefined && at < this.compactedAt) throw expired(`mvcc: required revision has been compacted`);
    return this.revision;
  }

  async watch(prefix: string, after: bigint, handlers: SourceWatchHandlers): Promise<SourceWatch> {
    this.calls.watch++;
    await Promise.resolve();
    const w: FakeWatch = { prefix, handlers, queue: [], closed: false };
    if (after < this.compactedAt) {
      const at = this.compactedAt;
      setImmediate(() => handlers.onCompacted(at));
      return { requestProgress: () => {}, close: () => {} };
    }
    this.watches.add(w);
    this.send(w, this.log.filter((e) => e.revision > after));
    return {
      requestProgress: () => {
        this.calls.progress++;
        // Answered in order with the events (etcd >= 3.4.25): after what is queued.
        const rev = this.revision;
        w.queue.push(() => w.handlers.onProgress(rev));
        this.schedule(w);
      },
      close: () => {
        w.closed = true;
        this.watches.delete(w);
      },
    };
  }

  private send(w: FakeWatch, events: SourceEvent[]): void {
    const mine = events.filter((e) => e.key.startsWith(w.prefix));
    // One response per revision, as etcd sends them.
    let i = 0;
    while (i < mine.length) {
      const rev = mine[i]!.revision;
      const group: SourceEvent[] = [];
      while (i < mine.length && mine[i]!.revision === rev) group.push(mine[i++]!);
      w.queue.push(() => w.handlers.onEvents(group));
    }
    this.schedule(w);
  }

  private schedule(w: FakeWatch): void {
    setImmediate(() => this.flush(w));
  }

  private flush(w: FakeWatch): void {
    if (this.held) return;
    while (!w.closed && w.queue.length > 0) w.queue.shift()!();
  }
}
