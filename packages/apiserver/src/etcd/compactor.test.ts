import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import type { ICompactionRequest, ITxnRequest } from 'etcd3/lib/rpc.js';
import { discardLogger } from '@skiff/machinery';
import { Compactor, type CompactionOutcome } from './compactor.js';

/** An etcd holding one key with etcd's version semantics, a revision that moves on with every
 * write (and `advance`), and a log of compactions. */
function fakeEtcd(): { etcd: Etcd3; compactions: string[]; advance(n: number): void } {
  let revision = 10;
  let version = 0;
  let value: Buffer = Buffer.alloc(0);
  const compactions: string[] = [];
  const kv = {
    txn(req: ITxnRequest) {
      const c = req.compare![0]!;
      const ok = String(version) === String(c.version);
      if (ok) {
        revision++;
        version++;
        value = req.success![0]!.request_put!.value!;
      }
      const kvs = version > 0 ? [{ key: c.key, value, version: String(version) }] : [];
      return Promise.resolve({ header: { revision: String(revision) }, succeeded: ok, responses: ok ? [] : [{ response_range: { kvs } }] });
    },
    compact(req: ICompactionRequest) {
      compactions.push(String(req.revision));
      return Promise.resolve({});
    },
  };
  return { etcd: { kv } as unknown as Etcd3, compactions, advance: (n) => void (revision += n) };
}

const compactor = (etcd: Etcd3): Compactor => new Compactor({ etcd, key: '/registry/compact_rev_key', intervalMs: 1000, log: discardLogger() });

describe('Compactor', () => {
  it('records a revision on its first turn and compacts at it on the next', async () => {
    const f = fakeEtcd();
    const c = compactor(f.etcd);
    assert.equal(await c.compactOnce(), 'recorded');
    f.advance(100);
    assert.equal(await c.compactOnce(), 'compacted');
    f.advance(100);
    assert.equal(await c.compactOnce(), 'compacted');
    assert.deepEqual(f.compactions, ['11', '112'], 'each compaction at the revision read one turn before');
  });

  it('takes one turn per interval among several apiservers', async () => {
    const f = fakeEtcd();
    const a = compactor(f.etcd);
    const b = compactor(f.etcd);
    const rounds: CompactionOutcome[][] = [];
    for (let i = 0; i < 5; i++) {
      // Each interval both try, in either order.
      const order = i % 2 === 0 ? [a, b] : [b, a];
      const got: CompactionOutcome[] = [];
      for (const c of order) got.push(await c.compactOnce());
      rounds.push(got);
      f.advance(50);
    }
    for (const [i, r] of rounds.entries()) {
      const taken = r.filter((o) => o !== 'skipped').length;
      // Whoever saw the latest version takes the turn; the other adopts it and waits.
      assert.equal(taken, 1, `round ${i}: ${r.join(', ')}`);
    }
    assert.equal(f.compactions.length, new Set(f.compactions).size, 'no revision compacted twice');
  });
});
