import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import { CycleState } from '../../framework/cycle-state.js';
import { PodInfo } from '../../framework/pod-info.js';
import { Snapshot } from '../../framework/snapshot.js';
import { makeFramework, makePod } from '../../testing/builders.js';
import { DefaultBinder } from './default-binder.js';

void test('DefaultBinder', async (t) => {
  const cases = [
    { name: 'binds through the binder', fail: false, want: 'Success' },
    { name: 'a failed bind is an Error status', fail: true, want: 'Error: conflict' },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const bound: string[] = [];
      const binder = {
        bind: (pod: Pod, node: string) => {
          if (c.fail) return Promise.reject(new Error('conflict'));
          bound.push(`${pod.metadata.name}->${node}`);
          return Promise.resolve();
        },
      };
      const snapshot = new Snapshot();
      const fwk = makeFramework(snapshot, {}, binder);
      const plugin = new DefaultBinder({ snapshot: () => snapshot, framework: () => fwk, binder });
      const s = await plugin.bind(new CycleState(), new PodInfo(makePod('p')), 'n1');
      assert.equal(s.toString(), c.want);
      assert.deepEqual(bound, c.fail ? [] : ['p->n1']);
    });
  }
});
