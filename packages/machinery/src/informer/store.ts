// The informer's local cache: objects by "ns/name" key, with optional secondary indexes. Objects in
// the store are deep-frozen: they are shared by every reader, clone() before changing one.
import type { KObject } from '@skiff/api';

/** Index values of an object, e.g. byNode: pod => [pod.spec.nodeName]. */
export type IndexFunc<T extends KObject = KObject> = (obj: T) => string[];

/** The index every store has: objects by metadata.namespace ("" for cluster-scoped), as client-go's. */
export const NAMESPACE_INDEX = 'namespace';

/** Freezes an object and everything in it, in place. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

export class Store<T extends KObject = KObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name -> index value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndexer(NAMESPACE_INDEX, (obj) => [obj.metadata.namespace ?? '']);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Adds an index; existing objects are indexed at once. A name can be added only once. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`indexer "${name}" already exists`);
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  /** Objects whose index `name` yields `value`. Unknown index: an Error. */
  byIndex(name: string, value: string): T[] {
    return this.keysByIndex(name, value).map((k) => this.items.get(k)!);
  }

  /** The keys of the objects whose index `name` yields `value`. Unknown index: an Error. */
  keysByIndex(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`indexer "${name}" does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** Index names. */
  indexNames(): string[] {
    return [...this.indexers.keys()];
  }

  /** Stores a (frozen) object under `key`, re-indexing it. */
  set(key: string, obj: T): void {
    this.unindex(key);
    this.items.set(key, deepFreeze(obj));
    for (const [name, fn] of this.indexers) this.indexOne(name, fn, key, obj);
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    this.unindex(key);
    this.items.delete(key);
    return old;
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const index = this.indices.get(name)!;
    for (const v of new Set(fn(obj))) {
      let keys = index.get(v);
      if (!keys) index.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const v of fn(old)) {
        const keys = index.get(v);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(v);
      }
    }
  }
}
