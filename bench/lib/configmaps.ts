// The ConfigMaps the apiserver benchmark creates, both through the apiserver and straight into etcd.
import { randomUUID } from 'node:crypto';
import type { KObject } from '@skiff/api';
import type { Etcd3 } from 'etcd3';

/** Where the raw etcd creates go: outside the apiserver's /registry prefix, so its watch caches
 * neither see nor hold them. */
export const RAW_PREFIX = '/bench-etcd/configmaps/';

export function configMap(ns: string, name: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { app: 'bench', tier: 'config' } },
    data: {
      'app.properties': 'color=blue\nsize=medium\nretries=3\n',
      mode: 'production',
      'log-level': 'info',
    },
  };
}

/** What the apiserver would store for it: metadata uid and creationTimestamp set by the writer. */
export function storedConfigMap(ns: string, name: string): Buffer {
  const obj = configMap(ns, name);
  obj.metadata.uid = randomUUID();
  obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return Buffer.from(JSON.stringify(obj));
}

/** One create-if-absent txn, as the apiserver sends for a create (compare create_revision == 0). */
export async function rawCreate(etcd: Etcd3, key: string, value: Buffer): Promise<string> {
  const k = Buffer.from(key);
  const res = await etcd.kv.txn({
    compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
    success: [{ request_put: { key: k, value } }],
    failure: [{ request_range: { key: k } }],
  });
  if (!res.succeeded) throw new Error(`${key} exists`);
  return String(res.header.revision);
}
