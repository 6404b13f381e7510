import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { decodeWatchResponse, encodeWatchCreate, PROGRESS_REQUEST, type WatchMessage } from './watch-codec.js';

// etcd's own proto (the copy the etcd3 client loads), read by protobufjs: the reference both ways.
const root = new protobuf.Root().loadSync(createRequire(import.meta.url).resolve('etcd3/proto/rpc.proto'), { keepCase: true });
const WatchRequest = root.lookupType('etcdserverpb.WatchRequest');
const WatchResponse = root.lookupType('etcdserverpb.WatchResponse');
const plain = (m: protobuf.Message): unknown => WatchRequest.toObject(m, { longs: String, bytes: String, defaults: false });
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('watch requests', () => {
  it('a create request for a prefix from a revision', () => {
    const bytes = encodeWatchCreate({ key: Buffer.from('/registry/pods/'), rangeEnd: Buffer.from('/registry/pods0'), startRevision: 9007199254740993n });
    assert.deepEqual(plain(WatchRequest.decode(bytes)), { create_request: { key: b64('/registry/pods/'), range_end: b64('/registry/pods0'), start_revision: '9007199254740993' } });
  });
  it('a progress request', () => {
    assert.deepEqual(plain(WatchRequest.decode(PROGRESS_REQUEST)), { progress_request: {} });
  });
});

describe('decodeWatchResponse', () => {
  const header = { cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: '120', raft_term: '2' };
  const kv = (key: string, rev: string, value = '') => ({ key: Buffer.from(key), create_revision: '3', mod_revision: rev, version: '1', value: Buffer.from(value), lease: '7587861234567890123' });
  const cases: { name: string; res: Record<string, unknown>; want: Partial<WatchMessage> }[] = [
    {
      name: 'events: puts and deletes with key, value and revision (prev_kv ignored)',
      res: {
        header,
        watch_id: '3',
        events: [
          { type: 'Put', kv: kv('/r/a', '119', '{"a":1}') },
          { type: 'Delete', kv: kv('/r/b', '120'), prev_kv: kv('/r/b', '118', 'old') },
        ],
      },
      want: {
        revision: 120n,
        watchId: '3',
        events: [
          { type: 'put', key: '/r/a', value: Buffer.from('{"a":1}'), revision: 119n },
          { type: 'delete', key: '/r/b', value: Buffer.alloc(0), revision: 120n },
        ],
      },
    },
    { name: 'created', res: { header, watch_id: '7', created: true }, want: { created: true, watchId: '7', events: [] } },
    { name: 'a requested progress notification (watch id -1)', res: { header, watch_id: '-1' }, want: { watchId: '-1', revision: 120n, events: [] } },
    { name: 'compacted', res: { header, watch_id: '3', compact_revision: '100', canceled: true }, want: { compactRevision: 100n, canceled: true } },
    { name: 'canceled with a reason', res: { header, canceled: true, cancel_reason: 'etcdserver: no leader' }, want: { canceled: true, cancelReason: 'etcdserver: no leader' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = decodeWatchResponse(WatchResponse.encode(WatchResponse.fromObject(c.res)).finish());
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof WatchMessage], v, k);
    });
  }
});
