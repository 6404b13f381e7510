import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerLabels, sandboxLabels } from '../labels.js';
import type { RuntimeEvent } from '../runtime.js';
import { toRuntimeEvent, type EngineEvent } from './events.js';

const pod = { uid: 'u1', namespace: 'ns', name: 'web' };
const appLabels = containerLabels('sb', { pod, name: 'app', restartCount: 0, image: 'i', entrypoint: [], cmd: [], env: [] });

void describe('toRuntimeEvent', () => {
  const ev = (Action: string, Attributes: Record<string, string>, extra: Partial<EngineEvent> = {}): EngineEvent => ({ Type: 'container', Action, Actor: { ID: 'c1', Attributes }, time: 1700000000, timeNano: 1700000000123 * 1e6 + 456_000, ...extra });
  const cases: { name: string; e: EngineEvent; want: RuntimeEvent | undefined }[] = [
    { name: 'die with exit code', e: ev('die', { ...appLabels, exitCode: '137', image: 'x' }), want: { type: 'die', containerId: 'c1', pod, containerName: 'app', exitCode: 137, timeMs: 1700000000123 } },
    { name: 'start of a sandbox', e: ev('start', sandboxLabels({ pod, attempt: 0, hostname: 'web' })), want: { type: 'start', containerId: 'c1', pod, timeMs: 1700000000123 } },
    { name: 'oom', e: ev('oom', appLabels, { timeNano: undefined }), want: { type: 'oom', containerId: 'c1', pod, containerName: 'app', timeMs: 1700000000000 } },
    { name: 'not our container', e: ev('die', { exitCode: '0' }), want: undefined },
    { name: 'an action we do not follow', e: ev('exec_start: sh', appLabels), want: undefined },
    { name: 'not a container event', e: { ...ev('die', appLabels), Type: 'network' }, want: undefined },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual(toRuntimeEvent(c.e), c.want));
});
