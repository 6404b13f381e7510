// A collector of field errors with Kubernetes' error constructors, and small shared checks.
import { isIPv4, isIP } from 'node:net';
import { fieldError, type FieldError } from '../errors.js';
import { jsonEqual } from '../json-equal.js';
import { isQualifiedName, isValidLabelValue, labelSelectorProblems } from '../labels.js';
import { isValidPortName, isValidPortNum } from '../names.js';
import { quantityError } from '../quantity.js';
import type { IntOrString, LabelSelector } from '../types/meta.js';

export class Errs {
  readonly list: FieldError[] = [];

  required(field: string, detail = ''): void {
    this.list.push(fieldError(field, 'Required', detail));
  }
  invalid(field: string, value: unknown, detail: string): void {
    this.list.push(fieldError(field, 'Invalid', detail, value));
  }
  notSupported(field: string, value: unknown, supported: readonly string[]): void {
    this.list.push(fieldError(field, 'NotSupported', `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`, value));
  }
  duplicate(field: string, value: unknown): void {
    this.list.push(fieldError(field, 'Duplicate', 'must be unique', value));
  }
  forbidden(field: string, detail: string): void {
    this.list.push(fieldError(field, 'Forbidden', detail));
  }
  tooLong(field: string, max: number, unit = 'bytes'): void {
    this.list.push(fieldError(field, 'TooLong', `must have at most ${max} ${unit}`));
  }
  /** One Invalid error per message of a validator (isDNS1123Label etc.). */
  each(field: string, value: unknown, messages: string[]): void {
    for (const m of messages) this.invalid(field, value, m);
  }
}

export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Values >= 0 (absent is fine). */
export function nonNegative(e: Errs, field: string, v: number | undefined): void {
  if (v === undefined || v === null) return;
  if (!isInt(v) || v < 0) e.invalid(field, v, 'must be greater than or equal to 0');
}

/** Values > 0 (absent is fine). */
export function positive(e: Errs, field: string, v: number | undefined): void {
  if (v === undefined || v === null) return;
  if (!isInt(v) || v <= 0) e.invalid(field, v, 'must be greater than zero');
}

/** One of the supported values; Required when empty unless `optional`. */
export function oneOf(e: Errs, field: string, v: string | undefined, supported: readonly string[], optional = false): void {
  if (v === undefined || v === null || v === '') {
    if (!optional) e.required(field);
    return;
  }
  if (!supported.includes(v)) e.notSupported(field, v, supported);
}

export function validateLabelMap(e: Errs, field: string, labels: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    e.each(field, k, isQualifiedName(k));
    if (typeof v !== 'string') e.invalid(field, v, 'must be a string');
    else e.each(field, v, isValidLabelValue(v));
  }
}

/** A LabelSelector object (matchLabels / matchExpressions). */
export function validateLabelSelector(e: Errs, field: string, sel: LabelSelector | undefined): void {
  if (!sel) return;
  for (const p of labelSelectorProblems(sel)) e.invalid(child(field, p.field), p.value, p.detail);
}

export function validateQuantityString(e: Errs, field: string, v: unknown): boolean {
  if (typeof v !== 'string') {
    e.invalid(field, v, 'must be a quantity string');
    return false;
  }
  const err = quantityError(v);
  if (err) {
    e.invalid(field, v, err);
    return false;
  }
  return true;
}

export function validateIPv4(e: Errs, field: string, v: string): void {
  if (!isIPv4(v)) e.invalid(field, v, 'must be a valid IPv4 address, (e.g. 10.9.8.7)');
}

export function validateIP(e: Errs, field: string, v: string): void {
  if (isIP(v) === 0) e.invalid(field, v, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
}

/** "10.244.1.0/24" or an IPv6 CIDR: a valid address and a prefix length for its family. */
export function cidrError(v: string): string | undefined {
  const i = v.indexOf('/');
  const msg = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  if (i < 0) return msg;
  const ip = v.slice(0, i);
  const bits = v.slice(i + 1);
  const fam = isIP(ip);
  if (fam === 0 || !/^\d{1,3}$/.test(bits)) return msg;
  const n = Number(bits);
  if (n > (fam === 4 ? 32 : 128)) return msg;
  return undefined;
}

/** A port number or an IANA_SVC_NAME (container port name). */
export function validatePortNumOrName(e: Errs, field: string, port: IntOrString | undefined): void {
  if (port === undefined || port === null || port === '') {
    e.required(field);
  } else if (typeof port === 'number') {
    e.each(field, port, isValidPortNum(port));
  } else if (typeof port === 'string') {
    e.each(field, port, isValidPortName(port));
  } else {
    e.invalid(field, port, 'must be a number or a string');
  }
}

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;


/** Kubernetes' ValidateImmutableField. */
export function immutable(e: Errs, field: string, now: unknown, old: unknown): void {
  if (!jsonEqual(now, old)) e.invalid(field, now, 'field is immutable');
}

/** RFC 3339 time ("2026-11-26T07:00:00Z", optionally with fractional seconds or an offset). */
export function isRFC3339(v: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
}

export function validateTime(e: Errs, field: string, v: string | undefined): void {
  if (v === undefined || v === null || v === '') return;
  if (typeof v !== 'string' || !isRFC3339(v)) e.invalid(field, v, 'must be an RFC 3339 time, e.g. "2006-01-02T15:04:05Z"');
}
