// Lists, served as Kubernetes serves them since 1.31 (consistent lists from the watch cache):
//   ""        consistent: once the watch cache has seen etcd's current revision (waiting up to 3 s),
//             from the cache; from etcd if it does not get there in time.
//   "0"       any recent state: from the cache as it is.
//   "N"       exact: from the cache when its window covers N, else from etcd at N (OUT_OF_RANGE once
//             compacted); a revision newer than etcd's gets "Too large resource version".
// Pages of one list share one revision: a continue token pins it, and is read from the cache while
// its window covers that revision, else from etcd at that revision. Either way a revision etcd has
// compacted is OUT_OF_RANGE (a one-key read at it checks, before the cache answers), as Kubernetes
// drops its cache snapshots on compaction.
import { ApiError, expired, fieldError, invalid, type KObject, type ResourceType } from '@skiff/api';
import { encodeObject } from '@skiff/machinery';
import type { CachedObject } from '../cache/cached-object.js';
import type { EtcdStore } from '../etcd/store.js';
import type { KeyLayout } from '../etcd/keys.js';
import type { ObjectFilter } from '../cache/filter.js';
import { tooLargeResourceVersion, type WatchCache } from '../cache/watch-cache.js';
import { decodeStored } from './admission.js';

export interface ListQuery {
  namespace: string;
  filter: ObjectFilter;
  limit: number;
  continueToken: string;
  resourceVersion: string;
}

export interface ListPage<I = KObject> {
  items: I[];
  resourceVersion: string;
  continue: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  /** Revision of the snapshot. */
  rv: string;
  /** First etcd key of the next page. */
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string, prefix: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString()) as ContinueToken;
    if (typeof t.rv !== 'string' || !/^\d+$/.test(t.rv) || typeof t.start !== 'string' || !t.start.startsWith(prefix)) throw new Error('bad');
    return t;
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'invalid continue token', { reason: 'BadRequest', fields: [fieldError('continue', 'Invalid', 'not a continue token of this list')] });
  }
}

/** The form a list's items take: objects (for the registry's own use), or their wire bytes (for a
 * List response: a cached object's bytes are encoded once and kept, cached-object.ts). */
export interface ItemForm<I> {
  fromCache(c: CachedObject): I;
  fromObject(o: KObject): I;
}

export const DECODED: ItemForm<KObject> = { fromCache: (c) => c.decode(), fromObject: (o) => o };
export const ENCODED: ItemForm<Buffer> = { fromCache: (c) => c.encoded(), fromObject: (o) => encodeObject(o) };

export async function listObjects<I = KObject>(t: ResourceType, store: EtcdStore, keys: KeyLayout, cache: WatchCache, q: ListQuery, as: ItemForm<I> = DECODED as unknown as ItemForm<I>): Promise<ListPage<I>> {
  if (q.limit < 0) throw invalid('List', t.resource, [fieldError('limit', 'Invalid', 'must be >= 0', q.limit)]);
  if (q.resourceVersion && !/^\d+$/.test(q.resourceVersion)) {
    throw invalid('List', t.resource, [fieldError('resourceVersion', 'Invalid', 'must be a decimal revision, "0" or empty', q.resourceVersion)]);
  }
  const prefix = keys.resourcePrefix(t, q.namespace);
  if (q.continueToken) {
    const tok = decodeContinue(q.continueToken, prefix);
    const rv = BigInt(tok.rv);
    if (cache.covers(rv)) {
      await cache.checkNotCompacted(rv).catch((e: unknown) => {
        throw e instanceof ApiError && e.code === 'OUT_OF_RANGE' ? continueExpired() : e;
      });
      return fromCache(cache, q, rv, cache.cacheKey(tok.start), as);
    }
    return fromEtcd(store, prefix, q, tok.rv, tok.start, as);
  }
  if (q.resourceVersion === '0') {
    await cache.whenReady();
    return fromCache(cache, q, cache.revision, '', as);
  }
  if (q.resourceVersion === '') {
    if (cache.isReady && (await cache.waitUntilFresh(await cache.currentRevision()))) return fromCache(cache, q, cache.revision, '', as);
    return fromEtcd(store, prefix, q, undefined, undefined, as);
  }
  const rv = BigInt(q.resourceVersion);
  if (cache.covers(rv)) {
    await cache.checkNotCompacted(rv);
    return fromCache(cache, q, rv, '', as);
  }
  if (rv > cache.revision) {
    if (cache.isReady && (await cache.waitUntilFresh(rv)) && cache.covers(rv)) return fromCache(cache, q, rv, '', as);
    const current = await cache.currentRevision();
    if (rv > current) throw tooLargeResourceVersion(rv, current);
  }
  return fromEtcd(store, prefix, q, q.resourceVersion, undefined, as);
}

function continueExpired(): ApiError {
  return expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
}

function fromCache<I>(cache: WatchCache, q: ListQuery, at: bigint, start: string, as: ItemForm<I>): ListPage<I> {
  const page = cache.page(q.filter, { at, start, limit: q.limit });
  const rv = String(page.revision);
  const out: ListPage<I> = {
    items: page.items.map((c) => as.fromCache(c)),
    resourceVersion: rv,
    continue: page.next === undefined ? '' : encodeContinue({ rv, start: cache.storeKey(page.next) }),
  };
  if (page.remaining !== undefined) out.remainingItemCount = page.remaining;
  return out;
}

/** A snapshot read from etcd at `revision` (the latest when undefined), from key `start`. */
async function fromEtcd<I>(store: EtcdStore, prefix: string, q: ListQuery, revision: string | undefined, start: string | undefined, as: ItemForm<I>): Promise<ListPage<I>> {
  const items: I[] = [];
  const pageSize = q.limit > 0 ? Math.max(q.limit, 50) : 10_000;
  for (;;) {
    let page;
    try {
      page = await store.range(prefix, { ...(start ? { start } : {}), ...(revision ? { revision } : {}), limit: pageSize });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'OUT_OF_RANGE' && q.continueToken) {
        throw continueExpired();
      }
      throw e;
    }
    revision ??= page.revision;
    let lastKey: string | undefined;
    for (const kv of page.kvs) {
      lastKey = kv.key;
      const obj = decodeStored(kv.value, kv.modRevision);
      if (!q.filter.matchesObject(obj)) continue;
      items.push(as.fromObject(obj));
      if (q.limit > 0 && items.length === q.limit) {
        const next = kv.key + '\0';
        const more = page.more || page.kvs[page.kvs.length - 1]!.key !== kv.key;
        if (!more) return { items, resourceVersion: revision, continue: '' };
        const remaining = await store.range(prefix, { start: next, revision, limit: 1 });
        if (remaining.count === 0) return { items, resourceVersion: revision, continue: '' };
        const out: ListPage<I> = { items, resourceVersion: revision, continue: encodeContinue({ rv: revision, start: next }) };
        if (!q.filter.selective) out.remainingItemCount = remaining.count;
        return out;
      }
    }
    if (!page.more || !lastKey) break;
    start = lastKey + '\0';
  }
  return { items, resourceVersion: revision, continue: '' };
}

