import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForHandlersSynced } from './wait-for-handler-sync.js';

/** A registration that syncs after `syncAfterMs` (never if undefined). */
function registration(syncAfterMs?: number) {
  const start = Date.now();
  return { hasSynced: () => syncAfterMs !== undefined && Date.now() - start >= syncAfterMs, idle: () => Promise.resolve() };
}

const cases: { name: string; syncs: (number | undefined)[]; abortAfterMs?: number; want: boolean }[] = [
  { name: 'none', syncs: [], want: true },
  { name: 'already synced', syncs: [0, 0], want: true },
  { name: 'synced later', syncs: [0, 150], want: true },
  { name: 'never synced: the abort ends the wait', syncs: [0, undefined], abortAfterMs: 120, want: false },
];

for (const c of cases) {
  void test(`waitForHandlersSynced: ${c.name}`, async () => {
    const ac = new AbortController();
    const timer = c.abortAfterMs !== undefined ? setTimeout(() => ac.abort(), c.abortAfterMs) : undefined;
    const regs = c.syncs.map(registration);
    try {
      assert.equal(await waitForHandlersSynced(regs, ac.signal), c.want);
      if (c.want) assert.ok(regs.every((r) => r.hasSynced()));
    } finally {
      clearTimeout(timer);
    }
  });
}
