// Typed listers over an informer's store, as client-go's generated listers: reads of the local
// cache by namespace, label selector and custom index. Objects are the cached ones: read-only.
import { type KObject, type Selector, parseLabelSelector } from '@skiff/api';
import type { SharedInformer } from './shared-informer.js';
import { NAMESPACE_INDEX, type Store } from './store.js';

export interface Lister<T extends KObject = KObject> {
  /**
   * Cached objects of `namespace` ("" or undefined: every namespace) that match the label selector
   * (a Selector or its string form; undefined: everything), sorted by key.
   */
  list(namespace?: string, selector?: Selector | string): T[];
  /** The cached object, or undefined. */
  get(namespace: string, name: string): T | undefined;
  /** Objects whose index `indexName` yields `value` (see SharedInformer.addIndexer). */
  byIndex(indexName: string, value: string): T[];
  /** A view of one namespace: `lister.namespace('default').list(selector)`. */
  namespace(namespace: string): NamespaceLister<T>;
}

export interface NamespaceLister<T extends KObject = KObject> {
  list(selector?: Selector | string): T[];
  get(name: string): T | undefined;
}

/** The lister of an informer's cache. */
export function listerFor<T extends KObject>(informer: SharedInformer<T>): Lister<T> {
  return new StoreLister(informer.indexer());
}

function toSelector(selector: Selector | string | undefined): Selector | undefined {
  if (selector === undefined) return undefined;
  return typeof selector === 'string' ? parseLabelSelector(selector) : selector;
}

export class StoreLister<T extends KObject> implements Lister<T> {
  constructor(private readonly store: Store<T>) {}

  /**
   * The store's keys ("ns/name", or "name" when cluster-scoped: one resource has one scope, so
   * either way the order is by namespace, then name) sorted as they are, then their objects: no
   * key is built per comparison (that cost a controller-manager a fifth of its CPU at 3,000 pods).
   */
  private objectsOf(keys: string[]): T[] {
    keys.sort();
    const out: T[] = new Array<T>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this.store.get(keys[i]!)!;
    return out;
  }

  list(namespace = '', selector?: Selector | string): T[] {
    const sel = toSelector(selector);
    const all = this.objectsOf(namespace ? this.store.keysByIndex(NAMESPACE_INDEX, namespace) : this.store.keys());
    return sel && !sel.empty ? all.filter((o) => sel.matches(o.metadata.labels)) : all;
  }

  get(namespace: string, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  byIndex(indexName: string, value: string): T[] {
    return this.objectsOf(this.store.keysByIndex(indexName, value));
  }

  namespace(namespace: string): NamespaceLister<T> {
    return {
      list: (selector) => this.list(namespace, selector),
      get: (name) => this.get(namespace, name),
    };
  }
}
