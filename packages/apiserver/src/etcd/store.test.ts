import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import type { ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc.js';
import { cmp, EtcdStore, op, type TxnOp } from './store.js';

/** An etcd whose txns return when the test says so; it records what each one carried. */
function fakeEtcd(): { etcd: Etcd3; sent: ITxnRequest[]; release(): void } {
  const sent: ITxnRequest[] = [];
  const waiting: (() => void)[] = [];
  let revision = 100;
  const kv = {
    txn(req: ITxnRequest): Promise<ITxnResponse> {
      sent.push(req);
      return new Promise((resolve) => {
        waiting.push(() => {
          revision++;
          const nested = (req.success ?? []).filter((o) => o.request_txn);
          const header = { revision: String(revision) } as ITxnResponse['header'];
          if (nested.length === 0) resolve({ header, succeeded: true, responses: [] } as unknown as ITxnResponse);
          else resolve({ header, succeeded: true, responses: nested.map(() => ({ response_txn: { header, succeeded: true, responses: [] } })) } as unknown as ITxnResponse);
        });
      });
    },
  };
  return {
    etcd: { kv } as unknown as Etcd3,
    sent,
    release: () => {
      for (const w of waiting.splice(0)) w();
    },
  };
}

const create = (key: string): TxnOp => ({ compare: [cmp.absent(key)], success: [op.put(key, '{}')], failure: [op.get(key)], keys: [key] });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('EtcdStore group commit', () => {
  it('keeps one txn in flight and sends what queued meanwhile as one batch', async () => {
    const f = fakeEtcd();
    const store = new EtcdStore(f.etcd);
    const first = store.txn(create('/a'));
    await tick();
    assert.equal(f.sent.length, 1);
    const rest = ['/b', '/c', '/d'].map((k) => store.txn(create(k)));
    await tick();
    assert.equal(f.sent.length, 1, 'writes wait while a txn is in flight');
    f.release();
    assert.equal((await first).revision, '101');
    await tick();
    assert.equal(f.sent.length, 2);
    assert.equal(f.sent[1]!.success!.length, 3, 'the three queued writes share one txn');
    f.release();
    const results = await Promise.all(rest);
    assert.deepEqual(
      results.map((r) => [r.succeeded, r.revision]),
      [
        [true, '102'],
        [true, '102'],
        [true, '102'],
      ],
    );
  });

  it('sends more txns at once only when a full batch is queued, and never two writes of one key together', async () => {
    const f = fakeEtcd();
    const store = new EtcdStore(f.etcd);
    const all = [store.txn(create('/first'))];
    await tick();
    for (let i = 0; i < 40; i++) all.push(store.txn(create(`/k${i}`)));
    all.push(store.txn(create('/k0')));
    await tick();
    assert.ok(f.sent.length >= 2, `a queue of 41 writes opens another txn (sent ${f.sent.length})`);
    for (const req of f.sent) {
      const keys = (req.success ?? []).flatMap((o) => (o.request_txn ? o.request_txn.success ?? [] : [o])).map((o) => String(o.request_put?.key));
      assert.equal(new Set(keys).size, keys.length, 'no key twice in one txn');
    }
    let done = false;
    const settled = Promise.all(all).then((r) => ((done = true), r));
    for (let i = 0; i < 20 && !done; i++) {
      f.release();
      await tick();
    }
    assert.equal((await settled).length, 42);
  });
});
