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
  { name: 'an unconfirmed create stays expected', ops: [(e) => e.expectCreations('ns/rs', 1), (e) => e.creationUnconfirmed('ns/rs', 'ns/p1')], satisfied: false, left: { add: 1, del: 0 } },
  {
    name: 'an unconfirmed create that happened is expected until observed',
    ops: [(e) => e.expectCreations('ns/rs', 1), (e) => e.creationUnconfirmed('ns/rs', 'ns/p1'), (e) => e.confirmCreation('ns/rs', 'ns/p1', true)],
    satisfied: false,
    left: { add: 1, del: 0 },
  },
  {
    name: 'an unconfirmed create that did not happen is no longer expected',
    ops: [(e) => e.expectCreations('ns/rs', 1), (e) => e.creationUnconfirmed('ns/rs', 'ns/p1'), (e) => e.confirmCreation('ns/rs', 'ns/p1', false)],
    satisfied: true,
  },
  {
    name: 'a create is settled once',
    ops: [(e) => e.expectCreations('ns/rs', 2), (e) => e.creationUnconfirmed('ns/rs', 'ns/p1'), (e) => e.confirmCreation('ns/rs', 'ns/p1', false), (e) => e.confirmCreation('ns/rs', 'ns/p1', false)],
    satisfied: false,
    left: { add: 1, del: 0 },
  },
  {
    name: 'an unconfirmed delete that did not happen is no longer expected',
    ops: [(e) => e.expectDeletionsOf('ns/rs', ['ns/p1']), (e) => e.deletionUnconfirmed('ns/rs', 'ns/p1', 'u1'), (e) => e.confirmDeletion('ns/rs', 'ns/p1', false)],
    satisfied: true,
  },
  {
    name: 'an unconfirmed delete that happened is expected until observed',
    ops: [(e) => e.expectDeletionsOf('ns/rs', ['ns/p1']), (e) => e.deletionUnconfirmed('ns/rs', 'ns/p1', 'u1'), (e) => e.confirmDeletion('ns/rs', 'ns/p1', true)],
    satisfied: false,
    left: { add: 0, del: 1 },
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

void test('expectations: unconfirmed writes are listed until settled, and new expectations replace them', () => {
  const e = new UIDTrackingControllerExpectations(new FakeClock());
  e.expectCreations('k', 2);
  e.creationUnconfirmed('k', 'ns/a');
  e.deletionUnconfirmed('k', 'ns/b', 'uid-b');
  assert.deepEqual(e.unconfirmed('k'), { creates: ['ns/a'], deletes: [{ key: 'ns/b', uid: 'uid-b' }] });
  e.confirmCreation('k', 'ns/a', true);
  assert.deepEqual(e.unconfirmed('k'), { creates: [], deletes: [{ key: 'ns/b', uid: 'uid-b' }] });
  e.confirmDeletion('k', 'ns/b', true);
  assert.equal(e.unconfirmed('k'), undefined);
  e.creationUnconfirmed('k', 'ns/c');
  e.expectCreations('k', 1);
  assert.equal(e.unconfirmed('k'), undefined);
  e.creationUnconfirmed('k', 'ns/d');
  e.delete('k');
  assert.equal(e.unconfirmed('k'), undefined);
});
