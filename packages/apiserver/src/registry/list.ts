// Lists: consistent snapshots read from etcd at one revision (paged with continue tokens that pin
// that revision), or from the watch cache for resourceVersion "0".
import { ApiError, expired, fieldError, invalid, type KObject, type ResourceType } from '@skiff/api';
import type { EtcdStore } from '../etcd/store.js';
import type { KeyLayout } from '../etcd/keys.js';
import type { ObjectFilter } from '../cache/filter.js';
import type { WatchCache } from '../cache/watch-cache.js';
import { decodeStored } from './admission.js';

export interface ListQuery {
  namespace: string;
  filter: ObjectFilter;
  limit: number;
  continueToken: string;
  resourceVersion: string;
}

export interface ListPage {
  items: KObject[];
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

export async function listObjects(t: ResourceType, store: EtcdStore, keys: KeyLayout, cache: WatchCache, q: ListQuery): Promise<ListPage> {
  if (q.limit < 0) throw invalid('List', t.resource, [fieldError('limit', 'Invalid', 'must be >= 0', q.limit)]);
  if (q.resourceVersion && !/^\d+$/.test(q.resourceVersion)) {
    throw invalid('List', t.resource, [fieldError('resourceVersion', 'Invalid', 'must be a decimal revision, "0" or empty', q.resourceVersion)]);
  }
  if (q.resourceVersion === '0' && !q.continueToken) {
    await cache.whenReady();
    const { items, revision } = cache.list(q.filter);
    return { items: items.map((c) => c.decode()), resourceVersion: String(revision), continue: '' };
  }
  const prefix = keys.resourcePrefix(t, q.namespace);
  let revision: string | undefined;
  let start: string | undefined;
  if (q.continueToken) {
    const tok = decodeContinue(q.continueToken, prefix);
    revision = tok.rv;
    start = tok.start;
  } else if (q.resourceVersion) {
    revision = q.resourceVersion;
  }
  const items: KObject[] = [];
  const pageSize = q.limit > 0 ? Math.max(q.limit, 50) : 10_000;
  for (;;) {
    let page;
    try {
      page = await store.range(prefix, { ...(start ? { start } : {}), ...(revision ? { revision } : {}), limit: pageSize });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'OUT_OF_RANGE' && q.continueToken) {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      throw e;
    }
    revision ??= page.revision;
    let lastKey: string | undefined;
    for (const kv of page.kvs) {
      lastKey = kv.key;
      const obj = decodeStored(kv.value, kv.modRevision);
      if (!q.filter.matchesObject(obj)) continue;
      items.push(obj);
      if (q.limit > 0 && items.length === q.limit) {
        const next = kv.key + '\0';
        const more = page.more || page.kvs[page.kvs.length - 1]!.key !== kv.key;
        if (!more) return { items, resourceVersion: revision, continue: '' };
        const remaining = await store.range(prefix, { start: next, revision, limit: 1 });
        if (remaining.count === 0) return { items, resourceVersion: revision, continue: '' };
        const out: ListPage = { items, resourceVersion: revision, continue: encodeContinue({ rv: revision, start: next }) };
        if (!q.filter.selective) out.remainingItemCount = remaining.count;
        return out;
      }
    }
    if (!page.more || !lastKey) break;
    start = lastKey + '\0';
  }
  return { items, resourceVersion: revision, continue: '' };
}

