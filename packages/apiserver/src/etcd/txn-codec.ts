// etcd's TxnRequest and TxnResponse (etcdserverpb, rpc.proto) to and from protobuf bytes, for the
// write path's own client (etcd-wire.ts). The etcd3 client decodes every response through
// protobufjs's toObject with defaults and 64-bit integers as strings (each header's cluster and member
// ids included), which cost about as much as the rest of the call; this reads only what the store
// uses. The JS shapes are etcd3's (ITxnRequest, ITxnResponse), so callers do not change: revisions
// and other 64-bit integers come back as decimal strings.
import protobuf from 'protobufjs';
import type { ICompare, IKeyValue, IRequestOp, IResponseOp, ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc.js';

const TARGET: Record<string, number> = { Version: 0, Create: 1, Mod: 2, Value: 3, Lease: 4 };
const RESULT: Record<string, number> = { Equal: 0, Greater: 1, Less: 2, NotEqual: 3 };

type Int64 = string | number | undefined | null;
type Bytes = Buffer | string | undefined | null;

const enumValue = (v: unknown, table: Record<string, number>, what: string): number => {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const n = table[String(v)];
  if (n === undefined) throw new Error(`etcd txn: unknown ${what} ${String(v)}`);
  return n;
};

/** A 64-bit integer field (decimal string or number), left out when zero as proto3 does. */
function int64(w: protobuf.Writer, field: number, v: Int64): void {
  if (v === undefined || v === null || v === 0 || v === '0' || v === '') return;
  w.uint32(field << 3).int64(toLong(v));
}

/** What protobufjs's int64 writer takes: a number when exact (revisions), else the decimal string
 * (lease ids use all 64 bits). */
function toLong(v: string | number): number {
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : (v as unknown as number);
}

function bytes(w: protobuf.Writer, field: number, v: Bytes): void {
  if (v === undefined || v === null || v.length === 0) return;
  w.uint32((field << 3) | 2).bytes(typeof v === 'string' ? Buffer.from(v) : v);
}

function bool(w: protobuf.Writer, field: number, v: boolean | undefined | null): void {
  if (v) w.uint32(field << 3).bool(true);
}

function compare(w: protobuf.Writer, c: ICompare): void {
  const r = enumValue(c.result, RESULT, 'compare result');
  const t = enumValue(c.target, TARGET, 'compare target');
  if (r) w.uint32(1 << 3).int32(r);
  if (t) w.uint32(2 << 3).int32(t);
  bytes(w, 3, c.key);
  // The oneof target_union: the field of the target is written even when zero (absent: create_revision 0).
  if (c.version !== undefined) w.uint32(4 << 3).int64(toLong(c.version));
  if (c.create_revision !== undefined) w.uint32(5 << 3).int64(toLong(c.create_revision));
  if (c.mod_revision !== undefined) w.uint32(6 << 3).int64(toLong(c.mod_revision));
  if (c.value !== undefined) w.uint32((7 << 3) | 2).bytes(c.value);
  if (c.lease !== undefined) w.uint32(8 << 3).int64(toLong(c.lease));
  bytes(w, 64, c.range_end);
}

function requestOp(w: protobuf.Writer, o: IRequestOp): void {
  if (o.request_range) {
    const r = o.request_range;
    if (r.sort_order || r.sort_target || r.min_mod_revision || r.max_mod_revision || r.min_create_revision || r.max_create_revision) {
      throw new Error('etcd txn: sorted or revision-bounded ranges are not supported in a transaction here');
    }
    w.uint32((1 << 3) | 2).fork();
    bytes(w, 1, r.key);
    bytes(w, 2, r.range_end);
    int64(w, 3, r.limit as Int64);
    int64(w, 4, r.revision as Int64);
    bool(w, 7, r.serializable);
    bool(w, 8, r.keys_only);
    bool(w, 9, r.count_only);
    w.ldelim();
  } else if (o.request_put) {
    const p = o.request_put;
    w.uint32((2 << 3) | 2).fork();
    bytes(w, 1, p.key);
    bytes(w, 2, p.value);
    int64(w, 3, p.lease as Int64);
    bool(w, 4, p.prev_kv);
    bool(w, 5, p.ignore_value);
    bool(w, 6, p.ignore_lease);
    w.ldelim();
  } else if (o.request_delete_range) {
    const d = o.request_delete_range;
    w.uint32((3 << 3) | 2).fork();
    bytes(w, 1, d.key);
    bytes(w, 2, d.range_end);
    bool(w, 3, d.prev_kv);
    w.ldelim();
  } else if (o.request_txn) {
    w.uint32((4 << 3) | 2).fork();
    txnBody(w, o.request_txn);
    w.ldelim();
  }
}

function txnBody(w: protobuf.Writer, t: ITxnRequest): void {
  for (const c of t.compare ?? []) {
    w.uint32((1 << 3) | 2).fork();
    compare(w, c);
    w.ldelim();
  }
  for (const [field, ops] of [
    [2, t.success],
    [3, t.failure],
  ] as const) {
    for (const o of ops ?? []) {
      w.uint32((field << 3) | 2).fork();
      requestOp(w, o);
      w.ldelim();
    }
  }
}

export function encodeTxnRequest(t: ITxnRequest): Uint8Array {
  const w = protobuf.Writer.create();
  txnBody(w, t);
  return w.finish();
}

// ---------------------------------------------------------------- responses

/** A varint int64 as a decimal string (exact for all 64 bits; the common small ones without Long's division). */
function readInt64(r: protobuf.Reader): string {
  const v = r.int64() as unknown as protobuf.Long | number;
  if (typeof v === 'number') return String(v);
  if (v.high >= 0 && v.high < 0x200000) return String(v.high * 0x1_0000_0000 + (v.low >>> 0));
  return v.toString();
}

function readHeaderRevision(r: protobuf.Reader, end: number): string {
  let revision = '0';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 3 && (tag & 7) === 0) revision = readInt64(r);
    else r.skipType(tag & 7);
  }
  return revision;
}

