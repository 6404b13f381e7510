import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type KObject, type PriorityClass } from '@skiff/api';
import type { StrategyContext } from '../../strategy.js';
import { priorityClassStrategy } from './strategy.js';

const cls = (name: string, globalDefault = false): PriorityClass => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 10, globalDefault });

function ctxOf(classes: PriorityClass[], reads: boolean[] = []): StrategyContext {
  return {
    listObjects: async (kind: string, fresh: boolean) => {
      reads.push(fresh);
      return kind === 'PriorityClass' ? structuredClone(classes) : [];
    },
  } as unknown as StrategyContext;
}

const defaults: { name: string; existing: PriorityClass[]; obj: PriorityClass; refused?: string }[] = [
  { name: 'the first default', existing: [cls('a')], obj: cls('b', true) },
  { name: 'not a default: never checked against others', existing: [cls('a', true)], obj: cls('b') },
  { name: 'the default itself, updated', existing: [cls('a', true)], obj: cls('a', true) },
  { name: 'a second default', existing: [cls('a', true)], obj: cls('b', true), refused: 'priorityclasses.scheduling.k8s.io "b" is forbidden: PriorityClass a is already marked as default. Only one default can exist' },
];

for (const c of defaults) {
  void test(`PriorityClass admission: ${c.name}`, async () => {
    const reads: boolean[] = [];
    const run = priorityClassStrategy.admission!(c.obj, undefined, ctxOf(c.existing, reads));
    if (c.refused) await assert.rejects(run, (e: unknown) => isApiError(e, 'PERMISSION_DENIED') && e.message === c.refused);
    else await run;
    // The check reads etcd (fresh), not the cache: a default created a moment ago counts.
    assert.ok(reads.every((f) => f));
  });
}

const deletes: { name: string; obj: string; refused: boolean }[] = [
  { name: 'system-node-critical is kept', obj: 'system-node-critical', refused: true },
  { name: 'system-cluster-critical is kept', obj: 'system-cluster-critical', refused: true },
  { name: 'a user class may go', obj: 'high', refused: false },
];
for (const c of deletes) {
  void test(`PriorityClass delete: ${c.name}`, () => {
    const run = (): void => priorityClassStrategy.checkDelete!(cls(c.obj) as KObject);
    if (c.refused) assert.throws(run, (e: unknown) => isApiError(e, 'PERMISSION_DENIED') && e.message === `priorityclasses.scheduling.k8s.io "${c.obj}" is forbidden: this is a system priority class and cannot be deleted`);
    else assert.doesNotThrow(run);
  });
}
