import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplateSpec } from '@skiff/api';
import { resolveFenceposts, scaledValue } from './fenceposts.js';
import { computeHash, safeEncodeString } from './hash.js';

describe('maxSurge / maxUnavailable', () => {
  const cases: { name: string; surge: number | string; unavailable: number | string; replicas: number; want: [number, number] }[] = [
    { name: 'defaults on 10: surge rounds up, unavailable down', surge: '25%', unavailable: '25%', replicas: 10, want: [3, 2] },
    { name: 'defaults on 4', surge: '25%', unavailable: '25%', replicas: 4, want: [1, 1] },
    { name: 'defaults on 1', surge: '25%', unavailable: '25%', replicas: 1, want: [1, 0] },
    { name: 'numbers', surge: 2, unavailable: 1, replicas: 10, want: [2, 1] },
    { name: 'both zero: one unavailable', surge: 0, unavailable: '0%', replicas: 10, want: [0, 1] },
    { name: '100% surge', surge: '100%', unavailable: 0, replicas: 3, want: [3, 0] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = resolveFenceposts(c.surge, c.unavailable, c.replicas);
      assert.deepEqual([r.surge, r.unavailable], c.want);
    });
  }
  it('refuses a string that is no percentage', () => assert.throws(() => scaledValue('abc', 10, true), /must be an integer or percentage/));
});

describe('pod-template-hash', () => {
  const t: PodTemplateSpec = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  it('is stable and safe-encoded', () => {
    const h = computeHash(t);
    assert.equal(h, computeHash(structuredClone(t)));
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
  it('ignores key order', () => {
    const reordered: PodTemplateSpec = { spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    assert.equal(computeHash(reordered), computeHash(t));
  });
  it('changes with the template and with collisionCount', () => {
    const other = structuredClone(t);
    other.spec!.containers[0].image = 'nginx:2';
    assert.notEqual(computeHash(other), computeHash(t));
    assert.notEqual(computeHash(t, 1), computeHash(t));
    assert.notEqual(computeHash(t, 1), computeHash(t, 2));
  });
  it('safe encoding maps digits to the consonant alphabet', () => assert.equal(safeEncodeString('0123'), '4567'));
});
