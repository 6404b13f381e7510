// Client-side apply's three-way JSON merge patch (RFC 7386), as kubectl computes it for types
// without a strategic-merge schema:
//
//   original  the last applied manifest (the last-applied-configuration annotation)
//   modified  the manifest being applied now
//   current   the live object
//
// - a field in original but no longer in modified is deleted (null in the patch), if live has it;
// - a field in modified that differs from live is set;
// - a field only in live (spec.clusterIP allocated by the server, spec.replicas set by an
//   autoscaler when the manifest does not set it, status, other writers' labels) is left alone.
// Arrays are atomic, as in merge patch: when sent, they replace the live array whole. An array is
// not sent when the manifest did not change it since the last apply and the live array still
// holds it (element by element, live may carry more fields, e.g. defaults such as
// imagePullPolicy): so re-applying an unchanged manifest is "unchanged", not "configured".
// (kubectl merges lists like containers by key with a strategic merge patch; Skiff's apply does not.)

export type JsonObject = { [key: string]: unknown };

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The patch that takes `current` to what `modified` asks for, given the `original` last applied. */
export function threeWayMergePatch(original: JsonObject | undefined, modified: JsonObject, current: JsonObject): JsonObject {
  return mergeObjects(original, modified, current);
}

function mergeObjects(o: JsonObject | undefined, m: JsonObject, c: JsonObject): JsonObject {
  const patch: JsonObject = {};
  if (o) {
    for (const k of Object.keys(o)) {
      if (!(k in m) && c[k] !== undefined && c[k] !== null) patch[k] = null;
    }
  }
  for (const k of Object.keys(m)) {
    const mv = m[k];
    const cv = c[k];
    const ov = o?.[k];
    if (mv === undefined) continue;
    if (mv === null) {
      // An explicit null in a manifest means "unset".
      if (cv !== undefined && cv !== null) patch[k] = null;
    } else if (isJsonObject(mv)) {
      if (isJsonObject(cv)) {
        const sub = mergeObjects(isJsonObject(ov) ? ov : undefined, mv, cv);
        if (Object.keys(sub).length > 0) patch[k] = sub;
      } else {
        patch[k] = withoutNulls(mv);
      }
    } else if (Array.isArray(mv)) {
      const unchangedSinceLastApply = ov === undefined || deepEqual(mv, ov);
      if (!(unchangedSinceLastApply && contains(cv, mv))) patch[k] = mv;
    } else if (!deepEqual(mv, cv)) {
      patch[k] = mv;
    }
  }
  return patch;
}

/** A new map sent whole: nulls inside it mean nothing (and would be dropped by the server anyway). */
function withoutNulls(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) continue;
    out[k] = isJsonObject(x) ? withoutNulls(x) : x;
  }
  return out;
}

/** Whether `live` holds everything `want` says: maps may have more keys, arrays match by index. */
export function contains(live: unknown, want: unknown): boolean {
  if (want === null || want === undefined) return live === null || live === undefined;
  if (Array.isArray(want)) {
    return Array.isArray(live) && live.length === want.length && want.every((w, i) => contains(live[i], w));
  }
  if (isJsonObject(want)) {
    if (!isJsonObject(live)) return false;
    return Object.keys(want).every((k) => contains(live[k], want[k]));
  }
  return live === want;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
