// -o yaml, -o json and -o name.
import type { KObject } from '@skiff/api';
import { stringify } from 'yaml';
import { objectRef, typeOfObject } from '../resources.js';

export function toYaml(v: unknown): string {
  return stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });
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
