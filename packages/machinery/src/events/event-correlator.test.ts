import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClock } from '../clock.js';
import { makeEvent } from './event-broadcaster.js';
import { COMBINED_PREFIX, type CorrelateResult, EventCorrelator } from './event-correlator.js';

const pod = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` } });

interface Step {
  /** Advance the clock first. */
  afterMs?: number;
  obj?: string;
  reason?: string;
  message: string;
  component?: string;
}

interface Case {
  name: string;
  steps: Step[];
  /** Per step: "create", "patch <count>", "skip", with "combined" when the message was combined. */
  want: string[];
  opts?: ConstructorParameters<typeof EventCorrelator>[1];
}

const same = (n: number, s: Step): Step[] => Array.from({ length: n }, () => s);

const cases: Case[] = [
  { name: 'a new event is a create', steps: [{ message: 'm' }], want: ['create'] },
  { name: 'repeats patch the count', steps: same(3, { message: 'm' }), want: ['create', 'patch 2', 'patch 3'] },
  { name: 'another object is another event', steps: [{ message: 'm' }, { message: 'm', obj: 'q' }], want: ['create', 'create'] },
  { name: 'another component is another event', steps: [{ message: 'm' }, { message: 'm', component: 'other' }], want: ['create', 'create'] },
  {
    name: 'ten different messages: the tenth and later are combined, then counted',
    steps: [...Array.from({ length: 9 }, (_, i) => ({ message: `m${i}` })), { message: 'm9' }, { message: 'm10' }],
    want: [...Array.from({ length: 9 }, () => 'create'), 'create combined', 'patch 2 combined'],
  },
  {
    name: 'aggregation restarts after the interval',
    steps: [...Array.from({ length: 9 }, (_, i) => ({ message: `m${i}` })), { message: 'm9', afterMs: 600_001 }],
    want: [...Array.from({ length: 9 }, () => 'create'), 'create'],
  },
  {
    name: 'spam filter: the burst, then one per refill',
    opts: { spamBurst: 3, spamQps: 1 },
    steps: [...same(4, { message: 'm' }), { message: 'm', afterMs: 1000 }, { message: 'm' }],
    want: ['create', 'patch 2', 'patch 3', 'skip', 'patch 5', 'skip'],
  },
  {
    name: 'spam filter is per object',
    opts: { spamBurst: 1 },
    steps: [{ message: 'a' }, { message: 'b' }, { message: 'a', obj: 'q' }],
    want: ['create', 'skip', 'create'],
  },
];

function describeResult(r: CorrelateResult): string {
  if (r.skip) return 'skip';
  const combined = r.event.message?.startsWith(COMBINED_PREFIX) ? ' combined' : '';
  return r.patch ? `patch ${r.patch.count}${combined}` : `create${combined}`;
}

for (const c of cases) {
  void test(`event correlator: ${c.name}`, () => {
    const clock = new FakeClock();
    const corr = new EventCorrelator(clock, c.opts);
    const got: string[] = [];
    const names = new Map<string, string>();
    for (const s of c.steps) {
      if (s.afterMs) clock.advance(s.afterMs);
      const e = makeEvent({ component: s.component ?? 'test' }, pod(s.obj ?? 'p'), 'Normal', s.reason ?? 'R', s.message, clock.now());
      const r = corr.correlate(e);
      got.push(describeResult(r));
      if (r.patch) {
        assert.equal(r.event.metadata.name, names.get(r.key), 'a repeat keeps the stored event name');
        assert.equal(r.patch.message, r.event.message);
        assert.equal(r.event.count, r.patch.count);
      } else if (!r.skip) {
        names.set(r.key, r.event.metadata.name!);
      }
    }
    assert.deepEqual(got, c.want);
  });
}

void test('event correlator: a repeat keeps the firstTimestamp and moves the lastTimestamp', () => {
  const clock = new FakeClock();
  const corr = new EventCorrelator(clock);
  const first = corr.correlate(makeEvent({ component: 'c' }, pod('p'), 'Warning', 'BackOff', 'm', clock.now()));
  clock.advance(5000);
  const second = corr.correlate(makeEvent({ component: 'c' }, pod('p'), 'Warning', 'BackOff', 'm', clock.now()));
  assert.equal(second.event.firstTimestamp, first.event.firstTimestamp);
  assert.equal(second.patch!.lastTimestamp, '2024-01-01T00:00:05Z');
});
