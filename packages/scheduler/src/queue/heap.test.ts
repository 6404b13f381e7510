import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedHeap } from './heap.js';

interface Item {
  k: string;
  v: number;
}

void test('KeyedHeap', async (t) => {
  const cases: { name: string; ops: (h: KeyedHeap<Item>) => void; want: string[] }[] = [
    { name: 'pops in order', ops: (h) => [5, 1, 4, 2, 3].forEach((v) => h.addOrUpdate({ k: `k${v}`, v })), want: ['k1', 'k2', 'k3', 'k4', 'k5'] },
    {
      name: 'update by key moves the item',
      ops: (h) => {
        [1, 2, 3].forEach((v) => h.addOrUpdate({ k: `k${v}`, v }));
        h.addOrUpdate({ k: 'k1', v: 10 });
      },
      want: ['k2', 'k3', 'k1'],
    },
    {
      name: 'delete by key',
      ops: (h) => {
        [1, 2, 3, 4].forEach((v) => h.addOrUpdate({ k: `k${v}`, v }));
        h.delete('k2');
        h.delete('missing');
      },
      want: ['k1', 'k3', 'k4'],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const h = new KeyedHeap<Item>((i) => i.k, (a, b) => a.v < b.v);
      c.ops(h);
      const out: string[] = [];
      for (let i = h.pop(); i; i = h.pop()) out.push(i.k);
      assert.deepEqual(out, c.want);
      assert.equal(h.size, 0);
    });
  }
  await t.test('random operations keep the heap order', () => {
    const h = new KeyedHeap<Item>((i) => i.k, (a, b) => a.v < b.v);
    const ref = new Map<string, number>();
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 2000; i++) {
      const k = `k${rnd(100)}`;
      if (rnd(3) === 0) {
        h.delete(k);
        ref.delete(k);
      } else {
        const v = rnd(1000);
        h.addOrUpdate({ k, v });
        ref.set(k, v);
      }
    }
    const out: number[] = [];
    for (let i = h.pop(); i; i = h.pop()) out.push(i.v);
    assert.deepEqual(out, [...ref.values()].sort((a, b) => a - b));
  });
});
