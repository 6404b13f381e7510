import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@skiff/machinery';
import type { Pod, Probe } from '@skiff/api';
import { ProbeWorker, type ProbeResult, type ProbeType } from './probe-worker.js';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c' }] } };

interface Case {
  name: string;
  type: ProbeType;
  probe: Probe;
  /** raw outcomes of successive attempts (true = ok) */
  outcomes: boolean[];
  /** the result after each attempt */
  want: ProbeResult[];
  /** ms to advance before each attempt (default 10 s) */
  stepMs?: number;
  started?: boolean;
}

void describe('ProbeWorker', () => {
  const cases: Case[] = [
    { name: 'readiness starts as failure, one success makes it ready', type: 'readiness', probe: {}, outcomes: [true], want: ['success'] },
    { name: 'readiness: 3 failures (the default) to unready', type: 'readiness', probe: {}, outcomes: [true, false, false, false], want: ['success', 'success', 'success', 'failure'] },
    { name: 'readiness: successThreshold 2', type: 'readiness', probe: { successThreshold: 2 }, outcomes: [true, true], want: ['failure', 'success'] },
    { name: 'liveness starts as success; failureThreshold 2 fails it, then it holds', type: 'liveness', probe: { failureThreshold: 2 }, outcomes: [false, false, true], want: ['success', 'failure', 'failure'] },
    { name: 'a success in between resets the count', type: 'liveness', probe: {}, outcomes: [false, false, true, false, false], want: ['success', 'success', 'success', 'success', 'success'] },
    { name: 'initialDelaySeconds: nothing before it', type: 'readiness', probe: { initialDelaySeconds: 15 }, outcomes: [true, true], want: ['failure', 'success'] },
    { name: 'startup starts unknown and stops once it succeeded', type: 'startup', probe: { failureThreshold: 1 }, outcomes: [true, false], want: ['success', 'success'] },
    { name: 'liveness waits for the startup probe', type: 'liveness', probe: { failureThreshold: 1 }, outcomes: [false, false], want: ['success', 'success'], started: false },
  ];
  for (const c of cases) {
    void it(c.name, async () => {
      const clock = new FakeClock();
      const startedAtMs = clock.now();
      const outcomes = [...c.outcomes];
      let changes = 0;
      const unhealthy: string[] = [];
      const w = new ProbeWorker(c.type, c.probe, {
        clock,
        run: async () => (outcomes.shift() ? { ok: true, output: '' } : { ok: false, output: 'HTTP probe failed with statuscode: 500' }),
        started: () => c.started ?? true,
        unhealthy: (_t, m) => unhealthy.push(m),
        changed: () => changes++,
      });
      w.setTarget({ pod, container: { name: 'c' }, containerId: 'c1', startedAtMs, podIP: '10.0.0.1' });
      const got: ProbeResult[] = [];
      for (let i = 0; i < c.want.length; i++) {
        clock.advance(c.stepMs ?? 10_000);
        await w.tick();
        got.push(w.result('c1'));
      }
      assert.deepEqual(got, c.want);
      if (c.started !== false && c.outcomes.includes(false) && c.type !== 'startup') assert.ok(unhealthy.length > 0 && unhealthy[0]?.endsWith('probe failed: HTTP probe failed with statuscode: 500'));
      assert.equal(w.result('other'), c.type === 'readiness' ? 'failure' : c.type === 'liveness' ? 'success' : 'unknown', 'another instance has the initial result');
      assert.ok(changes >= 0);
    });
  }

  void it('a new container instance starts over', async () => {
    const clock = new FakeClock();
    const w = new ProbeWorker('liveness', { failureThreshold: 1 }, { clock, run: async () => ({ ok: false, output: 'x' }), started: () => true, unhealthy: () => undefined, changed: () => undefined });
    w.setTarget({ pod, container: { name: 'c' }, containerId: 'c1', startedAtMs: 0 });
    await w.tick();
    assert.equal(w.result('c1'), 'failure');
    w.setTarget({ pod, container: { name: 'c' }, containerId: 'c2', startedAtMs: clock.now() });
    assert.equal(w.result('c2'), 'success');
  });
});
