// Names drawn from metadata.generateName: a drawn name that is already taken is drawn again, as
// Kubernetes' RetryGenerateName does (8 attempts in all), so a create never fails on a collision
// the client could not foresee. The test draws the names itself to force collisions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type KObject } from '@skiff/api';
import { startCluster, type TestCluster } from '../harness/index.js';

const generated = (generateName: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName, namespace: 'default' }, data: { k: 'v' } }) as KObject;

describe('generateName', () => {
  let c: TestCluster;
  /** The suffixes the next draws return, in order; then 'zzzzz' forever. */
  let suffixes: string[] = [];
  const draws: string[] = [];
  before(async () => {
    c = await startCluster({
      hooks: {
        drawGeneratedName: (base) => {
          const name = base + (suffixes.shift() ?? 'zzzzz');
          draws.push(name);
          return name;
        },
      },
    });
  });
  after(async () => {
    await c?.close();
  });

  interface Case {
    name: string;
    base: string;
    /** names that exist before the create */
    existing: string[];
    suffixes: string[];
    /** the created name, or undefined for AlreadyExists */
    want?: string;
    draws: number;
  }
  const cases: Case[] = [
    { name: 'a free name is used at once', base: 'free-', existing: [], suffixes: ['aaaaa'], want: 'free-aaaaa', draws: 1 },
    { name: 'a taken name is drawn again', base: 'taken-', existing: ['taken-aaaaa', 'taken-bbbbb'], suffixes: ['aaaaa', 'bbbbb', 'ccccc'], want: 'taken-ccccc', draws: 3 },
    {
      name: 'the eighth taken draw is AlreadyExists',
      base: 'full-',
      existing: ['full-zzzzz'],
      suffixes: [],
      draws: 8,
    },
  ];
  for (const k of cases) {
    it(k.name, async () => {
      for (const n of k.existing) await c.client.create({ ...generated(''), metadata: { name: n, namespace: 'default' } } as KObject);
      suffixes = [...k.suffixes];
      draws.length = 0;
      if (k.want === undefined) {
        await assert.rejects(c.client.create(generated(k.base)), (e) => isApiError(e, 'ALREADY_EXISTS'));
      } else {
        const o = await c.client.create(generated(k.base));
        assert.equal(o.metadata.name, k.want);
        assert.equal((await c.client.get('configmaps', 'default', k.want)).metadata.uid, o.metadata.uid);
      }
      assert.equal(draws.length, k.draws);
    });
  }

  it('an explicit name that is taken is AlreadyExists without a draw', async () => {
    await c.client.create({ ...generated('x-'), metadata: { name: 'explicit', generateName: 'x-', namespace: 'default' } } as KObject);
    draws.length = 0;
    await assert.rejects(c.client.create({ ...generated('x-'), metadata: { name: 'explicit', generateName: 'x-', namespace: 'default' } } as KObject), (e) => isApiError(e, 'ALREADY_EXISTS'));
    assert.equal(draws.length, 0);
  });
});
