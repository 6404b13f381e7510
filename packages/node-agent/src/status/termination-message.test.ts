import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Pod, PodStatus } from '@skiff/api';
import type { ContainerStatus } from '../runtime/runtime.js';
import { fileMessage, headBytes, limitTerminationMessages, tailBytes } from './termination-message.js';

void describe('tailBytes and headBytes', () => {
  const cases: { name: string; text: string; max: number; tail: string; head: string }[] = [
    { name: 'short text as is', text: 'abc', max: 10, tail: 'abc', head: 'abc' },
    { name: 'the end or the start is kept', text: 'line1\nline2\n', max: 6, tail: 'line2\n', head: 'line1\n' },
    { name: 'exactly the limit', text: 'abcd', max: 4, tail: 'abcd', head: 'abcd' },
  ];
  for (const c of cases)
    void it(c.name, () => {
      assert.equal(tailBytes(c.text, c.max), c.tail);
      assert.equal(headBytes(c.text, c.max), c.head);
    });
});

void describe('fileMessage (the kubelet getTerminationMessage)', () => {
  const base: ContainerStatus = { id: 'c1', sandboxId: 's1', pod: { uid: 'u', namespace: 'ns', name: 'p' }, name: 'a', restartCount: 0, image: 'i', imageId: 'sha256:1', state: 'exited', createdAt: '' };
  const cases: { name: string; content?: string; mounted?: boolean; path?: string; fallback: boolean; want: { message: string; checkLogs: boolean } }[] = [
    { name: 'the file as written', content: 'done', fallback: false, want: { message: 'done', checkLogs: false } },
    { name: 'at most the last 4096 bytes', content: `x${'y'.repeat(4096)}`, fallback: false, want: { message: 'y'.repeat(4096), checkLogs: false } },
    { name: 'an empty file with fallback reads the logs', content: '', fallback: true, want: { message: '', checkLogs: true } },
    { name: 'an empty file without fallback: nothing', content: '', fallback: false, want: { message: '', checkLogs: false } },
    { name: 'a file that is gone: the fallback decides', fallback: true, want: { message: '', checkLogs: true } },
    { name: 'no mount at the path: the fallback decides', content: 'x', mounted: false, fallback: false, want: { message: '', checkLogs: false } },
    { name: 'no path', content: 'x', path: '', fallback: true, want: { message: '', checkLogs: true } },
  ];
  for (const c of cases)
    void it(c.name, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'tm-'));
      try {
        const file = path.join(dir, 'msg');
        if (c.content !== undefined) await writeFile(file, c.content);
        const status = c.mounted === false ? base : { ...base, mounts: [{ hostPath: file, containerPath: '/dev/termination-log' }] };
        assert.deepEqual(await fileMessage(status, c.path ?? '/dev/termination-log', c.fallback), c.want);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
});

void describe('limitTerminationMessages (12 KiB per pod, split evenly)', () => {
  const pod = (containers: number, init = 0): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: 'i' })), initContainers: Array.from({ length: init }, (_, i) => ({ name: `i${i}`, image: 'i' })) },
  });
  const terminated = (name: string, message: string) => ({ name, ready: false, restartCount: 0, image: 'i', imageID: '', state: { terminated: { exitCode: 1, message } }, lastState: { terminated: { exitCode: 2, message } } });
  const cases: { name: string; pod: Pod; status: PodStatus; share: number[] }[] = [
    { name: 'one container keeps 4096 bytes', pod: pod(1), status: { containerStatuses: [terminated('c0', 'm'.repeat(4096))] }, share: [4096] },
    { name: 'four containers: 3072 bytes each', pod: pod(4), status: { containerStatuses: [0, 1, 2, 3].map((i) => terminated(`c${i}`, 'm'.repeat(4096))) }, share: [3072, 3072, 3072, 3072] },
    { name: 'init containers count', pod: pod(2, 2), status: { containerStatuses: [terminated('c0', 'm'.repeat(4000))], initContainerStatuses: [terminated('i0', 'm'.repeat(100))] }, share: [3072, 100] },
  ];
  for (const c of cases)
    void it(c.name, () => {
      const out = limitTerminationMessages(c.pod, c.status);
      const all = [...(out.containerStatuses ?? []), ...(out.initContainerStatuses ?? [])];
      assert.deepEqual(all.map((s) => s.state?.terminated?.message?.length), c.share);
      assert.deepEqual(all.map((s) => s.lastState?.terminated?.message?.length), c.share);
      const first = c.status.containerStatuses?.[0]?.state?.terminated?.message?.length;
      assert.equal(first, c.status.containerStatuses?.[0]?.state?.terminated?.message?.length, 'the input is not changed');
    });
});
