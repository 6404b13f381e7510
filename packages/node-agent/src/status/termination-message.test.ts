import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tailBytes } from './termination-message.js';

void describe('tailBytes', () => {
  const cases: { name: string; text: string; max: number; want: string }[] = [
    { name: 'short text as is', text: 'abc', max: 10, want: 'abc' },
    { name: 'the end is kept', text: 'line1\nline2\n', max: 6, want: 'line2\n' },
    { name: 'exactly the limit', text: 'abcd', max: 4, want: 'abcd' },
  ];
  for (const c of cases) void it(c.name, () => assert.equal(tailBytes(c.text, c.max), c.want));
});
