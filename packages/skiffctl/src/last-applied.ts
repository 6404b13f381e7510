// The last-applied-configuration annotation of client-side apply (kubectl's key, so the two tools
// understand each other's objects).
import type { KObject } from '@skiff/api';
import { isJsonObject, type JsonObject } from './apply-patch.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const SERVER_META = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'];

/** The manifest as it is recorded: without status, server-set metadata, and the annotation itself. */
export function appliedConfiguration(obj: KObject): KObject {
  const out = structuredClone(obj);
  delete out.status;
  const meta = out.metadata as Record<string, unknown>;
  for (const k of SERVER_META) delete meta[k];
  if (out.metadata.annotations) {
    delete out.metadata.annotations[LAST_APPLIED];
    if (Object.keys(out.metadata.annotations).length === 0) delete out.metadata.annotations;
  }
  return out;
}

/** `applied` with the annotation recording it set (what create and apply send). */
export function withLastApplied(applied: KObject): KObject {
  const out = structuredClone(applied);
  out.metadata.annotations = { ...(out.metadata.annotations ?? {}), [LAST_APPLIED]: `${JSON.stringify(applied)}\n` };
  return out;
}

/** The configuration last applied to a live object, when it has a readable one. */
export function lastApplied(live: KObject): JsonObject | undefined {
  const raw = live.metadata.annotations?.[LAST_APPLIED];
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return isJsonObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
