import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { NOW } from '../testing/run.js';
import { podSummary, readinessGates, type PodSummary } from './pod-status.js';

const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();
const running = (name: string, ready = true, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, ready, restartCount: 0, state: { running: { startedAt: ago(600) } }, ...extra });
const waiting = (name: string, reason: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, ready: false, restartCount: 0, state: { waiting: { reason } }, ...extra });
const terminated = (name: string, t: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, ready: false, restartCount: 0, state: { terminated: t }, ...extra });

interface Case {
  name: string;
  spec?: Record<string, unknown>;
  status: Record<string, unknown>;
  meta?: Record<string, unknown>;
  want: PodSummary;
}

const two = { containers: [{ name: 'a' }, { name: 'b' }] };
const withInit = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] };

const cases: Case[] = [
  { name: 'running and ready', status: { phase: 'Running', containerStatuses: [running('a'), running('b')] }, spec: two, want: { ready: '2/2', status: 'Running', restarts: '0' } },
  { name: 'one not ready', status: { phase: 'Running', containerStatuses: [running('a'), running('b', false)] }, spec: two, want: { ready: '1/2', status: 'Running', restarts: '0' } },
  { name: 'no statuses yet', status: { phase: 'Pending' }, spec: two, want: { ready: '0/2', status: 'Pending', restarts: '0' } },
  { name: 'ContainerCreating', status: { phase: 'Pending', containerStatuses: [waiting('a', 'ContainerCreating'), waiting('b', 'ContainerCreating')] }, spec: two, want: { ready: '0/2', status: 'ContainerCreating', restarts: '0' } },
  { name: 'ErrImagePull', status: { phase: 'Pending', containerStatuses: [running('a'), waiting('b', 'ErrImagePull')] }, spec: two, want: { ready: '1/2', status: 'ErrImagePull', restarts: '0' } },
  {
    name: 'CrashLoopBackOff with restarts (the latest restart counts)',
    status: {
      phase: 'Running',
      containerStatuses: [
        waiting('a', 'CrashLoopBackOff', { restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }),
        running('b', true, { restartCount: 1, lastState: { terminated: { exitCode: 0, finishedAt: ago(45) } } }),
      ],
    },
    spec: two,
    want: { ready: '1/2', status: 'CrashLoopBackOff', restarts: '4 (45s ago)' },
  },
  { name: 'restarts without a termination time', status: { phase: 'Running', containerStatuses: [running('a', true, { restartCount: 2 })] }, spec: { containers: [{ name: 'a' }] }, want: { ready: '1/1', status: 'Running', restarts: '2' } },
  { name: 'terminated with a reason', status: { phase: 'Failed', containerStatuses: [terminated('a', { exitCode: 137, reason: 'OOMKilled' })] }, spec: { containers: [{ name: 'a' }] }, want: { ready: '0/1', status: 'OOMKilled', restarts: '0' } },
  { name: 'terminated by a signal', status: { phase: 'Failed', containerStatuses: [terminated('a', { exitCode: 0, signal: 9 })] }, spec: { containers: [{ name: 'a' }] }, want: { ready: '0/1', status: 'Signal:9', restarts: '0' } },
  { name: 'terminated with an exit code', status: { phase: 'Failed', containerStatuses: [terminated('a', { exitCode: 2 })] }, spec: { containers: [{ name: 'a' }] }, want: { ready: '0/1', status: 'ExitCode:2', restarts: '0' } },
  { name: 'Completed', status: { phase: 'Succeeded', containerStatuses: [terminated('a', { exitCode: 0, reason: 'Completed' })] }, spec: { containers: [{ name: 'a' }] }, want: { ready: '0/1', status: 'Completed', restarts: '0' } },
  {
    name: 'one Completed, one still running and the pod Ready: Running',
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [terminated('a', { exitCode: 0, reason: 'Completed' }), running('b')] },
    spec: two,
    want: { ready: '1/2', status: 'Running', restarts: '0' },
  },
  {
    name: 'one Completed, one still running, the pod not Ready: NotReady',
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [running('b'), terminated('a', { exitCode: 0, reason: 'Completed' })] },
    spec: two,
    want: { ready: '1/2', status: 'NotReady', restarts: '0' },
  },
  { name: 'Init:0/2', status: { phase: 'Pending', initContainerStatuses: [running('i1', false), waiting('i2', 'PodInitializing')] }, spec: withInit, want: { ready: '0/1', status: 'Init:0/2', restarts: '0' } },
  { name: 'Init:1/2', status: { phase: 'Pending', initContainerStatuses: [terminated('i1', { exitCode: 0, reason: 'Completed' }), running('i2', false)] }, spec: withInit, want: { ready: '0/1', status: 'Init:1/2', restarts: '0' } },
  { name: 'Init:Error', status: { phase: 'Pending', initContainerStatuses: [terminated('i1', { exitCode: 1, reason: 'Error' }, { restartCount: 2 })] }, spec: withInit, want: { ready: '0/1', status: 'Init:Error', restarts: '2' } },
  { name: 'Init:ExitCode', status: { phase: 'Pending', initContainerStatuses: [terminated('i1', { exitCode: 3 })] }, spec: withInit, want: { ready: '0/1', status: 'Init:ExitCode:3', restarts: '0' } },
  { name: 'Init:CrashLoopBackOff', status: { phase: 'Pending', initContainerStatuses: [waiting('i1', 'CrashLoopBackOff', { restartCount: 5 })] }, spec: withInit, want: { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '5' } },
  {
    name: 'init done: the containers decide',
    status: { phase: 'Running', initContainerStatuses: [terminated('i1', { exitCode: 0, reason: 'Completed' }), terminated('i2', { exitCode: 0, reason: 'Completed' })], containerStatuses: [running('a')] },
    spec: withInit,
    want: { ready: '1/1', status: 'Running', restarts: '0' },
  },
  { name: 'Terminating', status: { phase: 'Running', containerStatuses: [running('a')] }, meta: { deletionTimestamp: ago(10) }, spec: { containers: [{ name: 'a' }] }, want: { ready: '1/1', status: 'Terminating', restarts: '0' } },
  {
    name: 'a finished pod being deleted keeps its status',
    status: { phase: 'Succeeded', containerStatuses: [terminated('a', { exitCode: 0, reason: 'Completed' })] },
    meta: { deletionTimestamp: ago(10) },
    spec: { containers: [{ name: 'a' }] },
    want: { ready: '0/1', status: 'Completed', restarts: '0' },
  },
  { name: 'Unknown: its node was lost', status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('a')] }, meta: { deletionTimestamp: ago(10) }, spec: { containers: [{ name: 'a' }] }, want: { ready: '1/1', status: 'Unknown', restarts: '0' } },
  { name: 'status.reason (Evicted)', status: { phase: 'Failed', reason: 'Evicted' }, spec: { containers: [{ name: 'a' }] }, want: { ready: '0/1', status: 'Evicted', restarts: '0' } },
  { name: 'SchedulingGated', status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }, spec: { containers: [{ name: 'a' }] }, want: { ready: '0/1', status: 'SchedulingGated', restarts: '0' } },
];

for (const c of cases) {
  test(`pod status: ${c.name}`, () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...c.meta }, spec: c.spec ?? { containers: [{ name: 'a' }] }, status: c.status } as KObject;
    assert.deepEqual(podSummary(pod, NOW), c.want);
  });
}

const gateCases: { name: string; gates?: string[]; conditions?: { type: string; status: string }[]; want: string }[] = [
  { name: 'none', want: '<none>' },
  { name: 'one of two met', gates: ['example.com/lb', 'example.com/dns'], conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }], want: '1/2' },
  { name: 'a gate without its condition', gates: ['example.com/lb'], conditions: [], want: '0/1' },
];

for (const c of gateCases) {
  test(`readiness gates: ${c.name}`, () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a' }], ...(c.gates ? { readinessGates: c.gates.map((conditionType) => ({ conditionType })) } : {}) },
      status: { conditions: c.conditions ?? [] },
    } as KObject;
    assert.equal(readinessGates(pod), c.want);
  });
}
