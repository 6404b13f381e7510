import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { sameStoredObject } from './equality.js';

test('sameStoredObject ignores the resourceVersion only', () => {
  const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '1' }, data: { k: 'v' } } as KObject;
  assert.ok(sameStoredObject({ ...o, metadata: { ...o.metadata, resourceVersion: '2' } }, o));
  assert.ok(!sameStoredObject({ ...o, metadata: { ...o.metadata, labels: { a: 'b' } } }, o));
});
