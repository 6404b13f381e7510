import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '@skiff/api';
import type { ContainerSummary } from '../runtime/runtime.js';
import { pickInstances } from './targets.js';

const pod = { uid: 'u1', namespace: 'default', name: 'web' };
const c = (id: string, name: string, restartCount: number, state: ContainerSummary['state'], p = pod): ContainerSummary => ({
  id,
  sandboxId: 's1',
  pod: p,
  name,
  restartCount,
  image: 'busybox',
  imageId: 'sha256:1',
  state,
  createdAt: `2026-12-03T10:00:0${restartCount}Z`,
});

describe('pickInstances', () => {
  const all = [c('a0', 'app', 0, 'exited'), c('a1', 'app', 1, 'exited'), c('a2', 'app', 2, 'running'), c('s0', 'side', 0, 'running'), c('x0', 'app', 0, 'running', { uid: 'u2', namespace: 'other', name: 'web' })];
  const cases: { name: string; target: Record<string, string>; containers?: ContainerSummary[]; want?: { current: string; previous?: string }; code?: string; message?: RegExp }[] = [
    { name: 'the current and the previous instance', target: { name: 'web', container: 'app' }, want: { current: 'a2', previous: 'a1' } },
    { name: 'no previous instance', target: { name: 'web', container: 'side' }, want: { current: 's0' } },
    { name: 'the namespace tells pods of one name apart', target: { namespace: 'other', name: 'web' }, want: { current: 'x0' } },
    { name: 'the only container by default', target: { name: 'web' }, containers: [c('a0', 'app', 0, 'running')], want: { current: 'a0' } },
    { name: 'a uid that differs', target: { name: 'web', container: 'app', podUid: 'u9' }, code: 'NOT_FOUND', message: /has no containers on this node/ },
    { name: 'several containers, none named', target: { name: 'web' }, code: 'INVALID_ARGUMENT', message: /choose one of: \[app side\]/ },
    { name: 'a container not started yet', target: { name: 'web', container: 'late' }, code: 'FAILED_PRECONDITION', message: /container "late" in pod "web" is waiting to start/ },
  ];
  for (const t of cases) {
    it(t.name, () => {
      if (t.want) {
        const got = pickInstances(t.containers ?? all, t.target);
        assert.deepEqual({ current: got.current.id, ...(got.previous ? { previous: got.previous.id } : {}) }, t.want);
      } else {
        assert.throws(() => pickInstances(t.containers ?? all, t.target), (e: unknown) => isApiError(e) && e.code === t.code && t.message!.test(e.message));
      }
    });
  }
});
