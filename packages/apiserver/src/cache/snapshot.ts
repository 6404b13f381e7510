// Lists from the watch cache: one page of the objects matching a filter, at the cache's revision or
// at an older revision its window still covers (the current state with the later changes undone),
// in key order from a start key. Continue tokens then page through one snapshot, as etcd's do.
import type { CacheEvent } from './cache-event.js';
import type { CachedObject } from './cached-object.js';
import type { ObjectFilter } from './filter.js';
import type { CacheIndexes } from './indexes.js';
import { lowerBound, type SortedKeys } from './sorted-keys.js';

/** The window of changes, oldest first (an EventWindow; an array in tests). */
export interface EventSeq {
  readonly length: number;
  at(i: number): CacheEvent | undefined;
}

export interface CacheState {
  readonly objects: ReadonlyMap<string, CachedObject>;
  readonly indexes: CacheIndexes;
  /** Changes in revision order; every change after `oldest` is here. */
  readonly history: EventSeq;
  readonly revision: bigint;
}

export interface CachePage {
  items: CachedObject[];
  /** The revision of the snapshot. */
  revision: bigint;
  /** The first key of the next page, when more objects match. */
  next?: string;
  /** How many objects follow this page (only when the filter has no selector). */
  remaining?: number;
}

/** The first index of `h` whose revision is greater than `rev`. */
export function firstAfter(h: EventSeq, rev: bigint): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.at(mid)!.revision <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** key -> its state at `rev` (null: absent), for every key changed after `rev`. */
function undoAfter(h: EventSeq, rev: bigint): Map<string, CachedObject | null> {
  const undo = new Map<string, CachedObject | null>();
  for (let i = firstAfter(h, rev); i < h.length; i++) {
    const e = h.at(i)!;
    if (!undo.has(e.key)) undo.set(e.key, e.type === 'ADDED' ? null : e.prev!);
  }
  return undo;
}

/**
 * One page at revision `at` (state.revision, or older within the window: the caller checks), from
 * key `start` (inclusive; "" for the first page), of at most `limit` objects (0: all).
 */
export function readPage(state: CacheState, filter: ObjectFilter, at: bigint, start: string, limit: number): CachePage {
  const undo = at < state.revision ? undoAfter(state.history, at) : new Map<string, CachedObject | null>();
  const candidates = state.indexes.candidates(filter.exact);
  const current = candidates.keys();
  // The index holds the keys by their current state; a key changed since `at` whose state then
  // matched but which the index now files elsewhere (deleted, moved to another node or namespace)
  // comes from `undo`: the two sorted sequences are merged.
  const revived = [...undo]
    .filter(([k, o]) => o !== null && k >= start && !candidates.has(k) && filter.matches(o))
    .map(([k]) => k)
    .sort();
  const items: CachedObject[] = [];
  let i = lowerBound(current, start);
  let j = 0;
  const at0 = (k: string): CachedObject | undefined => (undo.has(k) ? (undo.get(k) ?? undefined) : state.objects.get(k));
  while (i < current.length || j < revived.length) {
    const k = j >= revived.length || (i < current.length && current[i]! < revived[j]!) ? current[i++]! : revived[j++]!;
    const o = at0(k);
    if (!o || !filter.matches(o)) continue;
    if (limit > 0 && items.length === limit) {
      const page: CachePage = { items, revision: at, next: k };
      if (!filter.selective) page.remaining = 1 + countRest(current, i, revived, j, undo, candidates);
      return page;
    }
    items.push(o);
  }
  return { items, revision: at };
}

function countRest(
  current: readonly string[],
  i: number,
  revived: string[],
  j: number,
  undo: Map<string, CachedObject | null>,
  candidates: SortedKeys,
): number {
  // Without a selector every key of the candidate set (every key, or the namespace's) matches,
  // except those created after the snapshot; the keys gone since come from `revived`.
  let n = current.length - i + revived.length - j;
  const from = current[i];
  if (from === undefined) return revived.length - j;
  for (const [k, o] of undo) if (o === null && k >= from && candidates.has(k)) n--;
  return n;
}
