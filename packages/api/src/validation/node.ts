// Node validation.
import type { FieldError } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from '../labels.js';
import { isDNS1123Subdomain } from '../names.js';
import type { KObject } from '../object.js';
import type { NodeSpec, NodeStatus } from '../types/node.js';
import { Errs, child, cidrError, index, key, oneOf, validateQuantityString, validateTime } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { TAINT_EFFECTS } from './pod.js';

export function validateNode(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: false, nameFn: isDNS1123Subdomain }));
  const spec = (obj.spec ?? {}) as NodeSpec;
  if (spec.podCIDR) {
    const err = cidrError(spec.podCIDR);
    if (err) e.invalid('spec.podCIDR', spec.podCIDR, err);
  }
  (spec.podCIDRs ?? []).forEach((c, i) => {
    const err = cidrError(c);
    if (err) e.invalid(index('spec.podCIDRs', i), c, err);
  });
  if (spec.podCIDR && spec.podCIDRs?.length && spec.podCIDRs[0] !== spec.podCIDR) {
    e.invalid('spec.podCIDRs', spec.podCIDRs, 'first entry must match spec.podCIDR');
  }
  const seen = new Set<string>();
  (spec.taints ?? []).forEach((t, i) => {
    const f = index('spec.taints', i);
    if (!t.key) e.required(child(f, 'key'));
    else e.each(child(f, 'key'), t.key, isQualifiedName(t.key));
    if (t.value) e.each(child(f, 'value'), t.value, isValidLabelValue(t.value));
    oneOf(e, child(f, 'effect'), t.effect, TAINT_EFFECTS);
    validateTime(e, child(f, 'timeAdded'), t.timeAdded);
    const k = `${t.key}:${t.effect}`;
    if (seen.has(k)) e.duplicate(f, { key: t.key, effect: t.effect });
    seen.add(k);
  });
  const status = (obj.status ?? {}) as NodeStatus;
  for (const list of ['capacity', 'allocatable'] as const) {
    for (const [name, q] of Object.entries(status[list] ?? {})) validateQuantityString(e, key(`status.${list}`, name), q);
  }
  if (old) {
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    const o = (old.spec ?? {}) as NodeSpec;
    if (o.podCIDR && spec.podCIDR !== o.podCIDR) e.forbidden('spec.podCIDR', 'node updates may not change podCIDR except from "" to valid');
    if (o.podCIDRs?.length && JSON.stringify(spec.podCIDRs ?? []) !== JSON.stringify(o.podCIDRs)) e.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid');
    if (o.providerID && spec.providerID !== o.providerID) e.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid');
  }
  return e.list;
}
