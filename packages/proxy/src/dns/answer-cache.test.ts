import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnswerCache } from './answer-cache.js';

const query = (id: number, name = 'web'): Buffer => Buffer.concat([Buffer.from([id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from(name)]);
const answer = (id: number): Buffer => Buffer.concat([Buffer.from([id >> 8, id & 0xff, 0x85, 0x80]), Buffer.from('answer')]);

interface Case {
  name: string;
  /** What happens between storing the answer to query 0x0101 (version 1, t = 0) and asking again with id 0x0202. */
  then: { version?: number; atMs?: number; name?: string; fill?: number };
  hit: boolean;
}

const cases: Case[] = [
  { name: 'the same query, same zone: a hit, with the new id', then: {}, hit: true },
  { name: 'the zone changed: a miss', then: { version: 2 }, hit: false },
  { name: 'older than a second: a miss', then: { atMs: 1000 }, hit: false },
  { name: 'another name: a miss', then: { name: 'db' }, hit: false },
  { name: 'the cache filled up meanwhile: dropped, a miss', then: { fill: 4 }, hit: false },
];

void describe('DNS answer cache', () => {
  for (const c of cases) {
    void it(c.name, () => {
      let now = 0;
      const cache = new AnswerCache<string>(4, 1000, () => now);
      cache.set(AnswerCache.key(query(0x0101)), 1, { bytes: answer(0x0101), result: 'success' });
      for (let i = 0; i < (c.then.fill ?? 0); i++) cache.set(AnswerCache.key(query(1, `other${i}`)), 1, { bytes: answer(1), result: 'nxdomain' });
      now = c.then.atMs ?? 0;
      const q = query(0x0202, c.then.name);
      const got = cache.get(AnswerCache.key(q), q, c.then.version ?? 1);
      if (!c.hit) return assert.equal(got, undefined);
      assert.ok(got);
      assert.deepEqual(got.bytes, answer(0x0202));
      assert.equal(got.result, 'success');
      // The cached bytes keep their own id.
      assert.deepEqual(cache.get(AnswerCache.key(query(0x0101)), query(0x0101), 1)?.bytes, answer(0x0101));
    });
  }
});
