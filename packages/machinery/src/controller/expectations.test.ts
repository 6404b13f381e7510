import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS, UIDTrackingControllerExpectations } from './expectations.js';

type Op = (e: UIDTrackingControllerExpectations, clock: FakeClock) => void;

const cases: { name: string; ops: Op[]; satisfied: boolean; left?: { add: number; del: number } }[] = [
  { name: 'nothing recorded: satisfied', ops: [], satisfied: true },
  { name: 'creations outstanding', ops: [(e) => e.expectCreations('ns/rs', 2), (e) => e.creationObserved('ns/rs')], satisfied: false, left: { add: 1, del: 0 } },
  { name: 'all creations observed', ops: [(e) => e.expectCreations('ns/rs', 2), (e) => e.creationObserved('ns/rs'), (e) => e.creationObserved('ns/rs')], satisfied: true, left: { add: 0, del: 0 } },
  { name: 'a failed create lowers the expectation', ops: [(e) => e.expectCreations('ns/rs', 2), (e) => e.lower('ns/rs', 1, 0), (e) => e.creationObserved('ns/rs')], satisfied: true },
  { name: 'raise', ops: [(e) => e.expectCreations('ns/rs', 1), (e) => e.raise('ns/rs', 1, 0), (e) => e.creationObserved('ns/rs')], satisfied: false, left: { add: 1, del: 0 } },
  { name: 'expired after the timeout', ops: [(e) => e.expectCreations('ns/rs', 3), (_, c) => c.advance(EXPECTATIONS_TIMEOUT_MS + 1)], satisfied: true },
  { name: 'not yet expired', ops: [(e) => e.expectCreations('ns/rs', 3), (_, c) => c.advance(EXPECTATIONS_TIMEOUT_MS)], satisfied: false },
  { name: 'deleted owner', ops: [(e) => e.expectCreations('ns/rs', 3), (e) => e.delete('ns/rs')], satisfied: true },
  { name: 'other owners do not count', ops: [(e) => e.expectCreations('ns/rs', 1), (e) => e.creationObserved('ns/other')], satisfied: false },
  {
    name: 'tracked deletions: each key counts once',
    ops: [(e) => e.expectDeletionsOf('ns/rs', ['ns/p1', 'ns/p2']), (e) => e.deletionObservedOf('ns/rs', 'ns/p1'), (e) => e.deletionObservedOf('ns/rs', 'ns/p1')],
    satisfied: false,
    left: { add: 0, del: 1 },
  },
  {
    name: 'tracked deletions: an unexpected key does not count',
    ops: [(e) => e.expectDeletionsOf('ns/rs', ['ns/p1']), (e) => e.deletionObservedOf('ns/rs', 'ns/zz')],
    satisfied: false,
  },
  {
    name: 'tracked deletions: all observed',
    ops: [(e) => e.expectDeletionsOf('ns/rs', ['ns/p1', 'ns/p2']), (e) => e.deletionObservedOf('ns/rs', 'ns/p2'), (e) => e.deletionObservedOf('ns/rs', 'ns/p1')],
    satisfied: true,
  },
];

for (const c of cases) {
  void test(`expectations: ${c.name}`, () => {
    const clock = new FakeClock();
    const e = new UIDTrackingControllerExpectations(clock);
    for (const op of c.ops) op(e, clock);
    assert.equal(e.satisfied('ns/rs'), c.satisfied);
    if (c.left) assert.deepEqual(e.get('ns/rs'), c.left);
  });
}

void test('expectations: set replaces and restarts the timeout; delete clears tracked keys', () => {
  const clock = new FakeClock();
  const e = new UIDTrackingControllerExpectations(clock);
  e.expectDeletionsOf('k', ['a']);
  assert.deepEqual([...e.getUIDs('k')!], ['a']);
  e.delete('k');
  assert.equal(e.getUIDs('k'), undefined);
  const plain = new ControllerExpectations(clock, 1000);
  plain.expectCreations('k', 1);
  clock.advance(900);
  plain.expectCreations('k', 1);
  clock.advance(900);
  assert.equal(plain.satisfied('k'), false);
});
