// An object as the watch cache holds it: its stored JSON as one string, plus the few values that
// filters and indexes read (namespace, labels, selectable fields). A cache of tens of thousands of
// objects is then a few JS objects per entry instead of a whole tree each: the garbage collector
// has little to trace (shorter pauses) and the heap stays small. decode() gives a fresh copy, which
// its caller may change freely.
import { fieldsOf, type KObject, type ResourceType } from '@skiff/api';
import { encodeObject } from '@skiff/machinery';
import { parseStored } from '../registry/admission.js';

/** What label and field selectors read of an object. */
export interface Selectable {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly fields: Readonly<Record<string, string>>;
}

interface Selection {
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly fields: Readonly<Record<string, string>>;
}

function selectionOf(kind: string, obj: KObject): Selection {
  return { labels: obj.metadata.labels, fields: fieldsOf(kind, obj) };
}

export class CachedObject implements Selectable {
  /** Its skiff.v1.Object bytes, once a list or a watch event has needed them. */
  private wire: Buffer | undefined;

  private constructor(
    /** "namespace/name", or "name" for cluster-scoped kinds. */
    readonly key: string,
    readonly resourceVersion: string,
    /** The stored form: JSON without resourceVersion. */
    private readonly json: string,
    readonly namespace: string,
    private readonly kind: string,
    /** Labels and selectable fields: read from the JSON the first time a filter or index asks. */
    private selection: Selection | undefined,
  ) {}

  /**
   * From a stored value (etcd's bytes) at revision `rv`, without parsing it: the namespace comes from
   * the key, labels and fields are parsed when first read. A change that nobody watches or selects
   * on then costs no JSON parse at all.
   */
  static fromStored(t: ResourceType, key: string, value: Buffer, rv: string): CachedObject {
    const namespace = t.namespaced ? key.slice(0, key.indexOf('/')) : '';
    return new CachedObject(key, rv, value.toString(), namespace, t.kind, undefined);
  }

  /** As fromStored, parsed at once; returns the decoded object too, for callers that need it right
   * away (to encode a watch event), so the JSON is parsed only once. */
  static fromStoredDecoded(t: ResourceType, key: string, value: Buffer, rv: string): { cached: CachedObject; decoded: KObject } {
    const json = value.toString();
    const decoded = parseStored(json, rv);
    const cached = new CachedObject(key, rv, json, decoded.metadata.namespace ?? '', t.kind, selectionOf(t.kind, decoded));
    return { cached, decoded };
  }

  get labels(): Readonly<Record<string, string>> | undefined {
    return this.selected().labels;
  }

  get fields(): Readonly<Record<string, string>> {
    return this.selected().fields;
  }

  private selected(): Selection {
    return (this.selection ??= selectionOf(this.kind, this.decode()));
  }

  /** A fresh copy of the object, with its resourceVersion. */
  decode(): KObject {
    return parseStored(this.json, this.resourceVersion);
  }

  /**
   * Its skiff.v1.Object bytes (with its resourceVersion), encoded the first time they are asked for
   * (from `decoded` when the caller has the object already) and kept: lists, re-lists and the
   * events of this state then send the same bytes without decoding or encoding it again.
   */
  encoded(decoded?: KObject): Buffer {
    this.wire ??= encodeObject(decoded ?? this.decode());
    return this.wire;
  }

  /** Whether the stored JSON contains `text` anywhere: a cheap test before decoding (a false match
   * only costs the decode). */
  mentions(text: string): boolean {
    return this.json.includes(text);
  }

  /** The same object stamped with another revision (the last state of a deleted object). */
  atRevision(rv: string): CachedObject {
    return new CachedObject(this.key, rv, this.json, this.namespace, this.kind, this.selection);
  }

  /** Pods: the node the pod is bound to, "" when unscheduled. */
  get nodeName(): string {
    return this.fields['spec.nodeName'] ?? '';
  }
}
