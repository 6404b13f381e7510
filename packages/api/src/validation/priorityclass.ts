// PriorityClass validation (scheduling.k8s.io/v1), as Kubernetes' ValidatePriorityClass and
// ValidatePriorityClassUpdate. The one-default rule needs the other classes: the apiserver checks
// it at admission.
import type { FieldError } from '../errors.js';
import { isDNS1123Subdomain } from '../names.js';
import type { KObject } from '../object.js';
import {
  HIGHEST_USER_DEFINABLE_PRIORITY,
  PREEMPTION_POLICIES,
  SYSTEM_PRIORITY_CLASS_PREFIX,
  systemPriorityClass,
  type PriorityClass,
} from '../types/scheduling.js';
import { Errs, immutable, isInt, oneOf } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Why a class with a "system-" name is not the built-in it claims to be, or undefined if it is. */
function notKnownSystemClass(pc: PriorityClass): string | undefined {
  const name = pc.metadata?.name ?? '';
  const known = systemPriorityClass(name);
  if (!known) return `${name} is not a known system priority class`;
  if ((pc.value ?? 0) !== known.value) return `value of ${name} PriorityClass must be ${known.value}`;
  if ((pc.globalDefault ?? false) !== (known.globalDefault ?? false)) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault ?? false}`;
  return undefined;
}

export function validatePriorityClass(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  const pc = obj as PriorityClass;
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: false, nameFn: isDNS1123Subdomain }));
  const value = pc.value ?? 0;
  if (!isInt(value) || value < INT32_MIN || value > INT32_MAX) e.invalid('value', value, 'must be a 32-bit integer');
  if (pc.globalDefault !== undefined && pc.globalDefault !== null && typeof pc.globalDefault !== 'boolean') e.invalid('globalDefault', pc.globalDefault, 'must be a boolean');
  if (pc.description !== undefined && pc.description !== null && typeof pc.description !== 'string') e.invalid('description', pc.description, 'must be a string');
  const name = obj.metadata?.name ?? '';
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const why = notKnownSystemClass(pc);
    if (why) e.forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${why}`);
  } else if (isInt(value) && value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    e.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`);
  }
  oneOf(e, 'preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES, true);
  if (old) {
    const prev = old as PriorityClass;
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    if ((pc.value ?? 0) !== (prev.value ?? 0)) e.forbidden('value', 'may not be changed in an update.');
    immutable(e, 'preemptionPolicy', pc.preemptionPolicy, prev.preemptionPolicy);
    // The built-in classes do not change at all (their labels and annotations may).
    if (systemPriorityClass(name) && (pc.description ?? '') !== (prev.description ?? '')) {
      e.forbidden('description', `may not be changed in an update of the built-in class ${name}`);
    }
  }
  return e.list;
}
