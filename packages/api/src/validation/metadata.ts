// ObjectMeta validation (Kubernetes' ValidateObjectMeta / ValidateObjectMetaUpdate).
import type { FieldError } from '../errors.js';
import { isQualifiedName } from '../labels.js';
import { isDNS1123Label, isValidPathSegmentName, validateGenerateName } from '../names.js';
import type { ObjectMeta } from '../object.js';
import { Errs, child, immutable, index, nonNegative, validateLabelMap, validateTime } from './errs.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export type NameValidator = (name: string) => string[];

export interface MetaOptions {
  namespaced: boolean;
  /** The name syntax of the kind (DNS-1123 subdomain for most). */
  nameFn: NameValidator;
}

/** Labels: qualified-name keys and label values. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const e = new Errs();
  validateLabelMap(e, field, labels);
  return e.list;
}

/** Annotations: qualified-name keys (lower-cased, as Kubernetes), total size <= 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const e = new Errs();
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    e.each(field, k, isQualifiedName(k.toLowerCase()));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) e.tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT);
  return e.list;
}

export function validateObjectMeta(meta: ObjectMeta | undefined, opts: MetaOptions, path = 'metadata'): FieldError[] {
  const e = new Errs();
  if (!meta || typeof meta !== 'object') {
    e.required(path);
    return e.list;
  }
  const name = meta.name ?? '';
  const gen = meta.generateName ?? '';
  if (gen) for (const m of validateGenerateName(gen, opts.nameFn)) e.invalid(child(path, 'generateName'), gen, m);
  if (!name) {
    if (!gen) e.required(child(path, 'name'), 'name or generateName is required');
  } else {
    const msgs = opts.nameFn(name);
    e.each(child(path, 'name'), name, msgs.length ? msgs : isValidPathSegmentName(name));
  }
  const ns = meta.namespace ?? '';
  if (opts.namespaced) {
    if (ns) e.each(child(path, 'namespace'), ns, isDNS1123Label(ns));
  } else if (ns) {
    e.forbidden(child(path, 'namespace'), 'not allowed on this type');
  }
  nonNegative(e, child(path, 'generation'), meta.generation);
  nonNegative(e, child(path, 'deletionGracePeriodSeconds'), meta.deletionGracePeriodSeconds);
  validateTime(e, child(path, 'creationTimestamp'), meta.creationTimestamp);
  validateTime(e, child(path, 'deletionTimestamp'), meta.deletionTimestamp);
  e.list.push(...validateLabels(meta.labels, child(path, 'labels')));
  e.list.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  validateOwnerReferences(e, meta, child(path, 'ownerReferences'));
  validateFinalizers(e, meta.finalizers, child(path, 'finalizers'));
  return e.list;
}

function validateOwnerReferences(e: Errs, meta: ObjectMeta, field: string): void {
  const controllers: string[] = [];
  (meta.ownerReferences ?? []).forEach((r, i) => {
    const f = index(field, i);
    if (!r.apiVersion) e.invalid(child(f, 'apiVersion'), r.apiVersion ?? '', 'version must not be empty');
    if (!r.kind) e.invalid(child(f, 'kind'), r.kind ?? '', 'kind must not be empty');
    if (!r.name) e.invalid(child(f, 'name'), r.name ?? '', 'name must not be empty');
    if (!r.uid) e.invalid(child(f, 'uid'), r.uid ?? '', 'uid must not be empty');
    if (r.controller) controllers.push(`${r.kind}/${r.name}`);
  });
  if (controllers.length > 1) {
    e.invalid(field, meta.ownerReferences, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`);
  }
}

function validateFinalizers(e: Errs, finalizers: string[] | undefined, field: string): void {
  const seen = new Set<string>();
  (finalizers ?? []).forEach((f, i) => {
    e.each(index(field, i), f, isQualifiedName(f));
    if (seen.has(f)) e.duplicate(index(field, i), f);
    seen.add(f);
  });
  if (seen.has('orphan') && seen.has('foregroundDeletion')) {
    e.invalid(field, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set');
  }
}

/** Immutable metadata on update: name, namespace, uid, creationTimestamp (uid and time when sent). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const e = new Errs();
  immutable(e, child(path, 'name'), meta.name ?? '', old.name ?? '');
  immutable(e, child(path, 'namespace'), meta.namespace ?? '', old.namespace ?? '');
  if (meta.uid) immutable(e, child(path, 'uid'), meta.uid, old.uid ?? '');
  if (meta.creationTimestamp) immutable(e, child(path, 'creationTimestamp'), meta.creationTimestamp, old.creationTimestamp ?? '');
  if (old.deletionTimestamp && meta.deletionTimestamp && meta.deletionTimestamp !== old.deletionTimestamp) {
    e.invalid(child(path, 'deletionTimestamp'), meta.deletionTimestamp, 'field is immutable; may only be changed via deletion');
  }
  if (old.deletionTimestamp) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length) e.forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`);
  }
  if (meta.generation !== undefined && old.generation !== undefined && meta.generation < old.generation) {
    e.invalid(child(path, 'generation'), meta.generation, 'must not be decremented');
  }
  return e.list;
}
