import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { terminationInfo, type EngineState, type TerminationInfo } from './state.js';

void describe('terminationInfo', () => {
  const t0 = '2026-12-03T10:00:00.000000001Z';
  const t1 = '2026-12-03T10:00:05Z';
  const zero = '0001-01-01T00:00:00Z';
  const cases: { name: string; s: EngineState; want: TerminationInfo }[] = [
    { name: 'created, never started', s: { Status: 'created', ExitCode: 0, StartedAt: zero, FinishedAt: zero }, want: { state: 'created' } },
    { name: 'running', s: { Status: 'running', StartedAt: t0, FinishedAt: zero }, want: { state: 'running', startedAt: t0 } },
    { name: 'paused counts as running', s: { Status: 'paused', StartedAt: t0 }, want: { state: 'running', startedAt: t0 } },
    { name: 'exited 0: Completed', s: { Status: 'exited', ExitCode: 0, StartedAt: t0, FinishedAt: t1 }, want: { state: 'exited', startedAt: t0, finishedAt: t1, exitCode: 0, reason: 'Completed' } },
    { name: 'exited 1: Error', s: { Status: 'exited', ExitCode: 1, StartedAt: t0, FinishedAt: t1 }, want: { state: 'exited', startedAt: t0, finishedAt: t1, exitCode: 1, reason: 'Error' } },
    { name: 'killed by the OOM killer', s: { Status: 'exited', ExitCode: 137, OOMKilled: true, StartedAt: t0, FinishedAt: t1 }, want: { state: 'exited', startedAt: t0, finishedAt: t1, exitCode: 137, reason: 'OOMKilled' } },
    {
      name: 'could not start',
      s: { Status: 'created', ExitCode: 127, Error: 'exec: "nope": executable file not found in $PATH', StartedAt: zero, FinishedAt: zero },
      want: { state: 'exited', exitCode: 127, reason: 'ContainerCannotRun', message: 'exec: "nope": executable file not found in $PATH' },
    },
    { name: 'dead', s: { Status: 'dead', ExitCode: 137, StartedAt: t0, FinishedAt: t1 }, want: { state: 'exited', startedAt: t0, finishedAt: t1, exitCode: 137, reason: 'Error' } },
    { name: 'an unknown status', s: { Status: 'weird' }, want: { state: 'unknown' } },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual(terminationInfo(c.s), c.want));
});
