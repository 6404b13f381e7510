// Which objects a list or watch wants: namespace, label selector, field selector.
import { parseFieldSelector, parseLabelSelector, type KObject, type ResourceType } from '@skiff/api';
import type { Selectable } from './cached-object.js';
import { INDEXED_FIELDS } from './indexes.js';

export interface ObjectFilter {
  namespace: string;
  /** Whether any selector is set (an empty filter matches everything in the namespace). */
  selective: boolean;
  /** Values the filter pins exactly: "metadata.namespace" and the `=` requirements on indexed fields. */
  exact: Readonly<Record<string, string>>;
  /** The exact `spec.nodeName=X` a watcher asked for, for the watch cache's watcher index. */
  nodeName?: string;
  /** On the watch cache's entries. */
  matches(s: Selectable): boolean;
  /** On a decoded object (lists read from etcd). */
  matchesObject(obj: KObject): boolean;
}

export function makeFilter(t: ResourceType, namespace: string, labelSelector: string, fieldSelector: string): ObjectFilter {
  const labels = parseLabelSelector(labelSelector ?? '');
  const fields = parseFieldSelector(fieldSelector ?? '', t.kind);
  const ns = t.namespaced ? namespace : '';
  const exact: Record<string, string> = {};
  if (ns) exact['metadata.namespace'] = ns;
  for (const f of INDEXED_FIELDS) {
    const v = fields.exactMatch(f);
    if (v !== undefined) exact[f] = v;
  }
  const filter: ObjectFilter = {
    namespace: ns,
    selective: !labels.empty || !fields.empty,
    exact,
    matches(s: Selectable): boolean {
      if (ns && s.namespace !== ns) return false;
      return labels.matches(s.labels ?? {}) && fields.matchesFields(s.fields);
    },
    matchesObject(obj: KObject): boolean {
      if (ns && obj.metadata.namespace !== ns) return false;
      return labels.matches(obj.metadata.labels ?? {}) && fields.matches(obj);
    },
  };
  if (exact['spec.nodeName'] !== undefined) filter.nodeName = exact['spec.nodeName'];
  return filter;
}
