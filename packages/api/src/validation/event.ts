// Event validation (core/v1 events).
import type { FieldError } from '../errors.js';
import { isDNS1123Subdomain } from '../names.js';
import type { KObject } from '../object.js';
import type { ObjectReference } from '../types/meta.js';
import { Errs, nonNegative, oneOf, validateTime } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

export const EVENT_TYPES = ['Normal', 'Warning'] as const;
const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'Node']);

export function validateEvent(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const inv = obj.involvedObject as ObjectReference | undefined;
  if (!inv || typeof inv !== 'object') e.required('involvedObject');
  else {
    if (!inv.kind) e.required('involvedObject.kind');
    if (!inv.name) e.required('involvedObject.name');
    const ns = obj.metadata?.namespace ?? '';
    if (inv.kind && !CLUSTER_SCOPED_KINDS.has(inv.kind) && inv.namespace && ns && inv.namespace !== ns) {
      e.invalid('involvedObject.namespace', inv.namespace, 'does not match event.namespace');
    }
  }
  oneOf(e, 'type', obj.type as string | undefined, EVENT_TYPES);
  const reason = obj.reason;
  if (typeof reason === 'string' && reason.length > 128) e.tooLong('reason', 128, 'characters');
  const message = obj.message;
  if (typeof message === 'string' && message.length > 4096) e.tooLong('message', 4096, 'characters');
  nonNegative(e, 'count', obj.count as number | undefined);
  validateTime(e, 'firstTimestamp', obj.firstTimestamp as string | undefined);
  validateTime(e, 'lastTimestamp', obj.lastTimestamp as string | undefined);
  validateTime(e, 'eventTime', obj.eventTime as string | undefined);
  if (typeof obj.reportingComponent === 'string' && obj.reportingComponent.length > 128) e.tooLong('reportingComponent', 128, 'characters');
  if (typeof obj.reportingInstance === 'string' && obj.reportingInstance.length > 128) e.tooLong('reportingInstance', 128, 'characters');
  if (typeof obj.action === 'string' && obj.action.length > 128) e.tooLong('action', 128, 'characters');
  if (old) e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return e.list;
}
