import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '@skiff/api';
import type { ContainerStatus, PodSandboxStatus } from '../runtime/runtime.js';
import { containerSpecHash } from '../spec/container-config.js';
import { computePodActions } from './actions.js';
import { CrashBackoff } from './backoff.js';
import type { PodRuntimeState } from './pod-state.js';

const ref = { uid: 'u1', namespace: 'default', name: 'p' };
const NOW = Date.parse('2026-01-01T00:01:00Z');
const main: Container = { name: 'main', image: 'busybox' };
const side: Container = { name: 'side', image: 'busybox' };
const init: Container = { name: 'init', image: 'busybox' };

function pod(extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [main, side], ...extra } };
}
function sandbox(state: 'ready' | 'notready', attempt = 0): PodSandboxStatus {
  return { id: `sb${attempt}`, pod: ref, attempt, state, createdAt: '2026-01-01T00:00:00Z', labels: {}, hostNetwork: false, ip: '10.244.0.2' };
}
function ctr(name: string, state: ContainerStatus['state'], restartCount = 0, exitCode?: number, finishedAgoMs = 60_000, spec: Container = name === 'main' ? main : name === 'side' ? side : init): ContainerStatus {
  const c: ContainerStatus = { id: `${name}-${restartCount}`, sandboxId: 'sb0', pod: ref, name, restartCount, image: 'busybox', imageId: 'sha256:1', state, createdAt: `2026-01-01T00:00:0${restartCount}Z`, specHash: containerSpecHash(spec) };
  if (state === 'exited') {
    c.exitCode = exitCode ?? 0;
    c.finishedAt = new Date(NOW - finishedAgoMs).toISOString();
  }
  return c;
}

interface Case {
  name: string;
  pod: Pod;
  state: PodRuntimeState;
  /** back-off restarts already made per container */
  restarted?: Record<string, number>;
  want: { createSandbox?: boolean; attempt?: number; start?: string[]; kill?: string[]; waiting?: Record<string, string> };
}

const cases: Case[] = [
  { name: 'new pod: sandbox and every container', pod: pod(), state: { sandboxes: [], containers: [] }, want: { createSandbox: true, attempt: 0, start: ['main', 'side'] } },
  { name: 'new pod with an init container: only it first', pod: pod({ initContainers: [init] }), state: { sandboxes: [], containers: [] }, want: { createSandbox: true, start: ['init'] } },
  { name: 'init running: wait', pod: pod({ initContainers: [init] }), state: { sandboxes: [sandbox('ready')], containers: [ctr('init', 'running')] }, want: {} },
  { name: 'init done: app containers', pod: pod({ initContainers: [init] }), state: { sandboxes: [sandbox('ready')], containers: [ctr('init', 'exited', 0, 0)] }, want: { start: ['main', 'side'] } },
  { name: 'init failed, Always: restarted', pod: pod({ initContainers: [init] }), state: { sandboxes: [sandbox('ready')], containers: [ctr('init', 'exited', 0, 1)] }, want: { start: ['init'] } },
  { name: 'init failed, Never: nothing more', pod: pod({ initContainers: [init], restartPolicy: 'Never' }), state: { sandboxes: [sandbox('ready')], containers: [ctr('init', 'exited', 0, 1)] }, want: {} },
  { name: 'all running: nothing', pod: pod(), state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'running'), ctr('side', 'running')] }, want: {} },
  { name: 'one missing: started', pod: pod(), state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'running')] }, want: { start: ['side'] } },
  {
    name: 'dead sandbox: made again (attempt 1), running containers killed, all started',
    pod: pod(),
    state: { sandboxes: [sandbox('notready')], containers: [ctr('main', 'running'), ctr('side', 'exited', 0, 0)] },
    want: { createSandbox: true, attempt: 1, kill: ['main'], start: ['main', 'side'] },
  },
  { name: 'dead sandbox, Never, containers ran: left alone', pod: pod({ restartPolicy: 'Never' }), state: { sandboxes: [sandbox('notready')], containers: [ctr('main', 'exited', 0, 0), ctr('side', 'exited', 0, 1)] }, want: {} },
  { name: 'exited, Always: restarted', pod: pod(), state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'exited', 0, 0), ctr('side', 'running')] }, want: { start: ['main'] } },
  { name: 'exited 0, OnFailure: not restarted', pod: pod({ restartPolicy: 'OnFailure' }), state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'exited', 0, 0), ctr('side', 'running')] }, want: {} },
  { name: 'exited 1, OnFailure: restarted', pod: pod({ restartPolicy: 'OnFailure' }), state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'exited', 0, 1), ctr('side', 'running')] }, want: { start: ['main'] } },
  { name: 'exited 1, Never: not restarted', pod: pod({ restartPolicy: 'Never' }), state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'exited', 0, 1), ctr('side', 'running')] }, want: {} },
  {
    name: 'exited within its back-off: CrashLoopBackOff',
    pod: pod(),
    state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'exited', 1, 1, 3000), ctr('side', 'running')] },
    restarted: { main: 1 },
    want: { waiting: { main: 'CrashLoopBackOff' } },
  },
  {
    name: 'spec changed: killed and started again',
    pod: pod({ containers: [{ ...main, image: 'busybox:2' }, side] }),
    state: { sandboxes: [sandbox('ready')], containers: [ctr('main', 'running'), ctr('side', 'running')] },
    want: { kill: ['main'], start: ['main'] },
  },
];

