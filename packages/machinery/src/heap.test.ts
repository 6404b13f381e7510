import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from './heap.js';

interface Item {
  key: string;
  at: number;
}

const byAt = (): Heap<Item> => new Heap<Item>((a, b) => a.at < b.at, (i) => i.key);

/** Pops everything, in order. */
function drain<T>(h: Heap<T>): T[] {
  const out: T[] = [];
  for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
  return out;
}

interface Case {
  name: string;
  run(h: Heap<Item>): void;
  want: string[];
}

const cases: Case[] = [
  { name: 'empty', run: () => {}, want: [] },
  {
    name: 'pops in order of the comparator',
    run: (h) => [5, 3, 9, 1, 7, 2].forEach((at) => h.push({ key: `k${at}`, at })),
    want: ['k1', 'k2', 'k3', 'k5', 'k7', 'k9'],
  },
  {
    name: 'fix after an item moves earlier',
    run: (h) => {
      [5, 3, 9].forEach((at) => h.push({ key: `k${at}`, at }));
      h.get('k9')!.at = 1;
      assert.equal(h.fix('k9'), true);
    },
    want: ['k9', 'k3', 'k5'],
  },
  {
    name: 'fix after an item moves later',
    run: (h) => {
      [5, 3, 9].forEach((at) => h.push({ key: `k${at}`, at }));
      h.get('k3')!.at = 10;
      h.fix('k3');
    },
    want: ['k5', 'k9', 'k3'],
  },
  {
    name: 'remove from the middle and the top',
    run: (h) => {
      [4, 8, 1, 6, 2].forEach((at) => h.push({ key: `k${at}`, at }));
      assert.equal(h.remove('k6')?.at, 6);
      assert.equal(h.remove('k1')?.at, 1);
      assert.equal(h.remove('nope'), undefined);
    },
    want: ['k2', 'k4', 'k8'],
  },
  {
    name: 'fix of an absent key is false',
    run: (h) => assert.equal(h.fix('nope'), false),
    want: [],
  },
];

for (const c of cases) {
  void test(`heap: ${c.name}`, () => {
    const h = byAt();
    c.run(h);
    assert.deepEqual(drain(h).map((i) => i.key), c.want);
    assert.equal(h.size, 0);
  });
}

void test('heap: a duplicate key is refused; unkeyed heaps have no get', () => {
  const h = byAt();
  h.push({ key: 'a', at: 1 });
  assert.throws(() => h.push({ key: 'a', at: 2 }), /already holds/);
  assert.throws(() => new Heap<number>((a, b) => a < b).get('x'), /no key function/);
});

void test('heap: matches a sort on random input, with interleaved removes (seeded)', () => {
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const h = byAt();
  const live = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const at = Math.floor(rnd() * 500);
    h.push({ key: `k${i}`, at });
    live.set(`k${i}`, at);
    if (rnd() < 0.2) {
      const victim = `k${Math.floor(rnd() * i)}`;
      if (h.remove(victim)) live.delete(victim);
    }
    if (rnd() < 0.1) {
      const k = `k${Math.floor(rnd() * i)}`;
      const item = h.get(k);
      if (item) {
        item.at = Math.floor(rnd() * 500);
        h.fix(k);
        live.set(k, item.at);
      }
    }
  }
  const got = drain(h).map((i) => i.at);
  assert.deepEqual(got, [...live.values()].sort((a, b) => a - b));
});
