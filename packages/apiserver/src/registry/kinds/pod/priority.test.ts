import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, SYSTEM_PRIORITY_CLASSES, type KObject, type PodSpec, type PriorityClass } from '@skiff/api';
import type { StrategyContext } from '../../strategy.js';
import { admitPodPriority, applyPriority, globalDefaultClass, keepPriority } from './priority.js';

const cls = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name },
  value,
  preemptionPolicy: 'PreemptLowerPriority',
  ...extra,
});

/** A context holding `classes`, as the registry's (lookups by kind and name). */
function ctxOf(classes: PriorityClass[]): StrategyContext {
  return {
    getObject: async (kind: string, _ns: string, name: string) => (kind === 'PriorityClass' ? structuredClone(classes.find((c) => c.metadata.name === name)) : undefined),
    listObjects: async (kind: string) => (kind === 'PriorityClass' ? structuredClone(classes) : []),
  } as unknown as StrategyContext;
}

const pod = (spec: Partial<PodSpec> = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });

const high = cls('high', 1000);
const never = cls('batch', 10, { preemptionPolicy: 'Never' });
const dflt = cls('normal', 100, { globalDefault: true });

const cases: { name: string; classes: PriorityClass[]; spec?: Partial<PodSpec>; want?: Partial<PodSpec>; refused?: string }[] = [
  { name: 'a named class sets priority and policy', classes: [high], spec: { priorityClassName: 'high' }, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: "a class's Never policy", classes: [never], spec: { priorityClassName: 'batch' }, want: { priorityClassName: 'batch', priority: 10, preemptionPolicy: 'Never' } },
  { name: 'no class, no default: priority 0', classes: [high], want: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'no class: the global default, named on the pod', classes: [high, dflt], want: { priorityClassName: 'normal', priority: 100, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'a named class wins over the default', classes: [high, dflt], spec: { priorityClassName: 'high' }, want: { priorityClassName: 'high', priority: 1000 } },
  { name: 'a built-in class (any namespace, as Kubernetes since 1.17)', classes: [...SYSTEM_PRIORITY_CLASSES], spec: { priorityClassName: 'system-node-critical' }, want: { priority: 2000001000 } },
  { name: 'the same priority as the class is accepted', classes: [high], spec: { priorityClassName: 'high', priority: 1000 }, want: { priority: 1000 } },
  { name: 'unknown class', classes: [high], spec: { priorityClassName: 'nope' }, refused: 'pods "p" is forbidden: no PriorityClass with name nope was found' },
  {
    name: 'a priority differing from the class',
    classes: [high],
    spec: { priorityClassName: 'high', priority: 5 },
    refused: 'pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
  },
  { name: 'a priority without any class', classes: [], spec: { priority: 5 }, refused: 'the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0' },
  { name: 'a policy differing from the class', classes: [never], spec: { priorityClassName: 'batch', preemptionPolicy: 'PreemptLowerPriority' }, refused: 'the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never' },
];

for (const c of cases) {
  void test(`pod priority admission: ${c.name}`, async () => {
    const p = pod(c.spec);
    const run = admitPodPriority(p, ctxOf(c.classes));
    if (c.refused) {
      await assert.rejects(run, (e: unknown) => isApiError(e, 'PERMISSION_DENIED') && e.reason === 'Forbidden' && e.message.includes(c.refused!));
      return;
    }
    await run;
    const spec = p.spec as PodSpec;
    for (const [k, v] of Object.entries(c.want ?? {})) assert.deepEqual(spec[k as keyof PodSpec], v, k);
    if (!c.want?.priorityClassName) assert.equal(spec.priorityClassName, c.spec?.priorityClassName);
  });
}

void test('globalDefaultClass: none, one, and the lowest value after a race let two in', () => {
  assert.equal(globalDefaultClass([high]), undefined);
  assert.equal(globalDefaultClass([high, dflt])?.metadata.name, 'normal');
  assert.equal(globalDefaultClass([cls('a', 50, { globalDefault: true }), cls('b', 20, { globalDefault: true })])?.metadata.name, 'b');
});

void test('applyPriority leaves the spec alone when it refuses', () => {
  const spec = { priorityClassName: 'high', priority: 5 } as PodSpec;
  assert.ok(applyPriority(spec, high));
  assert.deepEqual(spec, { priorityClassName: 'high', priority: 5 });
});

const keeps: { name: string; next: Partial<PodSpec>; old: Partial<PodSpec>; want: Partial<PodSpec> }[] = [
  { name: 'left out: kept', next: {}, old: { priority: 100, preemptionPolicy: 'Never' }, want: { priority: 100, preemptionPolicy: 'Never' } },
  { name: 'given: the update\'s (validation judges it)', next: { priority: 7 }, old: { priority: 100 }, want: { priority: 7 } },
  { name: 'nothing stored: nothing added', next: {}, old: {}, want: {} },
];
for (const c of keeps) {
  void test(`pod update keeps the resolved priority: ${c.name}`, () => {
    const next = pod(c.next);
    keepPriority(next, pod(c.old));
    const spec = next.spec as PodSpec;
    assert.deepEqual({ priority: spec.priority, preemptionPolicy: spec.preemptionPolicy }, { priority: c.want.priority, preemptionPolicy: c.want.preemptionPolicy });
  });
}
