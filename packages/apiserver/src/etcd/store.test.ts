import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import type { ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc.js';
import { castGrpcError } from 'etcd3';
import { cmp, EtcdStore, op, type TxnOp } from './store.js';

/** An etcd whose txns return when the test says so; it records what each one carried. */
function fakeEtcd(refuse?: (req: ITxnRequest) => Error | undefined): { etcd: Etcd3; sent: ITxnRequest[]; release(): void } {
  const sent: ITxnRequest[] = [];
  const waiting: (() => void)[] = [];
  let revision = 100;
  const kv = {
    txn(req: ITxnRequest): Promise<ITxnResponse> {
      sent.push(req);
      return new Promise((resolve, reject) => {
        waiting.push(() => {
          const refusal = refuse?.(req);
          if (refusal) return reject(refusal);
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

const create = (key: string, value = '{}'): TxnOp => ({ compare: [cmp.absent(key)], success: [op.put(key, value)], failure: [op.get(key)], keys: [key] });
/** The bytes of the values a txn puts, nested txns included. */
const requestBytes = (req: ITxnRequest): number =>
  (req.success ?? []).reduce((n, o) => n + (o.request_txn ? requestBytes(o.request_txn) : (o.request_put?.value?.length ?? 0)), 0);
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

  it('refuses a write too large for one etcd request before sending it, and sends its neighbours', async () => {
    const f = fakeEtcd();
    const store = new EtcdStore(f.etcd);
    const big = store.txn(create('/big', 'x'.repeat(1_572_864)));
    const small = store.txn(create('/small'));
    await assert.rejects(big, (e: { code?: string; reason?: string; message?: string }) => e.code === 'RESOURCE_EXHAUSTED' && e.reason === 'RequestEntityTooLarge' && /1572864/.test(e.message ?? ''));
    await tick();
    f.release();
    assert.equal((await small).succeeded, true);
    assert.equal(f.sent.length, 1, 'only the small write reached etcd');
  });

  it('sends large writes in batches within the request limit, several at once when they queue', async () => {
    const f = fakeEtcd();
    const store = new EtcdStore(f.etcd);
    const writes = [store.txn(create('/first'))];
    await tick();
    for (let i = 0; i < 4; i++) writes.push(store.txn(create(`/cm${i}`, 'x'.repeat(1_000_000))));
    await tick();
    assert.ok(f.sent.length >= 3, `4 MB queued behind a write in flight opens more txns (sent ${f.sent.length})`);
    for (const req of f.sent) assert.ok(requestBytes(req) <= 1_000_000, 'one large write per txn (two would pass the limit)');
    for (let i = 0; i < 10 && f.sent.length < 5; i++) {
      f.release();
      await tick();
    }
    f.release();
    assert.equal((await Promise.all(writes)).length, 5);
  });

  it('sends each write of a batch that etcd refused as a whole again on its own', async () => {
    // This etcd refuses every txn of more than one write (as it would one over its limits).
    const f = fakeEtcd((req) =>
      (req.success ?? []).length > 1 ? castGrpcError(Object.assign(new Error('8 RESOURCE_EXHAUSTED: Received message larger than max (3000996 vs. 2097152)'), { code: 8 })) : undefined,
    );
    const store = new EtcdStore(f.etcd, { maxRequestBytes: 4 * 1024 * 1024 });
    const first = store.txn(create('/first'));
    await tick();
    const rest = ['/a', '/b', '/c'].map((k) => store.txn(create(k)));
    await tick();
    for (let i = 0; i < 10; i++) {
      f.release();
      await tick();
    }
    const results = await Promise.all([first, ...rest]);
    assert.deepEqual(
      results.map((r) => r.succeeded),
      [true, true, true, true],
    );
    assert.equal(f.sent.filter((r) => (r.success ?? []).length > 1).length, 1, 'one refused batch, then one txn per write');
  });
});
