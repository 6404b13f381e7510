import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import type { ITxnRequest } from 'etcd3/lib/rpc.js';
import { decodeTxnResponse, encodeTxnRequest } from './txn-codec.js';
import { cmp, op } from './store.js';

// etcd's own proto (the copy the etcd3 client loads), read by protobufjs: the reference both ways.
const root = new protobuf.Root().loadSync(createRequire(import.meta.url).resolve('etcd3/proto/rpc.proto'), { keepCase: true });
const TxnRequest = root.lookupType('etcdserverpb.TxnRequest');
const TxnResponse = root.lookupType('etcdserverpb.TxnResponse');
const asPlain = (m: protobuf.Message): Record<string, unknown> =>
  TxnRequest.toObject(m, { longs: String, enums: String, bytes: String, defaults: false, oneofs: false }) as Record<string, unknown>;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('encodeTxnRequest', () => {
  const cases: { name: string; req: ITxnRequest; want: Record<string, unknown> }[] = [
    {
      name: 'create if absent, read back on failure',
      req: { compare: [cmp.absent('/r/a')], success: [op.put('/r/a', '{"x":1}')], failure: [op.get('/r/a')] },
      want: {
        compare: [{ target: 'Create', key: b64('/r/a'), create_revision: '0' }],
        success: [{ request_put: { key: b64('/r/a'), value: b64('{"x":1}') } }],
        failure: [{ request_range: { key: b64('/r/a') } }],
      },
    },
    {
      name: 'update at a revision, with a lease id above 2^53',
      req: { compare: [cmp.modRevision('/r/b', '123456789')], success: [op.put('/r/b', 'v', '7587861234567890123')], failure: [] },
      want: {
        compare: [{ target: 'Mod', key: b64('/r/b'), mod_revision: '123456789' }],
        success: [{ request_put: { key: b64('/r/b'), value: b64('v'), lease: '7587861234567890123' } }],
      },
    },
    {
      name: 'nested transactions of a batch, a delete and a ranged read',
      req: {
        compare: [],
        success: [
          { request_txn: { compare: [cmp.modRevision('/r/c', '5')], success: [op.del('/r/c')], failure: [op.get('/r/c')] } },
          { request_txn: { compare: [{ key: Buffer.from('/r/d'), target: 'Value', result: 'NotEqual', value: Buffer.from('x') }], success: [{ request_range: { key: Buffer.from('/r/'), range_end: Buffer.from('/r0'), limit: 10, revision: '77', count_only: true } }] } },
        ],
        failure: [],
      },
      want: {
        success: [
          { request_txn: { compare: [{ target: 'Mod', key: b64('/r/c'), mod_revision: '5' }], success: [{ request_delete_range: { key: b64('/r/c') } }], failure: [{ request_range: { key: b64('/r/c') } }] } },
          {
            request_txn: {
              compare: [{ result: 'NotEqual', target: 'Value', key: b64('/r/d'), value: b64('x') }],
              success: [{ request_range: { key: b64('/r/'), range_end: b64('/r0'), limit: '10', revision: '77', count_only: true } }],
            },
          },
        ],
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(asPlain(TxnRequest.decode(encodeTxnRequest(c.req))), c.want);
    });
  }

  it('refuses a sorted range rather than drop the sort', () => {
    assert.throws(() => encodeTxnRequest({ success: [{ request_range: { key: Buffer.from('/a'), sort_order: 'Ascend' } }] }), /not supported/);
  });
});

describe('decodeTxnResponse', () => {
  const header = { cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: '9007199254740993', raft_term: '2' };
  const kv = { key: Buffer.from('/r/a'), value: Buffer.from('{}'), create_revision: '40', mod_revision: '41', version: '2', lease: '7587861234567890123' };
  const cases: { name: string; res: Record<string, unknown>; check(d: ReturnType<typeof decodeTxnResponse>): void }[] = [
    {
      name: 'a failed compare with the key read back (64-bit values exact)',
      res: { header, succeeded: false, responses: [{ response_range: { header, kvs: [kv], count: '1' } }] },
      check(d) {
        assert.equal(String(d.header.revision), '9007199254740993');
        assert.equal(d.succeeded, false);
        const got = d.responses[0]!.response_range!;
        assert.equal(String(got.count), '1');
        assert.equal(got.more, false);
        assert.equal(got.kvs[0]!.key.toString(), '/r/a');
        assert.equal(got.kvs[0]!.value.toString(), '{}');
        assert.deepEqual([got.kvs[0]!.create_revision, got.kvs[0]!.mod_revision, got.kvs[0]!.version, got.kvs[0]!.lease].map(String), ['40', '41', '2', '7587861234567890123']);
      },
    },
    {
      name: 'a batch: nested results in order, puts and deletes',
      res: {
        header: { revision: '12' },
        succeeded: true,
        responses: [
          { response_txn: { header: { revision: '12' }, succeeded: true, responses: [{ response_put: { header: {} } }] } },
          { response_txn: { header: { revision: '12' }, succeeded: false, responses: [{ response_range: { header: {}, kvs: [] } }] } },
          { response_txn: { succeeded: true, responses: [{ response_delete_range: { header: {}, deleted: '1' } }] } },
        ],
      },
      check(d) {
        assert.equal(String(d.header.revision), '12');
        const [a, b, c] = d.responses.map((r) => r.response_txn!);
        assert.equal(a!.succeeded, true);
        assert.ok(a!.responses[0]!.response_put);
        assert.equal(b!.succeeded, false);
        assert.deepEqual(b!.responses[0]!.response_range!.kvs, []);
        assert.equal(String(c!.responses[0]!.response_delete_range!.deleted), '1');
      },
    },
    {
      name: 'an empty response (no header): revision 0, not succeeded',
      res: {},
      check(d) {
        assert.equal(String(d.header.revision), '0');
        assert.equal(d.succeeded, false);
        assert.deepEqual(d.responses, []);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      c.check(decodeTxnResponse(TxnResponse.encode(TxnResponse.fromObject(c.res)).finish()));
    });
  }
});
