import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from '../../framework/pod-info.js';
import { makePod } from '../../testing/builders.js';
import { PrioritySort } from './priority-sort.js';

const q = (priority: number | undefined, timestamp: number) => ({
  podInfo: new PodInfo(makePod(`p${priority}-${timestamp}`, { priority })),
  timestamp,
  attempts: 0,
  initialAttemptTimestamp: timestamp,
  unschedulablePlugins: new Set<string>(),
});

void test('PrioritySort', async (t) => {
  const cases = [
    { name: 'higher priority first', a: q(10, 5), b: q(1, 1), want: true },
    { name: 'lower priority later', a: q(1, 1), b: q(10, 5), want: false },
    { name: 'same priority: older first', a: q(5, 1), b: q(5, 2), want: true },
    { name: 'same priority and time: not less', a: q(5, 1), b: q(5, 1), want: false },
    { name: 'no priority counts as 0', a: q(undefined, 1), b: q(-1, 0), want: true },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(new PrioritySort().less(c.a, c.b), c.want));
});
