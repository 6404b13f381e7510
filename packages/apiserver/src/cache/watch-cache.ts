// The watch cache of one resource type: one etcd watch feeds the current state and a window of
// recent changes, from which every client watch of that type is served (each change encoded once),
// and lists with resourceVersion "0". Watchers that resume from before the window are served from
// etcd's own history first (history-reader.ts), then join the cache.
import type { Etcd3, Watcher as EtcdWatcher } from 'etcd3';
import type { IWatchResponse } from 'etcd3/lib/rpc.js';
import type { ResourceType } from '@skiff/api';
import { encodeWatchResponse, type Logger } from '@skiff/machinery';
import type { EtcdStore } from '../etcd/store.js';
import { CacheEvent } from './cache-event.js';
import { CachedObject } from './cached-object.js';
import type { ObjectFilter } from './filter.js';
import { eventView, Watcher, type WatchSink } from './watcher.js';
import { readHistory } from './history-reader.js';

const INITIAL_CHUNK = 500;

export interface WatchCacheOptions {
  /** Changes kept for resuming watches (at least this many; up to an eighth more between trims). */
  capacity: number;
  bookmarkIntervalMs: number;
  log: Logger;
}

export class WatchCache {
  private objects = new Map<string, CachedObject>();
  /** Pods only: node name -> keys of the pods bound to it (node agents list and watch their own). */
  private podsByNode?: Map<string, Set<string>>;
  private history: CacheEvent[] = [];
  /** Every change after this revision is in `history`. */
  private oldest = 0n;
  /** The last revision applied. */
  revision = 0n;
  private readonly watchers = new Set<Watcher>();
  private readonly byNode = new Map<string, Set<Watcher>>();
  private etcdWatcher?: EtcdWatcher;
  private ready!: Promise<void>;
  private readyResolve!: () => void;
  private waiters: { rev: bigint; resolve: () => void }[] = [];
  private bookmarkTimer?: NodeJS.Timeout;
  private stopped = false;
  isReady = false;

  constructor(
    readonly type: ResourceType,
    private readonly prefix: string,
    private readonly store: EtcdStore,
    private readonly etcd: Etcd3,
    private readonly opts: WatchCacheOptions,
  ) {
    this.resetReady();
  }

  private resetReady(): void {
    this.isReady = false;
    this.ready = new Promise((r) => (this.readyResolve = r));
  }

  /** Lists the type from etcd, then follows its changes. Resolves once the cache holds the state. */
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
    let revision: string | undefined;
    for (;;) {
      const page = await this.store.range(this.prefix, { ...(start ? { start } : {}), ...(revision ? { revision } : {}), limit: 10_000 });
      revision ??= page.revision;
      for (const kv of page.kvs) {
        const key = this.keyFromEtcd(kv.key);
        objects.set(key, CachedObject.fromStored(this.type, key, kv.value, kv.modRevision));
      }
      if (!page.more || page.kvs.length === 0) break;
      start = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
    this.objects = objects;
    if (this.type.kind === 'Pod') {
      this.podsByNode = new Map();
      for (const [k, o] of objects) this.indexPod(k, undefined, o);
    }
    this.history = [];
    this.revision = BigInt(revision!);
    this.oldest = this.revision;
    const w = await this.etcd
      .watch()
      .prefix(this.prefix)
      .startRevision(String(this.revision + 1n))
      .create();
    w.on('data', (res: IWatchResponse) => this.onEtcdData(res));
    w.on('error', (err: Error) => {
      this.opts.log.warn('watch cache lost its etcd watch; re-listing', { resource: this.type.resource, err: err.message });
      this.restart();
    });
    this.etcdWatcher = w;
    this.isReady = true;
    this.readyResolve();
    this.wake();
  }

