import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, realClock, sleep } from './clock.js';

void test('fake clock fires timers in due order, with now() at their due time', () => {
  const c = new FakeClock(1000);
  const seen: string[] = [];
  c.setTimeout(() => seen.push(`b@${c.now()}`), 20);
  c.setTimeout(() => seen.push(`a@${c.now()}`), 10);
  const h = c.setTimeout(() => seen.push('cancelled'), 15);
  c.clearTimeout(h);
  c.setTimeout(() => c.setTimeout(() => seen.push(`nested@${c.now()}`), 5), 12);
  c.advance(30);
  assert.deepEqual(seen, ['a@1010', 'nested@1017', 'b@1020']);
  assert.equal(c.now(), 1030);
  assert.equal(c.pending(), 0);
});

void test('sleep resolves true after the time, false on abort', async () => {
  const c = new FakeClock();
  const done = sleep(c, 100);
  await c.tick(100);
  assert.equal(await done, true);
  const ac = new AbortController();
  const aborted = sleep(c, 100, ac.signal);
  ac.abort();
  assert.equal(await aborted, false);
  assert.equal(c.pending(), 0);
});

void test('tick lets async loops schedule their next timer', async () => {
  const c = new FakeClock();
  const ac = new AbortController();
  let n = 0;
  const loop = (async () => {
    while (await sleep(c, 10, ac.signal)) n++;
  })();
  await c.tick(55);
  assert.equal(n, 5);
  ac.abort();
  await loop;
});

void test('real clock sleeps and clears', async () => {
  assert.equal(await sleep(realClock, 1), true);
  const h = realClock.setTimeout(() => assert.fail('should not fire'), 10);
  realClock.clearTimeout(h);
});
