// The watch cache of one resource type: one watch of its source (etcd) feeds the current state, its
// indexes and a window of recent changes. Every client watch of the type is served from it (each
// change encoded once), and so are lists: consistent ones once the cache has seen the store's
// current revision, paged ones through a snapshot of the window. A watch that resumes from before
// the window is answered "expired" (OUT_OF_RANGE, with the newest resourceVersion): the client
// re-lists, from this cache, as Kubernetes' reflectors do; nothing is written to etcd.
import { ApiError, expired, type ResourceType } from '@skiff/api';
import { encodeWatchResponse, type Logger } from '@skiff/machinery';
import { CacheEvent } from './cache-event.js';
import { CachedObject } from './cached-object.js';
import type { ObjectFilter } from './filter.js';
import { EventWindow } from './event-window.js';
import { CacheIndexes } from './indexes.js';
import { firstAfter, readPage, type CachePage } from './snapshot.js';
import type { CacheSource, SourceEvent, SourceWatch } from './source.js';
import { Watcher, type WatchSink } from './watcher.js';

const INITIAL_CHUNK = 500;
const LIST_PAGE = 10_000;
/** How long a read waits for the cache to reach a revision (Kubernetes waits 3 s too). */
export const FRESHNESS_TIMEOUT_MS = 3000;
/** How long a read waits for the cache when no progress notification can vouch for a revision. */
const UNVOUCHED_WAIT_MS = 100;

export interface WatchCacheOptions {
  /** Changes kept for resuming watches and reading older pages (the newest this many). */
  capacity: number;
  bookmarkIntervalMs: number;
  log: Logger;
}

/** A resourceVersion newer than the cache reached in time (Kubernetes' "Too large resource version"). */
export function tooLargeResourceVersion(requested: bigint, current: bigint): ApiError {
  return new ApiError('UNAVAILABLE', `Too large resource version: ${requested}, current: ${current}`, {
    reason: 'Timeout',
    metadata: { cause: 'ResourceVersionTooLarge', resourceVersion: String(current), retryAfterSeconds: '1' },
  });
}

export class WatchCache {
  private objects = new Map<string, CachedObject>();
  private readonly indexes: CacheIndexes;
  private readonly history: EventWindow;
  /** Every change after this revision is in `history`. */
  private oldest = 0n;
  /** The revision the cache is current at: its last change, or a later progress notification. */
  revision = 0n;
  /** The revision of the last change applied. */
  private lastChange = 0n;
  private readonly watchers = new Set<Watcher>();
  private readonly byNode = new Map<string, Set<Watcher>>();
  private sourceWatch?: SourceWatch;
  /** Bumped on every (re)start: callbacks of an older source watch are ignored. */
  private generation = 0;
  private ready!: Promise<void>;
  private readyResolve!: () => void;
  private waiters: { rev: bigint; resolve: () => void }[] = [];
  private bookmarkTimer?: NodeJS.Timeout;
  private stopped = false;
  /** Whether the source's progress notifications can vouch for a revision (see etcd-source.ts). */
  private progressOk = false;
  isReady = false;

  constructor(
    readonly type: ResourceType,
    private readonly prefix: string,
    private readonly source: CacheSource,
    private readonly opts: WatchCacheOptions,
  ) {
    this.indexes = new CacheIndexes(type);
    this.history = new EventWindow(opts.capacity);
    this.resetReady();
  }

  private resetReady(): void {
    this.isReady = false;
    this.ready = new Promise((r) => (this.readyResolve = r));
  }

