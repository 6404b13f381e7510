// Lease validation (coordination.k8s.io/v1).
import type { FieldError } from '../errors.js';
import { isDNS1123Subdomain } from '../names.js';
import type { KObject } from '../object.js';
import type { LeaseSpec } from '../types/lease.js';
import { Errs, nonNegative, positive, validateTime } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

export function validateLease(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const spec = (obj.spec ?? {}) as LeaseSpec;
  positive(e, 'spec.leaseDurationSeconds', spec.leaseDurationSeconds);
  nonNegative(e, 'spec.leaseTransitions', spec.leaseTransitions);
  validateTime(e, 'spec.acquireTime', spec.acquireTime);
  validateTime(e, 'spec.renewTime', spec.renewTime);
  if (spec.holderIdentity !== undefined && spec.holderIdentity !== null && typeof spec.holderIdentity !== 'string') {
    e.invalid('spec.holderIdentity', spec.holderIdentity, 'must be a string');
  }
  if (old) e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return e.list;
}