for (const c of cases) {
  void test(`computePodActions: ${c.name}`, () => {
    const backoff = new CrashBackoff();
    for (const [name, n] of Object.entries(c.restarted ?? {})) for (let i = 0; i < n; i++) backoff.next(`u1/${name}`, NOW - 5000);
    const a = computePodActions(c.pod, c.state, backoff, NOW);
    assert.equal(a.createSandbox, c.want.createSandbox ?? false);
    if (c.want.attempt !== undefined) assert.equal(a.attempt, c.want.attempt);
    assert.deepEqual(a.start.map((s) => s.container.name), c.want.start ?? []);
    assert.deepEqual(a.kill.map((k) => k.name), c.want.kill ?? []);
    assert.deepEqual(Object.fromEntries([...a.waiting].map(([k, w]) => [k, w.reason])), c.want.waiting ?? {});
    if (c.want.waiting) assert.ok(a.retryAfterMs !== undefined && a.retryAfterMs > 0);
  });
}

void test('computePodActions: a restart counts on from the latest instance', () => {
  const a = computePodActions(pod(), { sandboxes: [sandbox('ready')], containers: [ctr('main', 'exited', 4, 1), ctr('side', 'running')] }, new CrashBackoff(), NOW);
  assert.equal(a.start[0]?.restartCount, 5);
  assert.equal(a.start[0]?.restart, true);
});

void test('computePodActions: the crash back-off doubles up to 300 s ("back-off 5m0s") and starts over after an instance ran 10 minutes', () => {
  const backoff = new CrashBackoff();
  const message = (ranMs: number, finishedAgoMs: number): string | undefined => {
    const main0 = { ...ctr('main', 'exited', 7, 1, finishedAgoMs), startedAt: new Date(NOW - finishedAgoMs - ranMs).toISOString() };
    const a = computePodActions(pod({ containers: [main] }), { sandboxes: [sandbox('ready')], containers: [main0] }, backoff, NOW);
    return a.start.length ? 'started' : a.waiting.get('main')?.message;
  };
  const delays: string[] = [];
  for (let i = 0; i < 7; i++) {
    backoff.next('u1/main', NOW - 1000);
    delays.push(/^back-off (\S+) restarting failed container=main pod=p_default\(u1\)$/.exec(message(1000, 1000) ?? '')?.[1] ?? '');
  }
  assert.deepEqual(delays, ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
  // still within 300 s of the exit: waits, whatever ran before
  assert.match(message(9 * 60_000, 200_000) ?? '', /^back-off 5m0s /);
  // an instance that ran 10 minutes before it exited: its back-off starts over, restarted at once
  assert.equal(message(10 * 60_000, 1000), 'started');
  assert.equal(backoff.delayMs('u1/main', NOW), 0, 'the back-off was reset');
  backoff.next('u1/main', NOW);
  assert.match(message(1000, 1000) ?? '', /^back-off 10s /, 'the next crash waits 10 s again');
});
