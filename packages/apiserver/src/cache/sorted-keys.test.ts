import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SortedKeys } from './sorted-keys.js';
import { sequence } from './test-fixtures.js';

describe('SortedKeys', () => {
  const cases: { name: string; ops: [('+' | '-'), string][]; want: string[]; from?: string; wantFrom?: string[] }[] = [
    { name: 'empty', ops: [], want: [] },
    { name: 'adds in any order come out sorted', ops: [['+', 'b'], ['+', 'c'], ['+', 'a']], want: ['a', 'b', 'c'] },
    { name: 'a removed key is gone', ops: [['+', 'b'], ['+', 'a'], ['-', 'b']], want: ['a'] },
    { name: 'removed and added again appears once', ops: [['+', 'a'], ['+', 'b'], ['-', 'a'], ['+', 'a']], want: ['a', 'b'] },
    { name: 'a duplicate add is one key', ops: [['+', 'a'], ['+', 'a']], want: ['a'] },
    { name: 'walks from a key', ops: [['+', 'ns/a'], ['+', 'ns/b'], ['+', 'ns/c']], want: ['ns/a', 'ns/b', 'ns/c'], from: 'ns/a\0', wantFrom: ['ns/b', 'ns/c'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = new SortedKeys();
      for (const [op, k] of c.ops) {
        if (op === '+') s.add(k);
        else s.delete(k);
      }
      assert.deepEqual([...s.keys()], c.want);
      assert.equal(s.size, c.want.length);
      if (c.from !== undefined) assert.deepEqual([...s.from(c.from)], c.wantFrom);
    });
  }

  it('agrees with a sorted Set under random adds, removes and reads', () => {
    const r = sequence(7);
    const s = new SortedKeys();
    const model = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const k = `k${Math.floor(r() * 200)}`;
      if (r() < 0.6) {
        s.add(k);
        model.add(k);
      } else {
        s.delete(k);
        model.delete(k);
      }
      if (r() < 0.1) assert.deepEqual([...s.keys()], [...model].sort());
    }
    assert.deepEqual([...s.keys()], [...model].sort());
  });
});
