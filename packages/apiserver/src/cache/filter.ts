// Which objects a list or watch wants: namespace, label selector, field selector.
import { parseFieldSelector, parseLabelSelector, type KObject, type ResourceType } from '@skiff/api';
import type { Selectable } from './cached-object.js';

export interface ObjectFilter {
  namespace: string;
  /** Whether any selector is set (an empty filter matches everything in the namespace). */
  selective: boolean;
  /** The exact `spec.nodeName=X` a pod watcher asked for, for the watch cache's index. */
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
  const nodeReq = fields.requirements.find((r) => r.field === 'spec.nodeName' && (r.operator === '=' || r.operator === '=='));
  const filter: ObjectFilter = {
    namespace: ns,
    selective: !labels.empty || !fields.empty,
    matches(s: Selectable): boolean {
      if (ns && s.namespace !== ns) return false;
      return labels.matches(s.labels ?? {}) && fields.matchesFields(s.fields);
    },
    matchesObject(obj: KObject): boolean {
      if (ns && obj.metadata.namespace !== ns) return false;
      return labels.matches(obj.metadata.labels ?? {}) && fields.matches(obj);
    },
  };
  if (t.kind === 'Pod' && nodeReq) filter.nodeName = nodeReq.value;
  return filter;
}
