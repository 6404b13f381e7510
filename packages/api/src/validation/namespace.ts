// Namespace validation.
import type { FieldError } from '../errors.js';
import { isQualifiedName } from '../labels.js';
import { isDNS1123Label } from '../names.js';
import type { KObject } from '../object.js';
import type { NamespaceSpec, NamespaceStatus } from '../types/namespace.js';
import { Errs, index, oneOf } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

export const NAMESPACE_PHASES = ['Active', 'Terminating'] as const;

export function validateNamespace(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: false, nameFn: isDNS1123Label }));
  const spec = (obj.spec ?? {}) as NamespaceSpec;
  (spec.finalizers ?? []).forEach((f, i) => e.each(index('spec.finalizers', i), f, isQualifiedName(f)));
  const status = (obj.status ?? {}) as NamespaceStatus;
  oneOf(e, 'status.phase', status.phase, NAMESPACE_PHASES, true);
  if (old) e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return e.list;
}
