import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitHeapGrowth } from './heap-growth.js';

void test('limitHeapGrowth refuses what is not a whole percentage, accepts 0 (V8 default) and others', () => {
  assert.throws(() => limitHeapGrowth(-1), /whole number/);
  assert.throws(() => limitHeapGrowth(1.5), /whole number/);
  assert.throws(() => limitHeapGrowth(Number.NaN), /whole number/);
  assert.doesNotThrow(() => limitHeapGrowth(0));
  assert.doesNotThrow(() => limitHeapGrowth(150));
});
