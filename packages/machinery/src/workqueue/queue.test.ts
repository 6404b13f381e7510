import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushMicrotasks } from '../clock.js';
import { createMetrics } from '../metrics.js';
import { WorkQueue } from './queue.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';

function newQueue(clock = new FakeClock()): { q: WorkQueue; clock: FakeClock } {
  return { q: new WorkQueue({ clock }), clock };
}

void test('adds of a waiting key collapse; order is first-add order', async (t) => {
  const cases = [
    { name: 'duplicates', adds: ['a', 'b', 'a', 'c', 'b'], want: ['a', 'b', 'c'] },
    { name: 'single', adds: ['x', 'x', 'x'], want: ['x'] },
    { name: 'none', adds: [], want: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { q } = newQueue();
      for (const k of c.adds) q.add(k);
      assert.equal(q.len(), c.want.length);
      const got: string[] = [];
      while (q.len() > 0) got.push((await q.get())!);
      assert.deepEqual(got, c.want);
    });
  }
});

void test('a key being processed is not handed out again; re-added keys come back after done', async () => {
  const { q } = newQueue();
  q.add('a');
  const first = await q.get();
  assert.equal(first, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'dirty while processing, not queued');
  let second: string | undefined;
  const pending = q.get().then((k) => (second = k));
  await flushMicrotasks();
  assert.equal(second, undefined, 'a second worker waits');
  q.done('a');
  await pending;
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.len(), 0);
});

void test('concurrent workers never hold the same key', async () => {
  const { q } = newQueue();
  const active = new Set<string>();
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (let k = await q.get(); k !== undefined; k = await q.get()) {
      assert.ok(!active.has(k), `key ${k} held twice`);
      active.add(k);
      await flushMicrotasks();
      if (processed++ < 50) q.add(k);
      active.delete(k);
      q.done(k);
    }
  };
  for (const k of ['a', 'b', 'c']) q.add(k);
  const workers = [worker(), worker(), worker(), worker()];
  while (processed < 53) await flushMicrotasks();
  await q.shutDownWithDrain();
  await Promise.all(workers);
  assert.ok(processed >= 53);
});

void test('get waits for an add', async () => {
  const { q } = newQueue();
  const p = q.get();
  q.add('k');
  assert.equal(await p, 'k');
});

void test('addAfter adds when the time comes; the earliest time wins', async () => {
  const { q, clock } = newQueue();
  q.addAfter('a', 100);
  q.addAfter('b', 50);
  q.addAfter('a', 30);
  q.addAfter('b', 80);
  q.addAfter('now', 0);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'now');
  clock.advance(29);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(await q.get(), 'a');
  clock.advance(20);
  assert.equal(await q.get(), 'b');
  clock.advance(1000);
  assert.equal(q.len(), 0, 'a was not added twice');
  assert.equal(clock.pending(), 0);
});

void test('rate-limited retries back off per key; forget resets', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    const start = clock.now();
    q.addRateLimited('k');
    while (q.len() === 0) clock.advance(1);
    delays.push(clock.now() - start);
    q.done((await q.get())!);
  }
  assert.deepEqual(delays, [5, 10, 20, 40]);
  assert.equal(q.numRequeues('k'), 4);
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
});

void test('shutDown resolves waiting and later gets with undefined, ignores adds, clears timers', async () => {
  const { q, clock } = newQueue();
  const waiting = q.get();
  q.addAfter('later', 1000);
  q.shutDown();
  assert.equal(await waiting, undefined);
  q.add('x');
  assert.equal(await q.get(), undefined);
  assert.equal(q.shuttingDown(), true);
  assert.equal(clock.pending(), 0);
});

void test('shutDownWithDrain hands out queued keys and waits for in-flight ones', async () => {
  const { q } = newQueue();
  q.add('a');
  q.add('b');
  const a = await q.get();
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  q.add('c');
  assert.equal(await q.get(), 'b');
  assert.equal(await q.get(), undefined, 'c was added after shutdown');
  q.done('b');
  await flushMicrotasks();
  assert.equal(drained, false, 'a is still in flight');
  q.done(a!);
  await drain;
  assert.equal(drained, true);
});

void test('metrics', async () => {
  const registry = createMetrics({ defaultMetrics: false });
  const clock = new FakeClock();
  const q = new WorkQueue({ name: 'pods', clock, registry });
  q.add('a');
  q.add('b');
  const k = (await q.get())!;
  clock.advance(250);
  q.done(k);
  q.addRateLimited('a');
  const text = await registry.metrics();
  assert.match(text, /workqueue_depth\{name="pods"\} 1/);
  assert.match(text, /workqueue_adds_total\{name="pods"\} 2/);
  assert.match(text, /workqueue_retries_total\{name="pods"\} 1/);
  assert.match(text, /workqueue_work_duration_seconds_sum\{name="pods"\} 0.25/);
  q.shutDown();
});
