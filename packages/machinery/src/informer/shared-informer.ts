// A shared informer for one resource (and namespace / selectors), as client-go's reflector +
// shared informer: list (paged), then watch from the list's revision; keep a local read-only cache;
// tell handlers about adds, updates and deletes in event order. See README.md for the loop.
import { type KObject, isApiError, objectKey } from '@skiff/api';
import { Backoff, type BackoffOptions } from '../backoff.js';
import { type Clock, type TimerHandle, realClock, sleep } from '../clock.js';
import type { Client, WatchEvent } from '../client/types.js';
import { type Logger, discardLogger } from '../log.js';
import { type EventHandler, type Notification, ProcessorListener } from './processor-listener.js';
import { type IndexFunc, Store, deepFreeze } from './store.js';
import { DeletedFinalStateUnknown } from './tombstone.js';

export type { EventHandler } from './processor-listener.js';

export interface InformerOptions {
  client: Client;
  resource: string;
  /** Empty: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver onUpdate(obj, obj) for every cached object this often. 0 / unset: never. */
  resyncMs?: number;
  /** List page size. Default 500. */
  pageSize?: number;
  clock?: Clock;
  log?: Logger;
  /** Retry delays after errors the apiserver answered. Default 200 ms doubling to 30 s, jittered. */
  backoff?: BackoffOptions;
  /** Retry delays while the apiserver is unavailable (UNAVAILABLE). Default UNAVAILABLE_BACKOFF. */
  unavailableBackoff?: BackoffOptions;
}

/**
 * Retries while the apiserver is unavailable: at the pace the client reconnects (100 ms growing
 * x1.6 to 1 s), so that an informer resumes within about a second of the apiserver's return, however
 * long it was away. A refused call costs the apiserver nothing; errors it answers back off to 30 s.
 */
export const UNAVAILABLE_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 1000, factor: 1.6 };

export interface HandlerRegistration {
  /** Stops delivering to this handler. */
  remove(): void;
  /** True once the informer has synced and the handler has received the initial contents. */
  hasSynced(): boolean;
  /** Resolves once every notification queued so far for this handler has been handled. */
  idle(): Promise<void>;
}

export class SharedInformer<T extends KObject = KObject> {
  readonly resource: string;
  private readonly opts: InformerOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly store = new Store<T>();
  private listeners: ProcessorListener<T>[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private lastRV = '';
  private running = false;
  private resyncTimer: TimerHandle | undefined;
  private transform: ((obj: T) => T) | undefined;

  constructor(opts: InformerOptions) {
    this.opts = opts;
    this.resource = opts.resource;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? discardLogger()).child({ informer: opts.resource, namespace: opts.namespace ?? '' });
  }

  // ---- reading the cache ----

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  getByName(namespace: string, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return this.store.list();
  }

  keys(): string[] {
    return this.store.keys();
  }