  /** After etcd compacted past our watch: start over, closing every client watch (they resume). */
  private restart(): void {
    if (this.stopped) return;
    const old = this.etcdWatcher;
    this.etcdWatcher = undefined;
    old?.cancel().catch(() => {});
    this.resetReady();
    for (const w of [...this.watchers]) w.close();
    this.init().catch((e) => this.opts.log.error('watch cache restart failed', { resource: this.type.resource, err: String(e) }));
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  private onEtcdData(res: IWatchResponse): void {
    let batch: CacheEvent[] = [];
    let batchRev = -1n;
    for (const ev of res.events) {
      const rev = BigInt(String(ev.kv.mod_revision));
      if (rev <= this.revision) continue;
      if (rev !== batchRev && batch.length > 0) {
        this.apply(batchRev, batch);
        batch = [];
      }
      batchRev = rev;
      const e = this.toEvent(ev.type === 'Delete' || (ev.type as unknown) === 1 ? 'delete' : 'put', ev.kv.key.toString(), ev.kv.value, rev);
      if (e) batch.push(e);
    }
    if (batch.length > 0) this.apply(batchRev, batch);
  }

  private toEvent(kind: 'put' | 'delete', etcdKey: string, value: Buffer, rev: bigint): CacheEvent | undefined {
    const key = this.keyFromEtcd(etcdKey);
    const prev = this.objects.get(key);
    if (kind === 'delete') return prev && new CacheEvent('DELETED', rev, prev.atRevision(String(rev)), prev);
    const type = prev ? 'MODIFIED' : 'ADDED';
    // Parsed now only when a watcher will filter and encode it; otherwise when first needed.
    if (this.watchers.size === 0) return new CacheEvent(type, rev, CachedObject.fromStored(this.type, key, value, String(rev)), prev);
    const { cached, decoded } = CachedObject.fromStoredDecoded(this.type, key, value, String(rev));
    return new CacheEvent(type, rev, cached, prev, decoded);
  }

  /** "/registry/pods/ns/name" -> "ns/name" (what objectKey gives for the object). */
  private keyFromEtcd(etcdKey: string): string {
    return etcdKey.slice(this.prefix.length);
  }

  /** Applies the events of one revision and fans them out. */
  private apply(rev: bigint, events: CacheEvent[]): void {
    for (const e of events) {
      if (e.type === 'DELETED') this.objects.delete(e.key);
      else this.objects.set(e.key, e.object);
      if (this.podsByNode) this.indexPod(e.key, e.prev, e.type === 'DELETED' ? undefined : e.object);
      this.history.push(e);
    }
    this.revision = rev;
    // The window is trimmed back to `capacity` once it is an eighth over: one copy per many events,
    // not a copy of the whole window per event.
    if (this.history.length > this.opts.capacity + Math.max(1, this.opts.capacity >> 3)) {
      const drop = this.history.length - this.opts.capacity;
      this.oldest = this.history[drop - 1]!.revision;
      this.history = this.history.slice(drop);
    }
    this.dispatch(rev, events);
    for (const e of events) e.release();
    this.wake();
  }

  private indexPod(key: string, before: CachedObject | undefined, after: CachedObject | undefined): void {
    const a = before?.nodeName;
    const b = after?.nodeName;
    if (a === b) return;
    if (a) {
      const s = this.podsByNode!.get(a);
      s?.delete(key);
      if (s?.size === 0) this.podsByNode!.delete(a);
    }
    if (b) {
      let s = this.podsByNode!.get(b);
      if (!s) this.podsByNode!.set(b, (s = new Set()));
      s.add(key);
    }
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
      if (w.rev <= this.revision) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Resolves once the cache has applied `rev` (or after timeoutMs). */
  waitFor(rev: bigint, timeoutMs: number): Promise<boolean> {
    if (rev <= this.revision && this.isReady) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push({ rev, resolve: () => (clearTimeout(t), resolve(true)) });
    });
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
    const found: [string, CachedObject][] = [];
    if (this.podsByNode && filter.nodeName !== undefined) {
      for (const k of this.podsByNode.get(filter.nodeName) ?? []) {
        const o = this.objects.get(k);
        if (o && filter.matches(o)) found.push([k, o]);
      }
    } else {
      for (const e of this.objects) if (filter.matches(e[1])) found.push(e);
    }
    found.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return { items: found.map((e) => e[1]), revision: this.revision };
  }

  /**
   * Starts a client watch. resourceVersion "" / "0": initial ADDED events for the current state,
   * then changes. Otherwise every change after that revision, from the window or from etcd history.
   */
  async watch(filter: ObjectFilter, resourceVersion: string, opts: { bookmarks: boolean; initialEventsEnd: boolean }, sink: WatchSink, signal: AbortSignal): Promise<void> {
    await this.ready;
    const fromState = resourceVersion === '' || resourceVersion === '0';
    const rv = fromState ? this.revision : BigInt(resourceVersion);
    if (!fromState && rv < this.oldest) {
      // Older than the window: replay etcd's history up to a revision the window covers.
      const upTo = await readHistory({
        etcd: this.etcd,
        prefix: this.prefix,
        after: rv,
        filterView: (e) => eventView(filter, e),
        sink,
        signal,
        toCached: (key, value, rev) => CachedObject.fromStored(this.type, this.keyFromEtcd(key), value, rev),
      });
      if (signal.aborted) return;
      this.attach(filter, upTo, opts, sink, signal, false);
      return;
    }
    this.attach(filter, rv, opts, sink, signal, fromState);
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
      let i = lowerBound(this.history, from);
      while (i < this.history.length) {
        const rev = this.history[i]!.revision;
        const batch: CacheEvent[] = [];
        while (i < this.history.length && this.history[i]!.revision === rev) batch.push(this.history[i++]!);
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
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    for (const w of [...this.watchers]) w.close();
    await this.etcdWatcher?.cancel().catch(() => {});
  }
}

/** The first index whose revision is greater than rev. */
function lowerBound(h: CacheEvent[], rev: bigint): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h[mid]!.revision <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

