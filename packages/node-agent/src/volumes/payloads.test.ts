import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Secret } from '@skiff/api';
import { configMapPayload, secretPayload, type KeysSource, type PayloadResult } from './payloads.js';

const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'A', b: 'B' }, binaryData: { bin: Buffer.from([1, 2]).toString('base64') } };
const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { pw: Buffer.from('hunter2').toString('base64') } };

function show(r: PayloadResult): Record<string, string> | string {
  if ('failed' in r) return r.failed;
  return Object.fromEntries([...r.payload].map(([k, v]) => [k, `${v.data.toString('hex')}@${v.mode.toString(8)}`]));
}
const hex = (s: string) => Buffer.from(s).toString('hex');

const cases: { name: string; run: () => PayloadResult; want: Record<string, string> | string }[] = [
  { name: 'configMap: every key, data and binaryData, default mode', run: () => configMapPayload(cm, { name: 'cfg' }), want: { a: `${hex('A')}@644`, b: `${hex('B')}@644`, bin: '0102@644' } },
  { name: 'configMap: defaultMode', run: () => configMapPayload(cm, { name: 'cfg' }, 0o400), want: { a: `${hex('A')}@400`, b: `${hex('B')}@400`, bin: '0102@400' } },
  {
    name: 'configMap: items with path and mode',
    run: () => configMapPayload(cm, { name: 'cfg', items: [{ key: 'a', path: 'conf/a.txt', mode: 0o600 }] }),
    want: { 'conf/a.txt': `${hex('A')}@600` },
  },
  { name: 'configMap: missing', run: () => configMapPayload(undefined, { name: 'cfg' }), want: 'configmap "cfg" not found' },
  { name: 'configMap: missing but optional', run: () => configMapPayload(undefined, { name: 'cfg', optional: true }), want: {} },
  { name: 'configMap: missing key', run: () => configMapPayload(cm, { name: 'cfg', items: [{ key: 'zz', path: 'z' }] }), want: 'configmap references non-existent config key: zz' },
  { name: 'configMap: missing key, optional', run: () => configMapPayload(cm, { name: 'cfg', optional: true, items: [{ key: 'zz', path: 'z' }, { key: 'a', path: 'a' }] } as KeysSource), want: { a: `${hex('A')}@644` } },
  { name: 'secret: base64 decoded', run: () => secretPayload(secret, { name: 's' }), want: { pw: `${hex('hunter2')}@644` } },
  { name: 'secret: missing', run: () => secretPayload(undefined, { name: 's' }), want: 'secret "s" not found' },
  { name: 'secret: missing key', run: () => secretPayload(secret, { name: 's', items: [{ key: 'x', path: 'x' }] }), want: 'references non-existent secret key: x' },
];
for (const c of cases) {
  void test(`payloads: ${c.name}`, () => {
    assert.deepEqual(show(c.run()), c.want);
  });
}
