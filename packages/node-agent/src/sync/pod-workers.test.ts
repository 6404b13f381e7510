import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import { PodWorkers, type PodWorkerHandlers } from './pod-workers.js';

const pod = (gen: number, deleting = false): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u', generation: gen, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [] },
});

function harness() {
  const log: string[] = [];
  let release: (() => void) | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  const handlers: PodWorkerHandlers = {
    async sync(p) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      log.push(`sync ${p.metadata.generation}${p.metadata.deletionTimestamp ? ' deleting' : ''}`);
      await new Promise<void>((r) => (release = r));
      inFlight--;
      return {};
    },
    async kill(uid) {
      log.push(`kill ${uid}`);
    },
    latest: () => undefined,
    onError: () => {},
  };
  const next = () => {
    const r = release;
    release = undefined;
    r?.();
  };
  return { log, handlers, next, max: () => maxInFlight };
}

const settle = () => new Promise((r) => setImmediate(r));

const cases: { name: string; run: (w: PodWorkers, h: ReturnType<typeof harness>) => Promise<void>; want: string[] }[] = [
  {
    name: 'one sync in flight; the latest pending intent wins',
    run: async (w, h) => {
      w.update('u', { kind: 'sync', pod: pod(1) });
      w.update('u', { kind: 'sync', pod: pod(2) });
      w.update('u', { kind: 'sync', pod: pod(3) });
      await settle();
      h.next();
      await settle();
      h.next();
    },
    want: ['sync 1', 'sync 3'],
  },
  {
    name: 'a kill is sticky: later syncs are dropped',
    run: async (w, h) => {
      w.update('u', { kind: 'sync', pod: pod(1) });
      w.update('u', { kind: 'kill', uid: 'u' });
      w.update('u', { kind: 'sync', pod: pod(2) });
      await settle();
      h.next();
      await settle();
      w.update('u', { kind: 'sync', pod: pod(3) });
      await settle();
    },
    want: ['sync 1', 'kill u'],
  },
  {
    name: 'a pod marked for deletion: only terminating syncs after it',
    run: async (w, h) => {
      w.update('u', { kind: 'sync', pod: pod(1, true) });
      await settle();
      w.update('u', { kind: 'sync', pod: pod(2) });
      h.next();
      await settle();
    },
    want: ['sync 1 deleting'],
  },
];
for (const c of cases) {
  void test(`PodWorkers: ${c.name}`, async () => {
    const h = harness();
    const w = new PodWorkers(h.handlers);
    await c.run(w, h);
    h.next();
    await w.idle();
    w.stop();
    assert.deepEqual(h.log, c.want);
    assert.equal(h.max(), 1);
  });
}

void test('PodWorkers: a failed sync is retried with the latest pod', async () => {
  let calls = 0;
  const w = new PodWorkers({
    async sync() {
      calls++;
      if (calls === 1) throw new Error('boom');
      return {};
    },
    async kill() {},
    latest: () => pod(9),
    onError: () => {},
  });
  w.update('u', { kind: 'sync', pod: pod(1) });
  const deadline = Date.now() + 5000;
  while (calls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  w.stop();
  assert.equal(calls, 2);
});
