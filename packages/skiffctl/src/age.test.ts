import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, humanDuration } from './age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const cases: [string, number, string][] = [
  ['zero', 0, '0s'],
  ['seconds', 5 * S, '5s'],
  ['under two minutes in seconds', 119 * S, '119s'],
  ['minutes and seconds', 3 * M + 20 * S, '3m20s'],
  ['whole minutes', 5 * M, '5m'],
  ['minutes only past ten', 42 * M + 10 * S, '42m'],
  ['hours and minutes', 3 * H + 5 * M, '3h5m'],
  ['hours', 20 * H, '20h'],
  ['days and hours', 2 * D + 3 * H, '2d3h'],
  ['whole days', 2 * D, '2d'],
  ['days only past a week', 40 * D, '40d'],
  ['years and days', 3 * 365 * D + 10 * D, '3y10d'],
  ['clock skew of a second', -900, '0s'],
  ['future', -5 * S, '<invalid>'],
];

for (const [name, ms, want] of cases) {
  void test(`humanDuration: ${name}`, () => assert.equal(humanDuration(ms), want));
}

void test('age: unset and bad timestamps', () => {
  assert.equal(age(undefined, 0), '<unknown>');
  assert.equal(age('nope', 0), '<unknown>');
  assert.equal(age('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:03:00Z')), '3m');
});
