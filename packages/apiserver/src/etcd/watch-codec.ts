// etcd's WatchRequest and WatchResponse (etcdserverpb, rpc.proto; mvccpb.Event) to and from protobuf
// bytes, for the watch caches' streams on etcd-wire.ts. A WatchResponse is read straight into what a
// cache uses: each event's type, key, value and revision, and the stream's own fields.
import protobuf from 'protobufjs';

export interface WatchCreate {
  key: Buffer;
  rangeEnd: Buffer;
  /** Watch from this revision on (inclusive). */
  startRevision: bigint;
}

export interface WatchedEvent {
  type: 'put' | 'delete';
  key: string;
  value: Buffer;
  revision: bigint;
}

export interface WatchMessage {
  /** The header's revision. */
  revision: bigint;
  watchId: string;
  created: boolean;
  canceled: boolean;
  cancelReason: string;
  compactRevision: bigint;
  events: WatchedEvent[];
}

/** WatchRequest { create_request = 1 { key = 1, range_end = 2, start_revision = 3 } }. */
export function encodeWatchCreate(c: WatchCreate): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork();
  w.uint32((1 << 3) | 2).bytes(c.key);
  if (c.rangeEnd.length > 0) w.uint32((2 << 3) | 2).bytes(c.rangeEnd);
  if (c.startRevision > 0n) w.uint32(3 << 3).int64(String(c.startRevision) as unknown as number);
  w.ldelim();
  return w.finish();
}

/** WatchRequest { progress_request = 3 {} }. */
export const PROGRESS_REQUEST = Uint8Array.from([(3 << 3) | 2, 0]);

function readBigInt(r: protobuf.Reader): bigint {
  const v = r.int64() as unknown as protobuf.Long | number;
  if (typeof v === 'number') return BigInt(v);
  return (BigInt(v.high) << 32n) + BigInt(v.low >>> 0);
}

function readEvent(r: protobuf.Reader, end: number): WatchedEvent | undefined {
  let type: 'put' | 'delete' = 'put';
  let key = '';
  let value = EMPTY;
  let revision = 0n;
  let seen = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 0) type = r.int32() === 1 ? 'delete' : 'put';
    else if (field === 2 && (tag & 7) === 2) {
      seen = true;
      const kvEnd = r.uint32() + r.pos;
      while (r.pos < kvEnd) {
        const t = r.uint32();
        const f = t >>> 3;
        if (f === 1 && (t & 7) === 2) key = r.string();
        else if (f === 3 && (t & 7) === 0) revision = readBigInt(r);
        else if (f === 5 && (t & 7) === 2) value = Buffer.from(r.bytes());
        else r.skipType(t & 7);
      }
    } else r.skipType(tag & 7);
  }
  return seen ? { type, key, value, revision } : undefined;
}

const EMPTY = Buffer.alloc(0);

export function decodeWatchResponse(bytes: Uint8Array): WatchMessage {
  const r = protobuf.Reader.create(bytes);
  const m: WatchMessage = { revision: 0n, watchId: '0', created: false, canceled: false, cancelReason: '', compactRevision: 0n, events: [] };
  while (r.pos < bytes.length) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: {
        const end = r.uint32() + r.pos;
        while (r.pos < end) {
          const t = r.uint32();
          if (t >>> 3 === 3 && (t & 7) === 0) m.revision = readBigInt(r);
          else r.skipType(t & 7);
        }
        break;
      }
      case 2:
        m.watchId = String(readBigInt(r));
        break;
      case 3:
        m.created = r.bool();
        break;
      case 4:
        m.canceled = r.bool();
        break;
      case 5:
        m.compactRevision = readBigInt(r);
        break;
      case 6:
        m.cancelReason = r.string();
        break;
      case 11: {
        const end = r.uint32() + r.pos;
        const e = readEvent(r, end);
        if (e) m.events.push(e);
        break;
      }
      default:
        r.skipType(tag & 7);
    }
  }
  return m;
}
