import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';

void test('item exponential backoff', async (t) => {
  await t.test('doubles per failure, per item, capped', () => {
    const l = new ItemExponentialFailureRateLimiter(5, 30);
    assert.deepEqual([l.when('a'), l.when('a'), l.when('a'), l.when('a'), l.when('b')], [5, 10, 20, 30, 5]);
    assert.equal(l.numRequeues('a'), 4);
    l.forget('a');
    assert.equal(l.numRequeues('a'), 0);
    assert.equal(l.when('a'), 5);
  });
  await t.test('no overflow after many failures', () => {
    const l = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    let d = 0;
    for (let i = 0; i < 2000; i++) d = l.when('x');
    assert.equal(d, 1_000_000);
  });
});

void test('token bucket: burst free, then qps', () => {
  const clock = new FakeClock();
  const l = new BucketRateLimiter(10, 3, clock);
  assert.deepEqual([l.when(), l.when(), l.when(), l.when(), l.when()], [0, 0, 0, 100, 200]);
  clock.advance(1000);
  assert.equal(l.when(), 0);
});

void test('default controller limiter: max of both', () => {
  const clock = new FakeClock();
  const l = defaultControllerRateLimiter(clock);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) delays.push(l.when('k'));
  assert.deepEqual(delays, [5, 10, 20, 40, 80]);
  assert.equal(l.numRequeues('k'), 5);
  // Exhaust the bucket (100 burst, 5 used): the 101st reservation waits on the bucket.
  for (let i = 0; i < 95; i++) l.when(`other-${i}`);
  assert.equal(l.when('fresh'), 100);
  l.forget('k');
  assert.equal(l.numRequeues('k'), 0);
});
