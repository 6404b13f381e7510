// A table column: a header and how to compute the cell of one object.
import type { KObject } from '@skiff/api';
import { age } from '../age.js';

export interface CellContext {
  /** Milliseconds since the epoch (ages are relative to it). */
  now: number;
}

export interface Column {
  header: string;
  /** Shown only with -o wide. */
  wide?: boolean;
  cell(obj: KObject, ctx: CellContext): string;
}

/** Loose access to a kind's fields: the printers read any shape the server sends. */
export type Loose = Record<string, any>;

export function loose(obj: KObject): Loose {
  return obj as Loose;
}

export const NAME: Column = { header: 'NAME', cell: (o) => o.metadata.name ?? '' };
export const AGE: Column = { header: 'AGE', cell: (o, c) => age(o.metadata.creationTimestamp, c.now) };

export function col(header: string, cell: Column['cell'], wide = false): Column {
  return wide ? { header, cell, wide } : { header, cell };
}

/** `a=1,b=2`, or `<none>`. */
export function formatMap(m: Record<string, string> | undefined): string {
  const entries = Object.entries(m ?? {});
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** A label selector as kubectl prints it: `app=web,tier in (a,b)`. */
export function formatSelector(sel: Loose | undefined): string {
  if (!sel) return '<none>';
  const parts = Object.entries((sel.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  for (const e of (sel.matchExpressions ?? []) as Loose[]) {
    const values = ((e.values ?? []) as string[]).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(`${e.key}`);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        parts.push(`${e.key} ${e.operator} (${values})`);
    }
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}
