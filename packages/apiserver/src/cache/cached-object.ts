// An object as the watch cache holds it: its stored JSON as one string, plus the few values that
// filters and indexes read (namespace, labels, selectable fields). A cache of tens of thousands of
// objects is then a few JS objects per entry instead of a whole tree each: the garbage collector
// has little to trace (shorter pauses) and the heap stays small. decode() gives a fresh copy, which
// its caller may change freely.
import { fieldsOf, type KObject, type ResourceType } from '@skiff/api';
import { parseStored } from '../registry/admission.js';

/** What label and field selectors read of an object. */
export interface Selectable {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly fields: Readonly<Record<string, string>>;
}

export class CachedObject implements Selectable {
  private constructor(
    /** "namespace/name", or "name" for cluster-scoped kinds. */
    readonly key: string,
    readonly resourceVersion: string,
    /** The stored form: JSON without resourceVersion. */
    private readonly json: string,
    readonly namespace: string,
    readonly labels: Readonly<Record<string, string>> | undefined,
    readonly fields: Readonly<Record<string, string>>,
  ) {}

  /**
   * From a stored value (etcd's bytes) at revision `rv`. Returns the decoded object too: callers
   * that need it right away (to encode a watch event) then parse the JSON only once.
   */
  static fromStored(t: ResourceType, key: string, value: Buffer, rv: string): { cached: CachedObject; decoded: KObject } {
    const json = value.toString();
    const decoded = parseStored(json, rv);
    const m = decoded.metadata;
    const cached = new CachedObject(key, rv, json, m.namespace ?? '', m.labels, fieldsOf(t.kind, decoded));
    return { cached, decoded };
  }

  /** A fresh copy of the object, with its resourceVersion. */
  decode(): KObject {
    return parseStored(this.json, this.resourceVersion);
  }

  /** The same object stamped with another revision (the last state of a deleted object). */
  atRevision(rv: string): CachedObject {
    return new CachedObject(this.key, rv, this.json, this.namespace, this.labels, this.fields);
  }

  /** Pods: the node the pod is bound to, "" when unscheduled. */
  get nodeName(): string {
    return this.fields['spec.nodeName'] ?? '';
  }
}
