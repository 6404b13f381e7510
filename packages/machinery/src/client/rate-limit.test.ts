import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { ClientRateLimiter } from './rate-limit.js';

interface Case {
  name: string;
  qps: number;
  burst: number;
  /** Requests started at once. */
  requests: number;
  /** How many have been let through after each of these elapsed times (ms). */
  at: [number, number][];
}

const cases: Case[] = [
  { name: 'the burst goes at once, the rest at qps', qps: 10, burst: 3, requests: 6, at: [[0, 3], [99, 3], [100, 4], [200, 5], [300, 6]] },
  { name: 'burst 1 spaces every request', qps: 2, burst: 1, requests: 3, at: [[0, 1], [499, 1], [500, 2], [1000, 3]] },
  { name: 'qps 0 is unlimited', qps: 0, burst: 1, requests: 50, at: [[0, 50]] },
];

for (const c of cases) {
  void test(`client rate limit: ${c.name}`, async () => {
    const clock = new FakeClock();
    const rl = new ClientRateLimiter({ qps: c.qps, burst: c.burst, clock });
    let through = 0;
    const all = Array.from({ length: c.requests }, () => rl.wait().then((ok) => ok && through++));
    let elapsed = 0;
    for (const [t, want] of c.at) {
      await clock.tick(t - elapsed);
      elapsed = t;
      assert.equal(through, want, `after ${t} ms`);
    }
    await Promise.all(all);
  });
}

void test('client rate limit: a quiet period refills up to the burst only; an abort stops the wait', async () => {
  const clock = new FakeClock();
  const rl = new ClientRateLimiter({ qps: 10, burst: 2, clock });
  await rl.wait();
  await rl.wait();
  await clock.tick(10_000);
  let through = 0;
  const three = [rl.wait(), rl.wait(), rl.wait()].map((p) => p.then(() => through++));
  await clock.tick(0);
  assert.equal(through, 2);
  await clock.tick(100);
  await Promise.all(three);
  assert.equal(through, 3);
  const ac = new AbortController();
  const waiting = rl.wait(ac.signal);
  ac.abort();
  assert.equal(await waiting, false);
  assert.equal(clock.pending(), 0);
});
