import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEqual } from './json-equal.js';

const cases: { name: string; a: unknown; b: unknown; equal: boolean }[] = [
  { name: 'key order does not matter', a: { x: 1, y: 2 }, b: { y: 2, x: 1 }, equal: true },
  { name: 'an undefined key is absent', a: { x: 1, status: undefined }, b: { x: 1 }, equal: true },
  { name: 'null is not absent', a: { x: null }, b: {}, equal: false },
  { name: 'array order matters', a: [1, 2], b: [2, 1], equal: false },
  { name: 'nested difference', a: { s: { c: [{ n: 'a' }] } }, b: { s: { c: [{ n: 'b' }] } }, equal: false },
  { name: 'array is not an object', a: { 0: 'a' }, b: ['a'], equal: false },
  { name: 'numbers and strings differ', a: { p: 80 }, b: { p: '80' }, equal: false },
];

for (const c of cases) {
  void test(`jsonEqual: ${c.name}`, () => {
    assert.equal(jsonEqual(c.a, c.b), c.equal);
    assert.equal(jsonEqual(c.b, c.a), c.equal);
  });
}
