import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@skiff/machinery/testing';
import { SyncHealth } from './sync-health.js';

type Step = ['queued' | 'updated'] | ['tick', number] | ['healthy', boolean];

const cases: { name: string; steps: Step[] }[] = [
  { name: 'healthy with nothing waiting', steps: [['tick', 600_000], ['healthy', true]] },
  { name: 'a waiting change younger than the timeout is healthy', steps: [['queued'], ['tick', 59_999], ['healthy', true]] },
  { name: 'a change waiting for the whole timeout is unhealthy', steps: [['queued'], ['tick', 60_000], ['healthy', false]] },
  { name: 'a sync makes it healthy again', steps: [['queued'], ['tick', 70_000], ['healthy', false], ['updated'], ['healthy', true]] },
  { name: 'later changes do not reset the oldest one', steps: [['queued'], ['tick', 40_000], ['queued'], ['tick', 30_000], ['healthy', false]] },
];

void describe('SyncHealth (kube-proxy healthz)', () => {
  for (const c of cases) {
    void it(c.name, async () => {
      const clock = new FakeClock(1_000_000);
      const h = new SyncHealth(clock, 60_000);
      for (const s of c.steps) {
        if (s[0] === 'queued') h.queuedUpdate();
        else if (s[0] === 'updated') h.updated();
        else if (s[0] === 'tick') await clock.tick(s[1]);
        else if (s[1]) h.check();
        else assert.throws(() => h.check(), /rules not synced/);
      }
    });
  }
});
