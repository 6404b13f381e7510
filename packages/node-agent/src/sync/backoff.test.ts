import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashBackoff } from './backoff.js';

const cases: { name: string; restarts: number; exitedAgoMs: number; wantLeftMs: number }[] = [
  { name: 'no entry: no wait', restarts: 0, exitedAgoMs: 0, wantLeftMs: 0 },
  { name: 'after one restart: 10 s from the exit', restarts: 1, exitedAgoMs: 4000, wantLeftMs: 6000 },
  { name: 'after two restarts: 20 s', restarts: 2, exitedAgoMs: 5000, wantLeftMs: 15000 },
  { name: 'capped at 300 s', restarts: 10, exitedAgoMs: 0, wantLeftMs: 300_000 },
  { name: 'past the back-off: no wait', restarts: 1, exitedAgoMs: 11_000, wantLeftMs: 0 },
];
for (const c of cases) {
  void test(`backoff: ${c.name}`, () => {
    const b = new CrashBackoff();
    const now = 1_000_000;
    for (let i = 0; i < c.restarts; i++) b.next('k', now);
    assert.equal(b.remaining('k', now - c.exitedAgoMs, now), c.wantLeftMs);
  });
}

void test('backoff: an entry idle for twice the maximum is reset; forget drops by prefix', () => {
  const b = new CrashBackoff();
  b.next('uid/a', 0);
  b.next('uid/a', 0);
  assert.equal(b.delayMs('uid/a', 1), 20_000);
  assert.equal(b.delayMs('uid/a', 600_001), 0);
  b.next('uid/b', 0);
  b.forget('uid/');
  assert.equal(b.delayMs('uid/b', 1), 0);
});
