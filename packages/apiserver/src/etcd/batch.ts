// Which queued writes share the next etcd transaction. A batch is bounded by etcd's limits on one
// request: its operation count (--max-txn-ops, 128 by default) and its size (--max-request-bytes,
// 1.5 MiB by default; gRPC refuses a message past that plus 512 KiB before etcd looks at it). Sizes
// are upper bounds of the protobuf encoding, so a batch that fits here fits in etcd.
import type { ICompare, IRequestOp } from 'etcd3/lib/rpc.js';

/** One conditional write. `keys` are the keys it writes (writes to the same key are never batched). */
export interface TxnOp {
  compare: ICompare[];
  success: IRequestOp[];
  failure?: IRequestOp[];
  keys: string[];
}

export interface BatchLimits {
  /** etcd's --max-txn-ops. */
  maxOps: number;
  /** etcd's --max-request-bytes. */
  maxRequestBytes: number;
}

/** etcd 3.4's defaults (Debian's etcd-server). */
export const ETCD_DEFAULT_LIMITS: BatchLimits = { maxOps: 128, maxRequestBytes: 1_572_864 };

/** What etcd adds around a transaction before it checks the size (its raft request header), and
 * the outer transaction of a batch, generously. */
export const REQUEST_OVERHEAD_BYTES = 512;

/** A field of `n` bytes costs at most its tag, a 5-byte length and the bytes. */
const FIELD = 6;
/** A compare or an operation: its message header plus every small field it may carry (revisions,
 * lease, target, result, flags), at most 11 bytes each. */
const ELEMENT = 64;

const len = (b: Buffer | string | undefined): number => (b === undefined ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.length);

function opBytes(o: IRequestOp): number {
  if (o.request_put) return ELEMENT + FIELD * 2 + len(o.request_put.key) + len(o.request_put.value);
  if (o.request_range) return ELEMENT + FIELD * 2 + len(o.request_range.key) + len(o.request_range.range_end);
  if (o.request_delete_range) return ELEMENT + FIELD * 2 + len(o.request_delete_range.key) + len(o.request_delete_range.range_end);
  if (o.request_txn) return ELEMENT + txnBytes(o.request_txn);
  return ELEMENT;
}

function txnBytes(t: { compare?: ICompare[]; success?: IRequestOp[]; failure?: IRequestOp[] }): number {
  let n = 0;
  for (const c of t.compare ?? []) n += ELEMENT + FIELD * 3 + len(c.key) + len(c.range_end) + len(c.value);
  for (const o of t.success ?? []) n += FIELD + opBytes(o);
  for (const o of t.failure ?? []) n += FIELD + opBytes(o);
  return n;
}

/** An upper bound of the bytes one write adds to a transaction (as its own nested transaction). */
export function txnOpBytes(op: TxnOp): number {
  return FIELD + ELEMENT + txnBytes(op);
}

/** The operations one write counts towards --max-txn-ops. */
export function opCount(op: TxnOp): number {
  return Math.max(op.compare.length, op.success.length, op.failure?.length ?? 0);
}

export interface Queued {
  op: TxnOp;
  /** txnOpBytes(op), computed once. */
  bytes: number;
  /** Send in a transaction of its own (after a batch it was part of was refused as a whole). */
  alone?: boolean;
}

/**
 * Splits the queue into the next batch and the rest (both in queue order). The first write always
 * goes (alone if it is too large to share); a later one joins if the batch stays within the count
 * and byte bounds and shares no key with it. etcd checks each nesting level's count on its own;
 * this bound is stricter (the nested transactions plus the largest one's operations).
 */
export function nextBatch<T extends Queued>(queue: readonly T[], limits: BatchLimits): { batch: T[]; rest: T[] } {
  const batch: T[] = [];
  const rest: T[] = [];
  const keys = new Set<string>();
  const maxBytes = limits.maxRequestBytes - REQUEST_OVERHEAD_BYTES;
  let ops = 0;
  let bytes = 0;
  let closed = false;
  for (const p of queue) {
    if (batch.length === 0) {
      batch.push(p);
      ops = opCount(p.op);
      bytes = p.bytes;
      for (const k of p.op.keys) keys.add(k);
      closed = !!p.alone;
      continue;
    }
    const n = opCount(p.op);
    const fits = !closed && !p.alone && Math.max(ops, n) + batch.length + 1 <= limits.maxOps && bytes + p.bytes <= maxBytes && !p.op.keys.some((k) => keys.has(k));
    if (!fits) {
      rest.push(p);
      continue;
    }
    batch.push(p);
    ops = Math.max(ops, n);
    bytes += p.bytes;
    for (const k of p.op.keys) keys.add(k);
  }
  return { batch, rest };
}
