// The watch cache's indexes: every key in order, the keys of each namespace (namespaced kinds), and
// the keys of each value of the indexed selectable fields (spec.nodeName of pods, as Kubernetes'
// pod indexer: a node agent lists and watches only its own pods). Updated with every change the
// cache applies; a list starts from the smallest set its filter pins down.
import { selectableFields, type ResourceType } from '@skiff/api';
import type { CachedObject } from './cached-object.js';
import { SortedKeys } from './sorted-keys.js';

/** Selectable fields indexed whenever a kind has them. */
export const INDEXED_FIELDS = ['spec.nodeName'];
const NAMESPACE = 'metadata.namespace';

interface Index {
  field: string;
  valueOf(o: CachedObject): string;
  values: Map<string, SortedKeys>;
}

export class CacheIndexes {
  readonly all = new SortedKeys();
  private readonly indexes: Index[] = [];

  constructor(t: ResourceType) {
    if (t.namespaced) this.indexes.push({ field: NAMESPACE, valueOf: (o) => o.namespace, values: new Map() });
    const selectable = new Set(selectableFields(t.kind));
    for (const field of INDEXED_FIELDS) {
      if (selectable.has(field)) this.indexes.push({ field, valueOf: (o) => o.fields[field] ?? '', values: new Map() });
    }
  }

  /** Moves `key` from where `before` was indexed to where `after` is (undefined: absent). */
  update(key: string, before: CachedObject | undefined, after: CachedObject | undefined): void {
    if (after) this.all.add(key);
    else this.all.delete(key);
    for (const ix of this.indexes) {
      const a = before ? ix.valueOf(before) : undefined;
      const b = after ? ix.valueOf(after) : undefined;
      if (a === b) continue;
      if (a !== undefined) {
        const s = ix.values.get(a);
        s?.delete(key);
        if (s?.size === 0) ix.values.delete(a);
      }
      if (b !== undefined) {
        let s = ix.values.get(b);
        if (!s) ix.values.set(b, (s = new SortedKeys()));
        s.add(key);
      }
    }
  }

  /**
   * The keys a list with these exact requirements (field -> value, "metadata.namespace" included)
   * must look at: the smallest indexed set among them, or every key.
   */
  candidates(exact: Readonly<Record<string, string>>): SortedKeys {
    let best: SortedKeys = this.all;
    for (const ix of this.indexes) {
      const v = exact[ix.field];
      if (v === undefined) continue;
      const s = ix.values.get(v) ?? EMPTY;
      if (s.size < best.size) best = s;
    }
    return best;
  }

  /** Rebuilds from a full state (after a re-list). */
  reset(objects: ReadonlyMap<string, CachedObject>): void {
    for (const k of [...this.all.keys()]) this.all.delete(k);
    for (const ix of this.indexes) ix.values.clear();
    for (const [k, o] of objects) this.update(k, undefined, o);
  }
}

const EMPTY = new SortedKeys();
