import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';

// RFC 7386, appendix A: every example of the RFC.
const cases: { name: string; target: unknown; patch: unknown; want: unknown }[] = [
  { name: 'replace a value', target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'add a member', target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'null removes', target: { a: 'b' }, patch: { a: null }, want: {} },
  { name: 'null removes one of two', target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { name: 'array replaces a string', target: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'string replaces an array', target: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { name: 'nested merge with removal', target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { name: 'arrays are replaced whole', target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: 'array target replaced', target: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
  { name: 'object replaces an array', target: { a: 'b' }, patch: ['c'], want: ['c'] },
  { name: 'null patch', target: { a: 'foo' }, patch: null, want: null },
  { name: 'string patch', target: { a: 'foo' }, patch: 'bar', want: 'bar' },
  { name: 'null kept as member', target: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { name: 'array target, object patch', target: [1, 2], patch: { a: 'b', c: null }, want: { a: 'b' } },
  { name: 'nested null in new member', target: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
];

for (const c of cases) {
  test(`json merge patch: ${c.name}`, () => {
    const before = JSON.stringify(c.target);
    assert.deepEqual(applyMergePatch(c.target, c.patch), c.want);
    assert.equal(JSON.stringify(c.target), before, 'the target is not modified');
  });
}
