import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import type { ContainerStatus } from '../runtime/runtime.js';
import { canonical, computePodStatus, statusEqual } from './pod-status.js';

const ref = { uid: 'u1', namespace: 'default', name: 'p' };
const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'nginx' }] },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
};
const sandbox = { id: 's', pod: ref, attempt: 0, state: 'ready' as const, createdAt: '2026-01-01T00:00:00Z', labels: {}, hostNetwork: false, ip: '10.244.0.5' };
const running = (name: string, restartCount = 0): ContainerStatus => ({ id: `${name}${restartCount}`, sandboxId: 's', pod: ref, name, restartCount, image: 'busybox', imageId: 'sha256:abc', state: 'running', createdAt: `2026-01-01T00:00:0${restartCount}Z`, startedAt: '2026-01-01T00:00:01Z' });
const exited = (name: string, restartCount: number, exitCode: number, reason: string): ContainerStatus => ({ ...running(name, restartCount), state: 'exited', exitCode, reason, finishedAt: '2026-01-01T00:00:09Z' });
const input = { runtimeName: 'docker', hostIP: '192.0.2.1', nowIso: '2026-01-01T00:01:00Z' };

const cases: { name: string; containers: ContainerStatus[]; waiting?: Map<string, { reason: string; message: string }>; check: (s: ReturnType<typeof computePodStatus>) => void }[] = [
  {
    name: 'nothing made: Pending, ContainerCreating, not Ready',
    containers: [],
    check: (s) => {
      assert.equal(s.phase, 'Pending');
      assert.equal(s.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
      const ready = s.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'False');
      assert.equal(ready?.reason, 'ContainersNotReady');
      assert.equal(ready?.message, 'containers with unready status: [a b]');
      assert.equal(s.podIP, '10.244.0.5');
      assert.equal(s.qosClass, 'BestEffort');
    },
  },
  {
    name: 'all running: Running, Ready, ids',
    containers: [running('a'), running('b')],
    check: (s) => {
      assert.equal(s.phase, 'Running');
      assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(s.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime, '2026-01-01T00:00:00Z');
      assert.equal(s.containerStatuses?.[0]?.containerID, 'docker://a0');
      assert.equal(s.containerStatuses?.[0]?.imageID, 'sha256:abc');
      assert.equal(s.containerStatuses?.[0]?.started, true);
    },
  },
  {
    name: 'restarted: lastState from the previous instance',
    containers: [running('a', 1), exited('a', 0, 137, 'OOMKilled'), running('b')],
    check: (s) => {
      const a = s.containerStatuses?.[0];
      assert.equal(a?.restartCount, 1);
      assert.ok(a?.state?.running);
      assert.equal(a?.lastState?.terminated?.reason, 'OOMKilled');
      assert.equal(a?.lastState?.terminated?.exitCode, 137);
    },
  },
  {
    name: 'held back: CrashLoopBackOff with the last termination',
    containers: [exited('a', 2, 1, 'Error'), running('b')],
    waiting: new Map([['a', { reason: 'CrashLoopBackOff', message: 'back-off 20s' }]]),
    check: (s) => {
      const a = s.containerStatuses?.[0];
      assert.equal(a?.state?.waiting?.reason, 'CrashLoopBackOff');
      assert.equal(a?.lastState?.terminated?.reason, 'Error');
      assert.equal(a?.ready, false);
      assert.equal(s.phase, 'Running');
    },
  },
];
for (const c of cases) {
  void test(`computePodStatus: ${c.name}`, () => {
    c.check(computePodStatus({ ...input, pod, state: { sandboxes: [sandbox], containers: c.containers }, waiting: c.waiting ?? new Map() }));
  });
}

void test('statusEqual: key and condition order and zero values aside', () => {
  const s = computePodStatus({ ...input, pod, state: { sandboxes: [sandbox], containers: [running('a'), running('b')] }, waiting: new Map() });
  const reordered = JSON.parse(canonical(s)) as typeof s;
  reordered.conditions = [...(reordered.conditions ?? [])].reverse();
  assert.ok(statusEqual(reordered, s));
  assert.ok(!statusEqual({ ...s, phase: 'Failed' }, s));
  const again = computePodStatus({ ...input, nowIso: '2026-01-01T00:05:00Z', pod: { ...pod, status: s }, state: { sandboxes: [sandbox], containers: [running('a'), running('b')] }, waiting: new Map() });
  assert.ok(statusEqual(s, again), 'transition times are kept: nothing to write');
});
