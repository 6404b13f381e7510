// -o yaml, -o json and -o name.
import type { KObject } from '@skiff/api';
import { stringify } from 'yaml';
import { objectRef, typeOfObject } from '../resources.js';

/**
 * YAML as kubectl prints it: a string that a YAML 1.1 reader (PyYAML, go-yaml v2, Ruby) would take
 * for something else is quoted: `creationTimestamp: "2026-12-03T10:00:00Z"` (not a date),
 * `enabled: "yes"` (not a boolean), `mode: "0755"` (not an octal number).
 */
export function toYaml(v: unknown): string {
  return stringify(v, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}

/** JSON as kubectl prints it: four-space indent. */
export function toJson(v: unknown): string {
  return `${JSON.stringify(v, null, 4)}\n`;
}

/** Several objects as kubectl returns them: a `kind: List`. */
export function asList(items: readonly KObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

export function toName(obj: KObject): string {
  return `${objectRef(typeOfObject(obj), obj.metadata.name ?? '')}\n`;
}

export type StructuredFormat = 'yaml' | 'json' | 'name';

/** One object or a List in the format; `name` prints one line per object. */
export function renderStructured(format: StructuredFormat, objs: readonly KObject[], single: boolean): string {
  if (format === 'name') return objs.map(toName).join('');
  const value = single && objs.length === 1 ? objs[0] : asList(objs);
  return format === 'yaml' ? toYaml(value) : toJson(value);
}