  /** The informer's store (read-only use: listers read it). */
  indexer(): Store<T> {
    return this.store;
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.store.addIndexer(name, fn);
  }

  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list is in the cache, false if `signal` aborts first. */
  waitForSync(signal: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== waiter);
        resolve(false);
      };
      const waiter = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.syncWaiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The revision the cache is at (the last fully processed list or watch batch). */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  // ---- handlers ----

  /**
   * Registers a handler with its own buffered queue; it first gets onAdd for everything already
   * cached (isInInitialList true).
   */
  addEventHandler(handler: EventHandler<T>): HandlerRegistration {
    const listener = new ProcessorListener(handler, this.log);
    this.listeners = [...this.listeners, listener];
    for (const obj of this.store.list()) listener.add({ type: 'add', obj, initial: true });
    if (this.synced) listener.markSynced();
    return {
      remove: () => {
        listener.stop();
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
      hasSynced: () => listener.hasSynced(),
      idle: () => listener.idle(),
    };
  }

  /**
   * Sets a function applied to every listed and watched object (deletions too) before it enters the
   * cache and reaches handlers, as client-go's SetTransform: a component that reads a few fields of
   * many objects keeps only those. It must keep metadata's namespace, name and resourceVersion, and
   * every field any handler of this informer reads. Only before run.
   */
  setTransform(fn: (obj: T) => T): void {
    if (this.running) throw new Error(`informer for ${this.resource} has already started: set the transform before run`);
    this.transform = fn;
  }

  // ---- the loop ----

  /** Lists and watches until `signal` aborts; never rejects. Runs once per informer. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`informer for ${this.resource} is already running`);
    this.running = true;
    // Two paces, as client-go keeps a backoff for refused connections apart from the one for
    // re-lists: an outage does not make the re-list that follows it wait (see UNAVAILABLE_BACKOFF).
    const backoff = new Backoff({ initialMs: 200, maxMs: 30_000, ...this.opts.backoff });
    const unavailable = new Backoff({ ...UNAVAILABLE_BACKOFF, ...this.opts.unavailableBackoff });
    let outageFrom: number | undefined;
    const progressed = (): void => {
      backoff.reset();
      unavailable.reset();
      if (outageFrom === undefined) return;
      this.log.info('apiserver available again', { unavailableMs: this.clock.now() - outageFrom });
      outageFrom = undefined;
    };
    this.scheduleResync(signal);
    let needList = true;
    try {
      while (!signal.aborted) {
        try {
          if (needList) {
            await this.listAndReplace(signal);
            needList = false;
            progressed();
          }
          const batches = await this.watch(signal, progressed);
          if (batches === 0 && !signal.aborted) await sleep(this.clock, backoff.next(), signal);
        } catch (e) {
          if (signal.aborted) break;
          if (isApiError(e, 'UNAVAILABLE')) {
            if (outageFrom === undefined) {
              outageFrom = this.clock.now();
              this.log.warn(needList ? 'list failed, retrying' : 'watch failed, resuming', { resourceVersion: this.lastRV, err: e });
            }
            await sleep(this.clock, unavailable.next(), signal);
            continue;
          }
          unavailable.reset();
          if (isApiError(e, 'OUT_OF_RANGE')) {
            this.log.info('resource version too old, re-listing', { resourceVersion: this.lastRV });
            needList = true;
          } else {
            this.log.warn(needList ? 'list failed, retrying' : 'watch failed, resuming', { resourceVersion: this.lastRV, err: e });
          }
          await sleep(this.clock, backoff.next(), signal);
        }
      }
    } finally {
      if (this.resyncTimer) this.clock.clearTimeout(this.resyncTimer);
      this.resyncTimer = undefined;
      this.running = false;
    }
  }

  /** Lists every page, then replaces the cache, notifying only what changed. */
  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.opts;
    const base = { namespace, labelSelector, fieldSelector };
    const items: T[] = [];
    let rv = '';
    let cont = '';
    do {
      try {
        const page = await client.list<T>(resource, { ...base, limit: this.opts.pageSize ?? 500, continue: cont });
        for (const item of page.items) items.push(this.transformed(item));
        if (!cont) rv = page.resourceVersion;
        cont = page.continue;
      } catch (e) {
        if (!cont || !isApiError(e, 'OUT_OF_RANGE')) throw e;
        // The continue token expired: fall back to one unpaged list.
        this.log.info('list continue token expired, listing without paging');
        const all = await client.list<T>(resource, base);
        items.splice(0, items.length, ...all.items.map((item) => this.transformed(item)));
        rv = all.resourceVersion;
        cont = '';
      }
    } while (cont && !signal.aborted);
    if (signal.aborted) return;
    this.replace(items, rv);
  }

  private replace(items: T[], rv: string): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      this.upsert(key, obj, !this.synced);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      // Deleted while the watch was down: the final state is unknown.
      const old = this.store.delete(key)!;
      this.dispatch({ type: 'delete', obj: new DeletedFinalStateUnknown(key, old) });
    }
    this.lastRV = rv;
    if (!this.synced) {
      this.synced = true;
      for (const l of this.listeners) l.markSynced();
      this.log.debug('cache synced', { resourceVersion: rv, objects: this.store.size });
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  /** Watches from lastRV until the stream ends cleanly; returns how many batches arrived. */
  private async watch(signal: AbortSignal, progressed: () => void): Promise<number> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.opts;
    const stream = client.watch<T>(
      resource,
      { namespace, labelSelector, fieldSelector, resourceVersion: this.lastRV, allowWatchBookmarks: true },
      signal,
    );
    let batches = 0;
    for await (const batch of stream) {
      if (signal.aborted) break;
      for (const ev of batch.events) this.apply(ev);
      this.lastRV = batch.resourceVersion;
      if (batches++ === 0) progressed();
    }
    return batches;
  }

  private apply(ev: WatchEvent<T>): void {
    if (ev.type === 'BOOKMARK' || !ev.object) return;
    const obj = this.transformed(ev.object);
    const key = objectKey(obj);
    if (ev.type === 'DELETED') {
      if (this.store.delete(key)) this.dispatch({ type: 'delete', obj: deepFreeze(obj) });
      return;
    }
    this.upsert(key, obj);
  }

  private transformed(obj: T): T {
    return this.transform ? this.transform(obj) : obj;
  }

  /** Adds or updates; an object at the resourceVersion already cached is not news. */
  private upsert(key: string, obj: T, initial = false): void {
    const old = this.store.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.store.set(key, obj);
    if (old) this.dispatch({ type: 'update', old, obj });
    else this.dispatch({ type: 'add', obj, initial });
  }

  private scheduleResync(signal: AbortSignal): void {
    const every = this.opts.resyncMs ?? 0;
    if (every <= 0 || signal.aborted) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      this.resyncTimer = undefined;
      if (signal.aborted) return;
      if (this.synced) for (const obj of this.store.list()) this.dispatch({ type: 'update', old: obj, obj });
      this.scheduleResync(signal);
    }, every);
  }

  /** Appends to every handler's queue; never waits for a handler. */
  private dispatch(n: Notification<T>): void {
    for (const l of this.listeners) l.add(n);
  }
}
