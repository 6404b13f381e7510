import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.js';
import type { KObject } from './object.js';
import { applyScale, scaleOf, validateScale, type Scale } from './scale.js';

const deployment = (spec: Record<string, unknown>, status?: Record<string, unknown>): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '42', generation: 3, labels: { a: 'b' } },
  spec,
  ...(status ? { status } : {}),
});

describe('scaleOf', () => {
  const cases: { name: string; obj: KObject; want: Scale }[] = [
    {
      name: 'replicas, observed replicas and the selector string',
      obj: deployment({ replicas: 3, selector: { matchLabels: { tier: 'fe', app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] } }, { replicas: 2 }),
      want: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '42' },
        spec: { replicas: 3 },
        status: { replicas: 2, selector: 'app=web,env in (dev,prod),tier=fe' },
      },
    },
    {
      name: 'defaults: 1 desired, 0 observed',
      obj: deployment({ selector: { matchLabels: { app: 'web' } } }),
      want: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '42' }, spec: { replicas: 1 }, status: { replicas: 0, selector: 'app=web' } },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(scaleOf(c.obj), c.want));
});

describe('validateScale', () => {
  const cases: { name: string; scale: Scale; fields?: string[] }[] = [
    { name: 'valid', scale: { metadata: { name: 'web' }, spec: { replicas: 0 } } },
    { name: 'absent replicas mean 0', scale: { metadata: { name: 'web' } } },
    { name: 'negative replicas', scale: { metadata: { name: 'web' }, spec: { replicas: -1 } }, fields: ['spec.replicas'] },
    { name: 'fractional replicas', scale: { metadata: { name: 'web' }, spec: { replicas: 1.5 } }, fields: ['spec.replicas'] },
    { name: 'no name and negative replicas: both reported', scale: { metadata: {}, spec: { replicas: -2 } }, fields: ['metadata.name', 'spec.replicas'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (!c.fields) return validateScale(c.scale);
      assert.throws(
        () => validateScale(c.scale),
        (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && e.reason === 'Invalid' && JSON.stringify(e.fields.map((f) => f.field)) === JSON.stringify(c.fields),
      );
    });
  }
  it('names the field and the rule in the message', () => {
    assert.throws(() => validateScale({ metadata: { name: 'web' }, spec: { replicas: -1 } }), /Scale "web" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
  });
});

describe('applyScale', () => {
  it('changes spec.replicas only and leaves the input alone', () => {
    const cur = deployment({ replicas: 3, selector: { matchLabels: { app: 'web' } } });
    const next = applyScale(cur, { metadata: { name: 'web' }, spec: { replicas: 7 } });
    assert.deepEqual(next, { ...cur, spec: { replicas: 7, selector: { matchLabels: { app: 'web' } } } });
    assert.equal((cur.spec as { replicas: number }).replicas, 3);
  });
});
