import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isControllerEnabled, unknownControllers } from './controllers-flag.js';

describe('--controllers', () => {
  const cases: { name: string; flags: string[]; controller: string; want: boolean }[] = [
    { name: 'star enables', flags: ['*'], controller: 'deployment', want: true },
    { name: 'minus disables', flags: ['*', '-deployment'], controller: 'deployment', want: false },
    { name: 'minus leaves the others', flags: ['*', '-deployment'], controller: 'replicaset', want: true },
    { name: 'explicit name', flags: ['replicaset'], controller: 'replicaset', want: true },
    { name: 'not listed without star', flags: ['replicaset'], controller: 'deployment', want: false },
    { name: 'empty list', flags: [], controller: 'deployment', want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isControllerEnabled(c.controller, c.flags), c.want));
  it('names unknown controllers', () => assert.deepEqual(unknownControllers(['*', '-nope', 'replicaset', 'typo'], ['replicaset', 'deployment']), ['-nope', 'typo']));
});
