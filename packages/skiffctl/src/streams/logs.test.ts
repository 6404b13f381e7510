import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../cli-error.js';
import { durationSeconds } from './duration.js';
import { logsRequest, type LogsArgs } from './logs.js';
import { podName } from './pod-arg.js';

const base: LogsArgs = { pod: 'web', namespace: 'default' };

describe('logsRequest', () => {
  const cases: { name: string; args: Partial<LogsArgs>; want?: Record<string, unknown>; error?: RegExp }[] = [
    { name: 'plain', args: {}, want: { target: { namespace: 'default', name: 'web', container: '' }, follow: false, previous: false, timestamps: false } },
    { name: 'tail -1 means every line', args: { tail: -1 }, want: { target: { namespace: 'default', name: 'web', container: '' }, follow: false, previous: false, timestamps: false } },
    { name: 'tail, follow, container, pod/NAME', args: { pod: 'pod/web', tail: 20, follow: true, container: 'app' }, want: { target: { namespace: 'default', name: 'web', container: 'app' }, follow: true, previous: false, timestamps: false, tailLines: 20 } },
    { name: 'since as a duration', args: { since: '1h30m' }, want: { target: { namespace: 'default', name: 'web', container: '' }, follow: false, previous: false, timestamps: false, sinceSeconds: 5400 } },
    { name: 'since-time', args: { sinceTime: '2026-12-03T10:00:00Z' }, want: { target: { namespace: 'default', name: 'web', container: '' }, follow: false, previous: false, timestamps: false, sinceTime: '2026-12-03T10:00:00Z' } },
    { name: 'both since flags', args: { since: '5s', sinceTime: '2026-12-03T10:00:00Z' }, error: /at most one of `sinceTime` or `sinceSeconds`/ },
    { name: 'follow with previous', args: { follow: true, previous: true }, error: /only one of follow \(-f\) or previous \(-p\)/ },
    { name: 'a negative tail', args: { tail: -5 }, error: /--tail must be -1/ },
    { name: 'a bad since-time', args: { sinceTime: 'yesterday' }, error: /--since-time must be an RFC 3339 time/ },
    { name: 'a deployment', args: { pod: 'deploy/web' }, error: /only pods are supported here/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) assert.throws(() => logsRequest({ ...base, ...c.args }), (e: unknown) => e instanceof UsageError && c.error!.test(e.message));
      else assert.deepEqual(logsRequest({ ...base, ...c.args }), c.want);
    });
  }
});

describe('durationSeconds (Go durations, as kubectl --since)', () => {
  const cases: [string, string, number | RegExp][] = [
    ['seconds', '30s', 30],
    ['minutes', '5m', 300],
    ['hours and minutes', '1h30m', 5400],
    ['a fraction', '1.5h', 5400],
    ['milliseconds round up to a second', '200ms', 1],
    ['no unit', '30', /invalid duration "30"/],
    ['garbage after', '5mx', /invalid duration/],
    ['empty', '', /invalid duration/],
    ['zero', '0s', /must be greater than 0/],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => {
      if (typeof want === 'number') assert.equal(durationSeconds(input), want);
      else assert.throws(() => durationSeconds(input), want);
    });
  }
});

describe('podName', () => {
  const cases: [string, string, string | RegExp][] = [
    ['a name', 'web-1', 'web-1'],
    ['pod/NAME', 'pod/web-1', 'web-1'],
    ['po/NAME', 'po/web-1', 'web-1'],
    ['pods/NAME', 'pods/web-1', 'web-1'],
    ['another type', 'svc/web', /only pods are supported here, not "svc"/],
    ['a type without a name', 'pod/', /a pod name is required after "pod\/"/],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => {
      if (typeof want === 'string') assert.equal(podName(input), want);
      else assert.throws(() => podName(input), want);
    });
  }
});
