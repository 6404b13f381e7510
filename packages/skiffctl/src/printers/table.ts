// Tables of objects of one type: the kind's columns, plus NAMESPACE (-A), LABELS (--show-labels),
// wide columns (-o wide) and `kind/name` names when several types are printed together.
import type { KObject, ResourceType } from '@skiff/api';
import { singularRef } from '../resources.js';
import { formatMap, type CellContext, type Column } from './column.js';
import { columnsFor } from './column-registry.js';
import { layoutRows, type Layout } from './table-layout.js';

export interface TableOptions {
  wide?: boolean;
  /** A NAMESPACE column first (-A). Ignored for cluster-scoped types. */
  namespaceColumn?: boolean;
  /** NAME cells as `deployment.apps/web` (several types in one output). */
  withKind?: boolean;
  showLabels?: boolean;
  noHeaders?: boolean;
  now: number;
}

export function tableColumns(type: ResourceType, opts: TableOptions): Column[] {
  const cols = columnsFor(type.kind).filter((c) => opts.wide || !c.wide);
  const out: Column[] = [];
  if (opts.namespaceColumn && type.namespaced) out.push({ header: 'NAMESPACE', cell: (o) => o.metadata.namespace ?? '' });
  for (const c of cols) {
    if (c.header === 'NAME' && opts.withKind && !c.wide) out.push({ header: 'NAME', cell: (o) => `${singularRef(type)}/${o.metadata.name ?? ''}` });
    else out.push(c);
  }
  if (opts.showLabels) out.push({ header: 'LABELS', cell: (o) => formatMap(o.metadata.labels) });
  return out;
}

export function headerRow(cols: readonly Column[]): string[] {
  return cols.map((c) => c.header);
}

export function objectRow(cols: readonly Column[], obj: KObject, ctx: CellContext): string[] {
  return cols.map((c) => {
    try {
      return c.cell(obj, ctx);
    } catch {
      return '<error>';
    }
  });
}

/** The whole table; its column widths let later rows (watch) line up with it. */
export function renderTable(type: ResourceType, objs: readonly KObject[], opts: TableOptions): Layout {
  const cols = tableColumns(type, opts);
  const ctx = { now: opts.now };
  const rows = objs.map((o) => objectRow(cols, o, ctx));
  if (!opts.noHeaders) rows.unshift(headerRow(cols));
  return layoutRows(rows);
}
