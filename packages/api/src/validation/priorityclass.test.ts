import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../errors.js';
import type { KObject } from '../object.js';
import { applyDefaults } from '../defaults/index.js';
import { SYSTEM_PRIORITY_CLASSES } from '../types/scheduling.js';
import { validateObject } from './index.js';

type Mut = (o: any) => void;

const pc = (name = 'high', extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 1000, ...extra });

void test('priorityclass defaults: value 0 and PreemptLowerPriority; an explicit policy is kept', () => {
  const bare = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'x' } } as KObject;
  applyDefaults(bare);
  assert.equal(bare.value, 0);
  assert.equal(bare.preemptionPolicy, 'PreemptLowerPriority');
  const never = pc('y', { preemptionPolicy: 'Never' });
  applyDefaults(never);
  assert.equal(never.preemptionPolicy, 'Never');
  const again = structuredClone(never);
  applyDefaults(again);
  assert.deepEqual(again, never);
});

void test('priorityclass validation: the built-in classes are valid', () => {
  for (const c of SYSTEM_PRIORITY_CLASSES) {
    const o = structuredClone(c);
    applyDefaults(o);
    assert.deepEqual(validateObject(o), [], c.metadata.name);
  }
});

// Each case: the errors are exactly `want` (prefixes: field path and error type); [] is valid.
const cases: { name: string; obj?: () => KObject; mut?: Mut; old?: Mut; want: string[] }[] = [
  { name: 'a user class', want: [] },
  { name: 'negative values are allowed', mut: (o) => (o.value = -5), want: [] },
  { name: 'the user maximum, 1000000000', mut: (o) => (o.value = 1_000_000_000), want: [] },
  { name: 'above the user maximum', mut: (o) => (o.value = 1_000_000_001), want: ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000'] },
  { name: 'not a 32-bit integer', mut: (o) => (o.value = 1.5), want: ['value: Invalid value: 1.5'] },
  { name: 'preemptionPolicy Never', mut: (o) => (o.preemptionPolicy = 'Never'), want: [] },
  { name: 'unknown preemptionPolicy', mut: (o) => (o.preemptionPolicy = 'Sometimes'), want: ['preemptionPolicy: Unsupported value: "Sometimes"'] },
  { name: 'name must be a DNS subdomain', mut: (o) => (o.metadata.name = 'High_Prio'), want: ['metadata.name: Invalid value: "High_Prio"'] },
  { name: 'cluster-scoped: no namespace', mut: (o) => (o.metadata.namespace = 'default'), want: ['metadata.namespace: Forbidden'] },
  {
    name: 'system- prefix reserved',
    obj: () => pc('system-mine'),
    want: ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
  },
  {
    name: 'a built-in name with another value',
    obj: () => pc('system-node-critical', { value: 5 }),
    want: ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"],
  },
  {
    name: 'a built-in may not be the global default',
    obj: () => pc('system-cluster-critical', { value: 2_000_000_000, globalDefault: true }),
    want: ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-cluster-critical PriorityClass must be false"],
  },
  { name: 'update: value is immutable', mut: (o) => (o.value = 7), old: () => {}, want: ['value: Forbidden: may not be changed in an update.'] },
  { name: 'update: preemptionPolicy is immutable', mut: (o) => (o.preemptionPolicy = 'Never'), old: () => {}, want: ['preemptionPolicy: Invalid value: "Never": field is immutable'] },
  { name: 'update: description and globalDefault may change', mut: (o) => ((o.description = 'x'), (o.globalDefault = true)), old: () => {}, want: [] },
  {
    name: 'update: a built-in keeps its description',
    obj: () => structuredClone(SYSTEM_PRIORITY_CLASSES[0]!),
    mut: (o) => (o.description = 'mine'),
    old: () => {},
    want: ['description: Forbidden: may not be changed in an update of the built-in class system-node-critical'],
  },
  { name: 'update: a built-in may get labels', obj: () => structuredClone(SYSTEM_PRIORITY_CLASSES[1]!), mut: (o) => (o.metadata.labels = { a: 'b' }), old: () => {}, want: [] },
];

for (const c of cases) {
  void test(`priorityclass validation: ${c.name}`, () => {
    const obj = (c.obj ?? (() => pc()))();
    applyDefaults(obj);
    let old: KObject | undefined;
    if (c.old) {
      old = structuredClone(obj);
      c.old(old);
    }
    c.mut?.(obj);
    const got = validateObject(obj, old).map(formatFieldError);
    assert.equal(got.length, c.want.length, `got ${JSON.stringify(got)}`);
    c.want.forEach((w, i) => assert.ok(got[i]!.startsWith(w), `error ${i}: ${got[i]} does not start with ${w}`));
  });
}
