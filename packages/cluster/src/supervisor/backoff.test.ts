import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartDelayMs } from './backoff.js';

const cases: { name: string; previous: number | undefined; ranFor: number; want: number }[] = [
  { name: 'first exit: at once', previous: undefined, ranFor: 10, want: 0 },
  { name: 'second quick exit: 1 s', previous: 0, ranFor: 10, want: 1000 },
  { name: 'doubles', previous: 4000, ranFor: 10, want: 8000 },
  { name: 'capped at 30 s', previous: 20_000, ranFor: 10, want: 30_000 },
  { name: 'ran a minute: healthy again, at once', previous: 30_000, ranFor: 60_000, want: 0 },
];

void describe('restartDelayMs', () => {
  for (const c of cases) void it(c.name, () => assert.equal(restartDelayMs(c.previous, c.ranFor), c.want));
});
