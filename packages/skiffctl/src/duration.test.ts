import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration.js';

const cases: { name: string; text: string; ms?: number; error?: { message: string } }[] = [
  { name: 'seconds', text: '90s', ms: 90_000 },
  { name: 'minutes', text: '5m', ms: 300_000 },
  { name: 'hours and minutes', text: '1h30m', ms: 5_400_000 },
  { name: 'milliseconds', text: '250ms', ms: 250 },
  { name: 'fractions', text: '1.5s', ms: 1500 },
  { name: 'a bare number is seconds', text: '30', ms: 30_000 },
  { name: 'zero', text: '0', ms: 0 },
  { name: 'an unknown unit', text: '5d', error: { message: `invalid duration "5d"` } },
  { name: 'trailing garbage', text: '5mx', error: { message: `invalid duration "5mx"` } },
  { name: 'empty', text: '', error: { message: `invalid duration ""` } },
];

for (const c of cases) {
  test(`parseDuration: ${c.name}`, () => {
    if (c.error) assert.throws(() => parseDuration(c.text), c.error);
    else assert.equal(parseDuration(c.text), c.ms);
  });
}
