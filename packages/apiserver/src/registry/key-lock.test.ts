import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyLock } from './key-lock.js';

const tick = () => new Promise((r) => setImmediate(r));

test('holders of one key take turns, in arrival order; other keys run meanwhile', async () => {
  const lock = new KeyLock<number>();
  const log: string[] = [];
  const job = (key: string, name: string) =>
    lock.run(key, async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    });
  await Promise.all([job('a', 'a1'), job('a', 'a2'), job('b', 'b1')]);
  const at = (e: string) => log.indexOf(e);
  assert.ok(at('start a2') > at('end a1'), `a2 waits for a1: ${log.join(', ')}`);
  assert.ok(at('start b1') < at('end a1'), `b1 does not wait for a1: ${log.join(', ')}`);
  assert.equal(lock.size, 0, 'slots are dropped once nobody waits');
});

test('the handover carries what the last holder stored, and a failure releases the key', async () => {
  const lock = new KeyLock<number>();
  const seen: (number | undefined)[] = [];
  const results = await Promise.allSettled([
    lock.run('k', async (h) => h.set(1)),
    lock.run('k', async () => {
      throw new Error('boom');
    }),
    lock.run('k', async (h) => {
      seen.push(h.latest);
      h.set(2);
    }),
    lock.run('k', async (h) => {
      seen.push(h.latest);
    }),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  assert.deepEqual(seen, [1, 2]);
  assert.equal(lock.size, 0);
});
