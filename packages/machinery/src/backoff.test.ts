import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';

void test('backoff', async (t) => {
  const cases = [
    { name: 'doubles from 200ms without jitter', opts: { jitter: 0 }, want: [200, 400, 800, 1600] },
    { name: 'caps at max', opts: { initialMs: 10_000, maxMs: 30_000, jitter: 0 }, want: [10_000, 20_000, 30_000, 30_000] },
    { name: 'adds jitter, still capped', opts: { initialMs: 100, maxMs: 250, jitter: 0.5, random: () => 1 }, want: [150, 250, 250] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const b = new Backoff(c.opts);
      assert.deepEqual(c.want.map(() => b.next()), c.want);
    });
  }
  await t.test('reset starts over', () => {
    const b = new Backoff({ jitter: 0 });
    b.next();
    b.next();
    b.reset();
    assert.equal(b.next(), 200);
  });
});