function readKv(r: protobuf.Reader, end: number): IKeyValue {
  const kv = { key: EMPTY, value: EMPTY, create_revision: '0', mod_revision: '0', version: '0', lease: '0' };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        kv.key = Buffer.from(r.bytes());
        break;
      case 2:
        kv.create_revision = readInt64(r);
        break;
      case 3:
        kv.mod_revision = readInt64(r);
        break;
      case 4:
        kv.version = readInt64(r);
        break;
      case 5:
        kv.value = Buffer.from(r.bytes());
        break;
      case 6:
        kv.lease = readInt64(r);
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return kv as unknown as IKeyValue;
}

const EMPTY = Buffer.alloc(0);

function readResponseOp(r: protobuf.Reader, end: number): IResponseOp {
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if ((tag & 7) !== 2 || field < 1 || field > 4) {
      r.skipType(tag & 7);
      continue;
    }
    const len = r.uint32();
    const subEnd = r.pos + len;
    if (field === 4) {
      out.response_txn = readTxn(r, subEnd);
      continue;
    }
    const kvs: IKeyValue[] = [];
    const res: Record<string, unknown> = {};
    let header = '0';
    while (r.pos < subEnd) {
      const t = r.uint32();
      const f = t >>> 3;
      if (f === 1 && (t & 7) === 2) {
        const l = r.uint32();
        header = readHeaderRevision(r, r.pos + l);
      } else if (field === 1 && f === 2 && (t & 7) === 2) {
        const l = r.uint32();
        kvs.push(readKv(r, r.pos + l));
      } else if (field === 1 && f === 3) res.more = r.bool();
      else if (field === 1 && f === 4) res.count = readInt64(r);
      else if (field === 2 && f === 2 && (t & 7) === 2) {
        const l = r.uint32();
        res.prev_kv = readKv(r, r.pos + l);
      } else if (field === 3 && f === 2) res.deleted = readInt64(r);
      else if (field === 3 && f === 3 && (t & 7) === 2) {
        const l = r.uint32();
        kvs.push(readKv(r, r.pos + l));
      } else r.skipType(t & 7);
    }
    res.header = { revision: header };
    if (field === 1) out.response_range = { more: false, count: '0', ...res, kvs };
    else if (field === 2) out.response_put = res;
    else out.response_delete_range = { deleted: '0', ...res, prev_kvs: kvs };
  }
  return out as unknown as IResponseOp;
}

function readTxn(r: protobuf.Reader, end: number): ITxnResponse {
  let revision = '0';
  let succeeded = false;
  const responses: IResponseOp[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 2) {
      const l = r.uint32();
      revision = readHeaderRevision(r, r.pos + l);
    } else if (field === 2 && (tag & 7) === 0) succeeded = r.bool();
    else if (field === 3 && (tag & 7) === 2) {
      const l = r.uint32();
      responses.push(readResponseOp(r, r.pos + l));
    } else r.skipType(tag & 7);
  }
  return { header: { revision }, succeeded, responses } as unknown as ITxnResponse;
}

/** A TxnResponse: the header's revision, succeeded, and each response (ranges with their kvs). */
export function decodeTxnResponse(bytes: Uint8Array): ITxnResponse {
  const r = protobuf.Reader.create(bytes);
  return readTxn(r, bytes.length);
}