  /** Lists the type from the source, then follows its changes. Resolves once the cache holds the state. */
  async start(): Promise<void> {
    await this.init();
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), Math.max(100, this.opts.bookmarkIntervalMs / 2));
    this.bookmarkTimer.unref();
  }

  private async init(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.initOnce();
        return;
      } catch (e) {
        this.opts.log.warn('watch cache init failed', { resource: this.type.resource, err: String(e), attempt });
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
  }

  private async initOnce(): Promise<void> {
    const objects = new Map<string, CachedObject>();
    let start: string | undefined;
    let revision: bigint | undefined;
    for (;;) {
      const page = await this.source.range(this.prefix, { ...(start ? { start } : {}), ...(revision !== undefined ? { revision } : {}), limit: LIST_PAGE });
      revision ??= page.revision;
      for (const kv of page.kvs) {
        const key = this.keyOf(kv.key);
        objects.set(key, CachedObject.fromStored(this.type, key, kv.value, String(kv.modRevision)));
      }
      if (!page.more || page.kvs.length === 0) break;
      start = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
    this.objects = objects;
    this.indexes.reset(objects);
    this.history.clear();
    this.revision = revision!;
    this.lastChange = revision!;
    this.oldest = revision!;
    this.progressOk = await this.source.progressIsOrdered();
    await this.openWatch(revision!);
    this.isReady = true;
    this.readyResolve();
    this.wake();
  }

  private async openWatch(after: bigint): Promise<void> {
    const gen = ++this.generation;
    const live = (): boolean => gen === this.generation && !this.stopped;
    const w = await this.source.watch(this.prefix, after, {
      onEvents: (events) => live() && this.onEvents(events),
      onProgress: (rev) => live() && this.onProgress(rev),
      onCompacted: (rev) => {
        if (!live()) return;
        this.opts.log.warn('watch cache fell behind etcd compaction; re-listing', { resource: this.type.resource, compactRevision: String(rev) });
        this.restart();
      },
      onError: (err) => {
        if (!live()) return;
        this.opts.log.warn('watch cache lost its etcd watch; resuming', { resource: this.type.resource, err: err.message });
        this.resume();
      },
    });
    if (!live()) w.close();
    else this.sourceWatch = w;
  }

  /** After a broken watch: watch again from where the cache is; clients stay attached. */
  private resume(): void {
    this.sourceWatch = undefined;
    const attempt = async (n: number): Promise<void> => {
      for (let i = n; !this.stopped; i++) {
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** i)));
        if (this.stopped) return;
        try {
          await this.openWatch(this.revision);
          return;
        } catch (e) {
          this.opts.log.warn('watch cache could not resume its etcd watch', { resource: this.type.resource, err: String(e), attempt: i });
        }
      }
    };
    attempt(0).catch((e: unknown) => this.opts.log.error('watch cache resume failed', { resource: this.type.resource, err: String(e) }));
  }

  /** When the window can no longer be continued (compaction): re-list; every client watch ends (they resume, or re-list). */
  private restart(): void {
    if (this.stopped) return;
    this.generation++;
    this.sourceWatch?.close();
    this.sourceWatch = undefined;
    this.resetReady();
    for (const w of [...this.watchers]) w.close();
    this.init().catch((e: unknown) => this.opts.log.error('watch cache restart failed', { resource: this.type.resource, err: String(e) }));
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  private onEvents(events: SourceEvent[]): void {
    let batch: CacheEvent[] = [];
    let batchRev = -1n;
    for (const ev of events) {
      if (ev.revision <= this.lastChange) continue;
      if (ev.revision <= this.revision) {
        // A change below a revision a progress notification vouched for (etcd-io/etcd#15220):
        // lists may have missed it, so start over rather than serve a state that skipped it.
        this.opts.log.warn('watch cache saw a change older than a progress notification; re-listing', { resource: this.type.resource, revision: String(ev.revision) });
        this.restart();
        return;
      }
      if (ev.revision !== batchRev && batch.length > 0) {
        this.apply(batchRev, batch);
        batch = [];
      }
      if (ev.revision !== batchRev) batchRev = ev.revision;
      // The events of one revision share its BigInt (the window keeps one per revision, not per event).
      const e = this.toEvent(ev, batchRev);
      if (e) batch.push(e);
    }
    if (batch.length > 0) this.apply(batchRev, batch);
  }

  private onProgress(rev: bigint): void {
    if (rev > this.revision) {
      this.revision = rev;
      this.wake();
    }
  }

  /** String(rev) of the revision being applied, made once for all its events. */
  private rvMemo: { rev: bigint; rv: string } = { rev: -1n, rv: '' };

  private toEvent(ev: SourceEvent, rev: bigint): CacheEvent | undefined {
    if (this.rvMemo.rev !== rev) this.rvMemo = { rev, rv: String(rev) };
    const rv = this.rvMemo.rv;
    const key = this.keyOf(ev.key);
    const prev = this.objects.get(key);
    if (ev.type === 'delete') return prev && new CacheEvent('DELETED', rev, prev.atRevision(rv), prev);
    const type = prev ? 'MODIFIED' : 'ADDED';
    // Parsed now only when a watcher will filter and encode it; otherwise when first needed.
    if (this.watchers.size === 0) return new CacheEvent(type, rev, CachedObject.fromStored(this.type, key, ev.value, rv), prev);
    const { cached, decoded } = CachedObject.fromStoredDecoded(this.type, key, ev.value, rv);
    return new CacheEvent(type, rev, cached, prev, decoded);
  }

  /** "/registry/pods/ns/name" -> "ns/name" (what objectKey gives for the object). */
  private keyOf(storeKey: string): string {
    return storeKey.slice(this.prefix.length);
  }

  /** Applies the events of one revision and fans them out. */
  private apply(rev: bigint, events: CacheEvent[]): void {
    for (const e of events) {
      if (e.type === 'DELETED') this.objects.delete(e.key);
      else this.objects.set(e.key, e.object);
      this.indexes.update(e.key, e.prev, e.type === 'DELETED' ? undefined : e.object);
      const evicted = this.history.push(e);
      if (evicted) this.oldest = evicted.revision;
    }
    this.revision = rev;
    this.lastChange = rev;
    this.dispatch(rev, events);
    for (const e of events) e.release();
    this.wake();
  }

  private dispatch(rev: bigint, events: CacheEvent[]): void {
    if (this.watchers.size === 0) return;
    let full: Buffer | undefined;
    const unfiltered = (): Buffer => (full ??= encodeWatchResponse(String(rev), events.map((e) => e.encoded(e.type))));
    if (this.byNode.size === 0) {
      for (const w of this.watchers) w.deliver(rev, events, unfiltered);
      return;
    }
    // Pod watchers selecting one node only see events of pods on (or leaving) that node.
    const targets = new Set<Watcher>();
    for (const e of events) {
      for (const node of Watcher.indexValues(e)) for (const w of this.byNode.get(node) ?? []) targets.add(w);
    }
    for (const w of this.watchers) if (w.filter.nodeName === undefined || targets.has(w)) w.deliver(rev, events, unfiltered);
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.isReady && w.rev <= this.revision) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Resolves true once the cache has reached `rev`, false after timeoutMs. */
  waitFor(rev: bigint, timeoutMs: number): Promise<boolean> {
    if (rev <= this.revision && this.isReady) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        rev,
        resolve: () => {
          clearTimeout(t);
          resolve(true);
        },
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Resolves true once the cache has seen revision `rev` of the store (asking the store for a
   * progress notification when the type has not changed since), false after timeoutMs.
   */
  waitUntilFresh(rev: bigint, timeoutMs = FRESHNESS_TIMEOUT_MS): Promise<boolean> {
    if (rev <= this.revision && this.isReady) return Promise.resolve(true);
    // Without ordered progress notifications (etcd before 3.4.25 / 3.5.8) only the type's own
    // changes can bring the cache there: a short wait for those in flight, then the caller reads etcd.
    if (!this.progressOk) return this.waitFor(rev, Math.min(timeoutMs, UNVOUCHED_WAIT_MS));
    const p = this.waitFor(rev, timeoutMs);
    this.sourceWatch?.requestProgress();
    return p;
  }

  /** The store's current revision (for a consistent read). */
  currentRevision(): Promise<bigint> {
    return this.source.currentRevision(this.prefix);
  }

  /** Fails with OUT_OF_RANGE if the store has compacted `rev`: reads at a revision answer from the
   * window only what etcd would still answer (as Kubernetes drops its cache snapshots on compaction). */
  async checkNotCompacted(rev: bigint): Promise<void> {
    await this.source.currentRevision(this.prefix, rev);
  }

  /** Whether a list at revision `rev` can be served from the cache (its window covers it). */
  covers(rev: bigint): boolean {
    return this.isReady && rev >= this.oldest && rev <= this.revision;
  }

  /** The oldest revision a watch may resume from or a list page be read at. */
  get oldestRevision(): bigint {
    return this.oldest;
  }

  /** The cached entry of "namespace/name" (or "name"); decode() it for the object. */
  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  get size(): number {
    return this.objects.size;
  }

  /** The current objects matching `filter`, sorted by key, and the revision they are at. */
  list(filter: ObjectFilter): { items: CachedObject[]; revision: bigint } {
    const { items, revision } = this.page(filter, { limit: 0 });
    return { items, revision };
  }

  /**
   * One page of the objects matching `filter`, in key order from `start` (a key of this cache,
   * inclusive), at revision `at` (default: the cache's; otherwise one that covers() accepts).
   */
  page(filter: ObjectFilter, opts: { at?: bigint; start?: string; limit: number }): CachePage {
    const at = opts.at ?? this.revision;
    if (!this.covers(at) && at !== this.revision) throw new Error(`watch cache of ${this.type.resource} does not cover revision ${at}`);
    return readPage({ objects: this.objects, indexes: this.indexes, history: this.history, revision: this.revision }, filter, at, opts.start ?? '', opts.limit);
  }

  /** The cache key of a store key of this type, and back. */
  cacheKey(storeKey: string): string {
    return this.keyOf(storeKey);
  }

  storeKey(cacheKey: string): string {
    return this.prefix + cacheKey;
  }

  /**
   * Starts a client watch. resourceVersion "" / "0": initial ADDED events for the current state,
   * then changes. Otherwise every change after that revision, replayed from the window; one older
   * than the window fails with OUT_OF_RANGE (Expired) carrying the newest resourceVersion.
   */
  async watch(filter: ObjectFilter, resourceVersion: string, opts: { bookmarks: boolean; initialEventsEnd: boolean }, sink: WatchSink, signal: AbortSignal): Promise<void> {
    await this.ready;
    const fromState = resourceVersion === '' || resourceVersion === '0';
    if (fromState) {
      this.attach(filter, this.revision, opts, sink, signal, true);
      return;
    }
    const rv = BigInt(resourceVersion);
    if (rv < this.oldest) {
      throw expired(`too old resource version: ${rv} (${this.oldest})`, String(this.revision));
    }
    if (rv > this.revision && !(await this.waitUntilFresh(rv))) {
      // Not reached: a revision etcd has (the type has not changed since) is fine to watch from.
      const current = await this.source.currentRevision(this.prefix);
      if (rv > current) throw tooLargeResourceVersion(rv, current);
    }
    if (signal.aborted) return;
    // A re-list may have happened while waiting.
    if (rv < this.oldest) throw expired(`too old resource version: ${rv} (${this.oldest})`, String(this.revision));
    this.attach(filter, rv, opts, sink, signal, false);
  }

  private attach(
    filter: ObjectFilter,
    from: bigint,
    opts: { bookmarks: boolean; initialEventsEnd: boolean },
    sink: WatchSink,
    signal: AbortSignal,
    initial: boolean,
  ): void {
    const w = new Watcher(filter, sink, from, opts.bookmarks, (x) => this.detach(x));
    if (initial) {
      const { items } = this.list(filter);
      for (let i = 0; i < items.length; i += INITIAL_CHUNK) {
        const chunk = items.slice(i, i + INITIAL_CHUNK);
        const last = i + INITIAL_CHUNK >= items.length;
        w.send(encodeWatchResponse(last ? String(this.revision) : '', chunk.map((o) => new CacheEvent('ADDED', this.revision, o, undefined).encoded('ADDED'))));
      }
      w.sentRevision = this.revision;
      if (opts.initialEventsEnd) w.bookmark(this.revision, true);
    } else {
      // Replay the window after `from`, one response per revision.
      let i = firstAfter(this.history, from);
      while (i < this.history.length) {
        const rev = this.history.at(i).revision;
        const batch: CacheEvent[] = [];
        while (i < this.history.length && this.history.at(i).revision === rev) batch.push(this.history.at(i++));
        w.deliver(rev, batch, () => encodeWatchResponse(String(rev), batch.map((e) => e.encoded(e.type))));
      }
      if (w.sentRevision < this.revision) w.sentRevision = this.revision;
    }
    if (w.closed) return;
    this.watchers.add(w);
    if (filter.nodeName !== undefined) {
      let s = this.byNode.get(filter.nodeName);
      if (!s) this.byNode.set(filter.nodeName, (s = new Set()));
      s.add(w);
    }
    if (signal.aborted) w.close();
    else signal.addEventListener('abort', () => w.close(), { once: true });
  }

  private detach(w: Watcher): void {
    this.watchers.delete(w);
    if (w.filter.nodeName !== undefined) {
      const s = this.byNode.get(w.filter.nodeName);
      s?.delete(w);
      if (s?.size === 0) this.byNode.delete(w.filter.nodeName);
    }
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  private sendBookmarks(): void {
    const idleSince = Date.now() - this.opts.bookmarkIntervalMs;
    for (const w of this.watchers) if (w.lastSendAt < idleSince) w.bookmark(this.revision);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    for (const w of [...this.watchers]) w.close();
    this.sourceWatch?.close();
    this.sourceWatch = undefined;
  }
}
