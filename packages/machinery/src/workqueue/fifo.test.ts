import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from './fifo.js';

const cases: { name: string; ops: (number | 'shift')[]; want: (number | undefined)[]; left: number }[] = [
  { name: 'empty shift', ops: ['shift'], want: [undefined], left: 0 },
  { name: 'first in, first out', ops: [1, 2, 3, 'shift', 'shift'], want: [1, 2], left: 1 },
  { name: 'interleaved', ops: [1, 'shift', 2, 3, 'shift', 4, 'shift', 'shift', 'shift'], want: [1, 2, 3, 4, undefined], left: 0 },
];

for (const c of cases) {
  void test(`fifo: ${c.name}`, () => {
    const f = new Fifo<number>();
    const got: (number | undefined)[] = [];
    for (const op of c.ops) {
      if (op === 'shift') got.push(f.shift());
      else f.push(op);
    }
    assert.deepEqual(got, c.want);
    assert.equal(f.length, c.left);
  });
}

void test('fifo: keeps order across compactions (against an array model)', () => {
  const f = new Fifo<number>();
  const model: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    f.push(i);
    f.push(-i);
    model.push(i, -i);
    assert.equal(f.shift(), model.shift());
  }
  assert.equal(f.length, model.length);
  while (model.length > 0) assert.equal(f.shift(), model.shift());
  assert.equal(f.shift(), undefined);
});
