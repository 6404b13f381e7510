import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, Pod } from '@skiff/api';
import { FakeClock } from '@skiff/machinery';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import type { PodRuntimeState } from '../sync/pod-state.js';
import { ProbeManager } from './probe-manager.js';

const container: Container = { name: 'a', image: 'busybox:1.36', readinessProbe: { exec: { command: ['ready'] } }, startupProbe: { exec: { command: ['up'] } } };
const state: PodRuntimeState = {
  sandboxes: [],
  containers: [{ id: 'c1', sandboxId: 's1', pod: { uid: 'u', name: 'p', namespace: 'default' }, name: 'a', restartCount: 0, image: 'busybox:1.36', imageId: 'sha256:1', state: 'running', createdAt: '2026-01-01T00:00:00Z', startedAt: '2026-01-01T00:00:00Z' }],
};

/** the pod as the previous agent reported it: container `a` as instance `reportedId` */
function podReporting(reportedId: string, ready: boolean): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { containers: [container] },
    status: { phase: 'Running', containerStatuses: [{ name: 'a', containerID: `docker://${reportedId}`, ready, started: true, restartCount: 0, image: 'busybox:1.36', imageID: 'sha256:1', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] },
  };
}

void describe('ProbeManager after an agent restart', () => {
  const cases = [
    { name: 'the instance reported ready stays ready and started until its first probe', pod: podReporting('c1', true), want: { ready: true, started: true } },
    { name: 'reported not ready: not ready (started, as reported)', pod: podReporting('c1', false), want: { ready: false, started: true } },
    { name: 'a report of another instance counts for nothing', pod: podReporting('c0', true), want: { ready: false, started: false } },
  ];
  for (const c of cases) {
    void it(c.name, async () => {
      const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }] });
      const probes = new ProbeManager({ runtime, clock: new FakeClock(Date.parse('2026-01-01T00:10:00Z')), record: () => undefined, onChange: () => undefined, autoStart: false });
      probes.syncPod(c.pod, state, '10.0.0.2');
      assert.deepEqual(probes.status('u', container, 'c1', true), c.want);
      await probes.stop();
    });
  }

  void it('the first probe corrects a resumed result', async () => {
    const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }] });
    runtime.execHandler = (_id, cmd) => ({ exitCode: cmd[0] === 'up' ? 0 : 1, stdout: '', stderr: '' });
    const probes = new ProbeManager({ runtime, clock: new FakeClock(Date.parse('2026-01-01T00:10:00Z')), record: () => undefined, onChange: () => undefined, autoStart: false });
    const pod = podReporting('c1', true);
    probes.syncPod(pod, state, '10.0.0.2');
    for (let i = 0; i < 3; i++) await probes.probeNow('u');
    assert.deepEqual(probes.status('u', container, 'c1', true), { ready: false, started: true }, 'three failures (the default threshold) turn it not ready');
    await probes.stop();
  });
});
