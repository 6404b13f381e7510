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

const byKey = (a: KObject, b: KObject): number => {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export class StoreLister<T extends KObject> implements Lister<T> {
  constructor(private readonly store: Store<T>) {}

  list(namespace = '', selector?: Selector | string): T[] {
    const sel = toSelector(selector);
    const candidates = namespace ? this.store.byIndex(NAMESPACE_INDEX, namespace) : this.store.list();
    const out = sel && !sel.empty ? candidates.filter((o) => sel.matches(o.metadata.labels)) : candidates;
    return out.sort(byKey);
  }

  get(namespace: string, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  byIndex(indexName: string, value: string): T[] {
    return this.store.byIndex(indexName, value).sort(byKey);
  }

  namespace(namespace: string): NamespaceLister<T> {
    return {
      list: (selector) => this.list(namespace, selector),
      get: (name) => this.get(namespace, name),
    };
  }
}
