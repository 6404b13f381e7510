import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from './go-duration.js';

void describe('formatGoDuration (Go time.Duration strings)', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [300, '300ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
  ];
  for (const [ms, want] of cases) void it(want, () => assert.equal(formatGoDuration(ms), want));
});

void describe('parseGoDuration (Go time.ParseDuration)', () => {
  const ok: [string, number][] = [
    ['0', 0],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['300ms', 300],
    ['-1s', -1000],
  ];
  for (const [text, ms] of ok) void it(text, () => assert.equal(parseGoDuration(text), ms));
  const bad: [string, string][] = [
    ['', 'time: invalid duration ""'],
    ['1', 'time: missing unit in duration "1"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['s', 'time: invalid duration "s"'],
  ];
  for (const [text, message] of bad) void it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parseGoDuration(text), { message }));
});
