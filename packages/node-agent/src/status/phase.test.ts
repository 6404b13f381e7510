import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus } from '@skiff/api';
import { podPhase } from './phase.js';

const base = { name: 'c', ready: false, restartCount: 0, image: 'i', imageID: '' };
const running: ContainerStatus = { ...base, state: { running: {} } };
const waiting: ContainerStatus = { ...base, state: { waiting: { reason: 'ContainerCreating' } } };
const exited = (code: number): ContainerStatus => ({ ...base, state: { terminated: { exitCode: code } } });
const crashLoop: ContainerStatus = { ...base, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } };

const cases: { name: string; policy?: string; init?: ContainerStatus[]; app: ContainerStatus[]; previous?: string; terminating?: boolean; want: string }[] = [
  { name: 'nothing made yet', app: [waiting], want: 'Pending' },
  { name: 'one running, one waiting', app: [running, waiting], want: 'Pending' },
  { name: 'all running', app: [running, running], want: 'Running' },
  { name: 'running and exited', app: [running, exited(0)], want: 'Running' },
  { name: 'crash-looping (Always)', app: [crashLoop], want: 'Running' },
  { name: 'all exited, Always', app: [exited(0)], want: 'Running' },
  { name: 'all exited 0, OnFailure', policy: 'OnFailure', app: [exited(0)], want: 'Succeeded' },
  { name: 'exited 1, OnFailure', policy: 'OnFailure', app: [exited(1)], want: 'Running' },
  { name: 'all exited 0, Never', policy: 'Never', app: [exited(0), exited(0)], want: 'Succeeded' },
  { name: 'one exited 1, Never', policy: 'Never', app: [exited(0), exited(1)], want: 'Failed' },
  { name: 'init container running', init: [running], app: [waiting], want: 'Pending' },
  { name: 'init container failed, Never', policy: 'Never', init: [exited(1)], app: [waiting], want: 'Failed' },
  { name: 'init container failed, Always', init: [exited(1)], app: [waiting], want: 'Pending' },
  { name: 'terminal stays terminal', app: [running], previous: 'Succeeded', want: 'Succeeded' },
  { name: 'deleted, Always, all stopped by SIGTERM: Failed', app: [exited(143)], terminating: true, want: 'Failed' },
  { name: 'deleted, Always, all exited 0: Succeeded', app: [exited(0)], terminating: true, want: 'Succeeded' },
  { name: 'deleted, one still running: Running', app: [running, exited(143)], terminating: true, want: 'Running' },
];
for (const c of cases) {
  void test(`podPhase: ${c.name}`, () => {
    const spec = { containers: [], ...(c.policy ? { restartPolicy: c.policy } : {}) };
    assert.equal(podPhase(spec, c.init ?? [], c.app, c.previous, c.terminating), c.want);
  });
}
