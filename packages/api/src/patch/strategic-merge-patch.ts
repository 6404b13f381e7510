// Kubernetes' strategic merge patch (application/strategic-merge-patch+json): a JSON merge patch in
// which the lists that Kubernetes tags `patchStrategy: merge` are merged element by element (by
// their merge key, or as a set of primitives) instead of replaced, plus the patch directives:
//   $patch: replace | delete | merge        on an object, or as an element of a list of objects
//   $deleteFromPrimitiveList/<field>: [...]  values to remove from a merged primitive list
//   $setElementOrder/<field>: [...]          the order of a merged list (elements or {key: value})
//   $retainKeys: [...]                       the keys an object keeps (union types): others go
// The result copies what the patch changes and shares the rest with `original`; neither input is
// modified. Which lists merge is the data table in merge-keys.ts, per kind and field path.
import { fieldError, invalid } from '../errors.js';
import { mergeKeysByKind, type ListPatchMeta, type MergeKeyTable } from './merge-keys.js';

type JsonObject = Record<string, unknown>;

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

/** The kinds whose fields have a merge table: the kinds a strategic merge patch can be applied to. */
export function supportsStrategicMergePatch(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(mergeKeysByKind, kind);
}

/**
 * Applies a strategic merge patch to `original` (an object of `kind`). Throws INVALID_ARGUMENT (with
 * the field path) for a malformed patch: an unknown `$patch` value, a list element without its
 * merge key, a malformed directive, a kind without a merge table.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: string): unknown {
  const name = String((isObject(original) && isObject(original.metadata) && original.metadata.name) || '');
  const table = mergeKeysByKind[kind];
  if (!table) throw invalid(kind, name, [fieldError('patchType', 'NotSupported', `strategic merge patch is not supported for ${kind}`)]);
  if (!isObject(patch)) throw invalid(kind, name, [fieldError('patch', 'Invalid', 'a strategic merge patch must be a JSON object')]);
  if (patch[PATCH] === 'delete') throw invalid(kind, name, [fieldError(PATCH, 'Invalid', 'a patch cannot delete the whole object; use Delete', 'delete')]);
  return new Merger(table, kind, name).mergeObject(isObject(original) ? original : undefined, patch, '');
}

class Merger {
  constructor(
    private readonly table: MergeKeyTable,
    private readonly kind: string,
    private readonly name: string,
  ) {}

  fail(path: string, detail: string, value?: unknown): never {
    throw invalid(this.kind, this.name, [fieldError(path || '<root>', 'Invalid', detail, value)]);
  }

  /** Merges `patch` into `original` (undefined: none); undefined result means "delete the object". */
  mergeObject(original: JsonObject | undefined, patch: JsonObject, path: string): JsonObject | undefined {
    const directive = patch[PATCH];
    if (directive !== undefined) {
      if (directive === 'delete') return undefined;
      if (directive === 'replace') return withoutKey(patch, PATCH);
      if (directive !== 'merge') this.fail(join(path, PATCH), 'must be "replace", "delete" or "merge"', directive);
    }
    const out: JsonObject = original ? { ...original } : {};
    if (patch[RETAIN_KEYS] !== undefined) this.retainKeys(out, patch, path);
    for (const [k, v] of Object.entries(patch)) {
      if (k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ORDER)) continue;
      if (k.startsWith(DELETE_FROM)) {
        this.deleteFromPrimitiveList(out, k.slice(DELETE_FROM.length), v, path);
        continue;
      }
      const fieldPath = join(path, k);
      if (v === null) {
        delete out[k];
      } else if (Array.isArray(v)) {
        out[k] = this.mergeList(out[k], v, fieldPath);
      } else if (isObject(v)) {
        const merged = this.mergeObject(isObject(out[k]) ? (out[k] as JsonObject) : undefined, v, fieldPath);
        if (merged === undefined) delete out[k];
        else out[k] = merged;
      } else {
        out[k] = v;
      }
    }
    for (const [k, order] of Object.entries(patch)) {
      if (!k.startsWith(SET_ORDER)) continue;
      const field = k.slice(SET_ORDER.length);
      if (!Array.isArray(order)) this.fail(join(path, k), 'must be a list');
      if (Array.isArray(out[field])) out[field] = this.setElementOrder(out[field] as unknown[], order, original?.[field], join(path, field));
    }
    return out;
  }

  /** $retainKeys: keys of `out` not listed go; every key the patch sets must be listed. */
  private retainKeys(out: JsonObject, patch: JsonObject, path: string): void {
    const keep = patch[RETAIN_KEYS];
    if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string')) this.fail(join(path, RETAIN_KEYS), 'must be a list of field names', keep);
    const listed = new Set(keep as string[]);
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith('$') || v === null) continue;
      if (!listed.has(k)) this.fail(join(path, k), `is set by the patch but not listed in ${RETAIN_KEYS}`);
    }
    for (const k of Object.keys(out)) if (!listed.has(k)) delete out[k];
  }

  private deleteFromPrimitiveList(out: JsonObject, field: string, values: unknown, path: string): void {
    if (!Array.isArray(values)) this.fail(join(path, DELETE_FROM + field), 'must be a list', values);
    const cur = out[field];
    if (!Array.isArray(cur)) return;
    const gone = new Set(values);
    out[field] = cur.filter((x) => !gone.has(x));
  }

  private meta(path: string): ListPatchMeta | undefined {
    return this.table[path];
  }

  /** A list field: atomic unless the table says merge. */
  private mergeList(original: unknown, patch: unknown[], path: string): unknown[] {
    const meta = this.meta(path);
    const cur = Array.isArray(original) ? original : [];
    if (!meta) return patch.map((x) => this.fresh(x, path));
    if (meta.mergeKey === undefined) return uniq([...cur, ...patch]);
    return this.mergeByKey(cur, patch, meta.mergeKey, path);
  }

  /** A value with no original counterpart: its directives applied to nothing. */
  private fresh(v: unknown, path: string): unknown {
    return isObject(v) ? (this.mergeObject(undefined, v, path) ?? {}) : v;
  }

  private mergeByKey(original: unknown[], patch: unknown[], key: string, path: string): unknown[] {
    if (patch.some((e) => isObject(e) && e[PATCH] === 'replace')) {
      return patch.filter((e) => !(isObject(e) && e[PATCH] === 'replace'));
    }
    let out = [...original];
    for (const [i, e] of patch.entries()) {
      const at = `${path}[${i}]`;
      if (!isObject(e)) this.fail(at, `must be an object with the merge key "${key}"`, e);
      if (!Object.prototype.hasOwnProperty.call(e, key)) this.fail(at, `does not contain the merge key "${key}"`);
      const id = e[key];
      if (e[PATCH] === 'delete') {
        out = out.filter((o) => !(isObject(o) && o[key] === id));
        continue;
      }
      const idx = out.findIndex((o) => isObject(o) && o[key] === id);
      const merged = this.mergeObject(idx >= 0 ? (out[idx] as JsonObject) : undefined, e, path);
      if (merged === undefined) continue;
      if (idx >= 0) out[idx] = merged;
      else out.push(merged);
    }
    return out;
  }

  /**
   * $setElementOrder: the listed elements (by merge key, or primitive value) come in the listed
   * order; the others (only on the server) keep their place relative to the original list, as
   * Kubernetes' normalizeElementOrder.
   */
  private setElementOrder(merged: unknown[], order: unknown[], original: unknown, path: string): unknown[] {
    const key = this.meta(path)?.mergeKey;
    const id = (x: unknown): unknown => (key !== undefined && isObject(x) ? x[key] : x);
    const orderIds = order.map(id);
    const originalIds = Array.isArray(original) ? original.map(id) : [];
    const pos = (ids: unknown[], x: unknown): number => ids.indexOf(id(x));
    const listed = merged.filter((x) => pos(orderIds, x) >= 0).sort((a, b) => pos(orderIds, a) - pos(orderIds, b));
    const serverOnly = merged.filter((x) => pos(orderIds, x) < 0);
    const out: unknown[] = [];
    let i = 0;
    let j = 0;
    while (i < serverOnly.length || j < listed.length) {
      if (j >= listed.length) out.push(serverOnly[i++]);
      else if (i >= serverOnly.length) out.push(listed[j++]);
      else {
        const a = pos(originalIds, serverOnly[i]);
        const b = pos(originalIds, listed[j]);
        if (a >= 0 && b >= 0 && a < b) out.push(serverOnly[i++]);
        else out.push(listed[j++]);
      }
    }
    return out;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function withoutKey(o: JsonObject, key: string): JsonObject {
  const { [key]: _drop, ...rest } = o;
  return rest;
}

/** Deduplicated, first occurrence kept (primitives compared by value). */
function uniq(xs: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return xs.filter((x) => (seen.has(x) ? false : (seen.add(x), true)));
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
