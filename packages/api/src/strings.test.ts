import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareStrings } from './strings.js';

test('compareStrings orders by code unit like Go sort.Strings for ASCII', () => {
  assert.equal(compareStrings('a', 'a'), 0);
  assert.equal(compareStrings('', ''), 0);
  assert.ok(compareStrings('a', 'b') < 0);
  assert.ok(compareStrings('b', 'a') > 0);
  assert.ok(compareStrings('', 'a') < 0);
  assert.ok(compareStrings('ab', 'a') > 0);
  // Upper case before lower case (localeCompare would put 'a' before 'B').
  assert.ok(compareStrings('B', 'a') < 0);
  assert.ok(compareStrings('Ready', 'ContainersReady') > 0);
  assert.deepEqual(['b', 'B', 'a', 'A', '10', '9', '-x', 'a-b', 'a.b'].sort(compareStrings), ['-x', '10', '9', 'A', 'B', 'a', 'a-b', 'a.b', 'b']);
});

test('compareStrings orders RFC 3339 timestamps chronologically', () => {
  const ts = ['2026-12-04T12:00:01Z', '2026-12-04T11:59:59Z', '2025-01-01T00:00:00Z'];
  assert.deepEqual([...ts].sort(compareStrings), ['2025-01-01T00:00:00Z', '2026-12-04T11:59:59Z', '2026-12-04T12:00:01Z']);
});

test('compareStrings is antisymmetric and consistent with equality', () => {
  const xs = ['', 'a', 'A', 'é', 'e', 'z', 'Z', '0', '~', '\u00ff', '\u{1F600}'];
  for (const x of xs) for (const y of xs) {
    assert.equal(Math.sign(compareStrings(x, y)), -Math.sign(compareStrings(y, x)) || 0);
    assert.equal(compareStrings(x, y) === 0, x === y);
  }
});
