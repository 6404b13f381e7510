import assert from 'node:assert/strict';
import test from 'node:test';
import { finalizersForDeletion } from './deletion.js';

const cases: { name: string; existing?: string[]; policy?: string; want: string[] }[] = [
  { name: 'background on a plain object: none', policy: 'Background', want: [] },
  { name: 'no policy on a plain object: none', want: [] },
  { name: 'orphan adds orphan', existing: ['example.com/x'], policy: 'Orphan', want: ['example.com/x', 'orphan'] },
  { name: 'foreground adds foregroundDeletion', policy: 'Foreground', want: ['foregroundDeletion'] },
  { name: 'foreground replaces orphan', existing: ['orphan', 'a'], policy: 'Foreground', want: ['a', 'foregroundDeletion'] },
  { name: 'orphan replaces foregroundDeletion', existing: ['foregroundDeletion'], policy: 'Orphan', want: ['orphan'] },
  { name: 'background removes both', existing: ['orphan', 'a', 'foregroundDeletion'], policy: 'Background', want: ['a'] },
  { name: 'no policy keeps a finalizer set at creation', existing: ['orphan'], policy: '', want: ['orphan'] },
  { name: 'orphan twice stays one', existing: ['orphan'], policy: 'Orphan', want: ['orphan'] },
];

for (const c of cases) {
  void test(`finalizersForDeletion: ${c.name}`, () => {
    assert.deepEqual(finalizersForDeletion(c.existing, c.policy), c.want);
  });
}
