import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { makeFilter, type ObjectFilter } from './filter.js';
import { CacheIndexes } from './indexes.js';
import { CachedObject } from './cached-object.js';
import { PREFIX, keyOf, pod, podType, sequence, settled, startCache } from './test-fixtures.js';
import type { FakeSource } from './fake-source.js';
import type { WatchCache } from './watch-cache.js';

/** What etcd holds at `rev` that matches `filter`, as "ns/name@rv", in key order. */
function expected(source: FakeSource, rev: bigint, filter: ObjectFilter): string[] {
  return [...source.stateAt(PREFIX, rev)]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => CachedObject.fromStored(podType, k.slice(PREFIX.length), v.value, String(v.modRevision)))
    .filter((o) => filter.matches(o))
    .map((o) => `${o.key}@${o.resourceVersion}`);
}

/** Every page of a list at `at`, `limit` at a time, following the next keys. */
function pages(cache: WatchCache, filter: ObjectFilter, at: bigint, limit: number): { keys: string[]; remaining: (number | undefined)[] } {
  const keys: string[] = [];
  const remaining: (number | undefined)[] = [];
  let start = '';
  for (let n = 0; n < 1000; n++) {
    const p = cache.page(filter, { at, start, limit });
    assert.equal(p.revision, at);
    keys.push(...p.items.map((o) => `${o.key}@${o.resourceVersion}`));
    remaining.push(p.remaining);
    if (p.next === undefined) return { keys, remaining };
    start = p.next;
  }
  throw new Error('no end of pages');
}

const filters: [string, ObjectFilter][] = [
  ['everything', makeFilter(podType, '', '', '')],
  ['one namespace', makeFilter(podType, 'ns1', '', '')],
  ['one node', makeFilter(podType, '', '', 'spec.nodeName=n2')],
  ['one node in one namespace, by label', makeFilter(podType, 'ns0', 'app=a1', 'spec.nodeName=n1')],
  ['unscheduled pods', makeFilter(podType, '', '', 'spec.nodeName=')],
  ['not on a node', makeFilter(podType, '', '', 'spec.nodeName!=n0')],
];

describe('watch cache lists: indexes and paging through snapshots of the window', () => {
  it('pages at every revision of the window equal what etcd held then, for every filter', async () => {
    const { source, cache } = await startCache(400);
    try {
      const r = sequence(11);
      const pick = (n: number): number => Math.floor(r() * n);
      const first = source.revision;
      for (let i = 0; i < 300; i++) {
        const p = pod(`ns${pick(3)}`, `p${pick(40)}`, pick(4) === 0 ? '' : `n${pick(4)}`, { app: `a${pick(2)}` });
        if (pick(5) === 0) source.delete(keyOf(p));
        else source.put(keyOf(p), p);
      }
      await settled(source, cache);
      for (let rev = first; rev <= source.revision; rev += 7n) {
        for (const [name, f] of filters) {
          const want = expected(source, rev, f);
          for (const limit of [0, 1, 7]) {
            assert.deepEqual(pages(cache, f, rev, limit).keys, want, `${name} at ${rev}, limit ${limit}`);
          }
        }
      }
    } finally {
      await cache.stop();
    }
  });

  it('a page tells how many objects follow when no selector is set', async () => {
    const { source, cache } = await startCache();
    try {
      for (let i = 0; i < 5; i++) source.put(keyOf(pod('ns', `p${i}`)), pod('ns', `p${i}`));
      const at = source.revision;
      source.delete(keyOf(pod('ns', 'p1')));
      source.put(keyOf(pod('other', 'q')), pod('other', 'q'));
      await settled(source, cache);
      const f = makeFilter(podType, 'ns', '', '');
      assert.deepEqual(pages(cache, f, at, 2).remaining, [3, 1, undefined]);
      assert.deepEqual(pages(cache, f, cache.revision, 2).remaining, [2, undefined]);
    } finally {
      await cache.stop();
    }
  });
});

describe('CacheIndexes', () => {
  const objs: Record<string, KObject> = {
    'a/x': pod('a', 'x', 'n1'),
    'a/y': pod('a', 'y', 'n2'),
    'b/z': pod('b', 'z', 'n1'),
    'b/w': pod('b', 'w'),
  };
  const cached = (k: string, o: KObject): CachedObject => CachedObject.fromStored(podType, k, Buffer.from(JSON.stringify(o)), '5');
  const cases: { name: string; exact: Record<string, string>; want: string[] }[] = [
    { name: 'no requirement: every key', exact: {}, want: ['a/x', 'a/y', 'b/w', 'b/z'] },
    { name: 'a namespace', exact: { 'metadata.namespace': 'b' }, want: ['b/w', 'b/z'] },
    { name: 'a node', exact: { 'spec.nodeName': 'n1' }, want: ['a/x', 'b/z'] },
    { name: 'the smaller of namespace and node', exact: { 'metadata.namespace': 'a', 'spec.nodeName': 'n2' }, want: ['a/y'] },
    { name: 'unscheduled pods', exact: { 'spec.nodeName': '' }, want: ['b/w'] },
    { name: 'an unknown node: nothing', exact: { 'spec.nodeName': 'n9' }, want: [] },
  ];
  const ix = new CacheIndexes(podType);
  for (const [k, o] of Object.entries(objs)) ix.update(k, undefined, cached(k, o));
  for (const c of cases) {
    it(c.name, () => assert.deepEqual([...ix.candidates(c.exact).keys()], c.want));
  }

  it('follows a pod moving node, and a deletion', () => {
    const ix2 = new CacheIndexes(podType);
    const before = cached('a/x', pod('a', 'x', 'n1'));
    const after = cached('a/x', pod('a', 'x', 'n2'));
    ix2.update('a/x', undefined, before);
    ix2.update('a/x', before, after);
    assert.deepEqual([...ix2.candidates({ 'spec.nodeName': 'n1' }).keys()], []);
    assert.deepEqual([...ix2.candidates({ 'spec.nodeName': 'n2' }).keys()], ['a/x']);
    ix2.update('a/x', after, undefined);
    assert.deepEqual([...ix2.candidates({ 'spec.nodeName': 'n2' }).keys()], []);
    assert.deepEqual([...ix2.candidates({}).keys()], []);
  });
});
