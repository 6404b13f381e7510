// The files of ConfigMap, Secret and downward API volumes (the kubelet's MakePayload functions),
// shared by their own plugins and by projected volumes: every key (or only `items`, each with its
// path and mode), modes from the item, else `defaultMode`, else 0644.
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret } from '@skiff/api';
import type { Payload } from './atomic-writer.js';
import { downwardValue } from './downward.js';
import type { NodeAllocatable } from './volume-plugin.js';

export const DEFAULT_MODE = 0o644;

export type PayloadResult = { payload: Payload } | { failed: string };

/** key → bytes, laid out by `items` (all keys when none) */
function keysPayload(values: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, missingKey: (key: string) => string, optional: boolean): PayloadResult {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [k, v] of values) payload.set(k, { data: v, mode: defaultMode });
    return { payload };
  }
  for (const it of items) {
    const v = values.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      return { failed: missingKey(it.key) };
    }
    payload.set(it.path, { data: v, mode: it.mode ?? defaultMode });
  }
  return { payload };
}

export interface KeysSource {
  name?: string;
  items?: KeyToPath[];
  optional?: boolean;
}

export function configMapPayload(cm: ConfigMap | undefined, src: KeysSource, defaultMode = DEFAULT_MODE): PayloadResult {
  if (!cm) return src.optional ? { payload: new Map() } : { failed: `configmap ${JSON.stringify(src.name ?? '')} not found` };
  const values = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) values.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) values.set(k, Buffer.from(v, 'base64'));
  return keysPayload(values, src.items, defaultMode, (k) => `configmap references non-existent config key: ${k}`, Boolean(src.optional));
}

export function secretPayload(secret: Secret | undefined, src: KeysSource, defaultMode = DEFAULT_MODE): PayloadResult {
  if (!secret) return src.optional ? { payload: new Map() } : { failed: `secret ${JSON.stringify(src.name ?? '')} not found` };
  const values = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) values.set(k, Buffer.from(v, 'base64'));
  return keysPayload(values, src.items, defaultMode, (k) => `references non-existent secret key: ${k}`, Boolean(src.optional));
}

export function downwardAPIPayload(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, node: NodeAllocatable, defaultMode = DEFAULT_MODE): PayloadResult {
  const payload: Payload = new Map();
  for (const it of items ?? []) {
    const v = downwardValue(pod, it, node);
    if (typeof v !== 'string') return v;
    payload.set(it.path, { data: Buffer.from(v, 'utf8'), mode: it.mode ?? defaultMode });
  }
  return { payload };
}
