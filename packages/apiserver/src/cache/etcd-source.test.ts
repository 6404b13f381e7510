import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { progressOrderedIn } from './etcd-source.js';

describe('progressOrderedIn: etcd versions whose requested progress notifications are ordered with events', () => {
  const cases: [string, boolean][] = [
    ['3.4.23', false],
    ['3.4.25', true],
    ['3.5.7', false],
    ['3.5.8', true],
    ['3.6.0', true],
    ['3.3.27', false],
    ['', false],
  ];
  for (const [v, want] of cases) it(`${v || '(empty)'}: ${want}`, () => assert.equal(progressOrderedIn(v), want));
});
