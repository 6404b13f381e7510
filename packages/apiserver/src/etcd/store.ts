// The apiserver's access to etcd: reads at a revision, and conditional writes. Independent writes
// that arrive together share one etcd transaction (each as its own nested transaction, so each still
// succeeds or fails on its own compares): fewer round trips and raft proposals under load.
import type { Etcd3 } from 'etcd3';
import type { ICompare, IRequestOp, IResponseOp, IKeyValue, ITxnResponse } from 'etcd3/lib/rpc.js';
import { ApiError } from '@skiff/api';
import { prefixEnd } from './keys.js';

export interface StoredKv {
  key: string;
  value: Buffer;
  /** etcd mod_revision: the object's resourceVersion. */
  modRevision: string;
  createRevision: string;
  lease: string;
}

export interface RangeResult {
  kvs: StoredKv[];
  /** The store revision the range was read at. */
  revision: string;
  more: boolean;
  count: number;
}

/** One conditional write. `keys` are the keys it writes (writes to the same key are never batched). */
export interface TxnOp {
  compare: ICompare[];
  success: IRequestOp[];
  failure?: IRequestOp[];
  keys: string[];
}

export interface TxnResult {
  succeeded: boolean;
  revision: string;
  responses: IResponseOp[];
}

/** etcd (3.4, default --max-txn-ops 128) counts a batch's nested transactions plus the operations of
 * each one against that limit. */
const MAX_TXN_OPS = 128;
/**
 * Group commit: one transaction in flight, and whatever arrives meanwhile goes out together when it
 * returns (at most one etcd round trip of waiting, far fewer transactions and watch responses for
 * etcd and this process to handle). More go out at once only when the queue holds more writes than
 * one transaction could carry.
 */
const MAX_IN_FLIGHT = 4;
const FULL_BATCH = 32;

interface Pending {
  op: TxnOp;
  resolve(r: TxnResult): void;
  reject(e: unknown): void;
}

export class EtcdStore {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(readonly etcd: Etcd3) {}

  async get(key: string, revision?: string): Promise<{ kv?: StoredKv; revision: string }> {
    const res = await this.call(() => this.etcd.kv.range({ key: Buffer.from(key), ...(revision ? { revision } : {}) }));
    const kv = res.kvs[0];
    return { ...(kv ? { kv: toKv(kv) } : {}), revision: String(res.header.revision) };
  }

  /** Keys from `start` (inclusive) to the end of `prefix`, at `revision` (latest when undefined). */
  async range(prefix: string, opts: { start?: string; revision?: string; limit?: number } = {}): Promise<RangeResult> {
    const res = await this.call(() =>
      this.etcd.kv.range({
        key: Buffer.from(opts.start ?? prefix),
        range_end: prefixEnd(prefix),
        ...(opts.revision ? { revision: opts.revision } : {}),
        ...(opts.limit ? { limit: opts.limit } : {}),
      }),
    );
    return { kvs: res.kvs.map(toKv), revision: String(res.header.revision), more: !!res.more, count: Number(res.count) };
  }

  /** Runs one conditional write, possibly batched with others. */
  txn(op: TxnOp): Promise<TxnResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && (this.inFlight === 0 || (this.inFlight < MAX_IN_FLIGHT && this.queue.length >= FULL_BATCH))) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const keys = new Set<string>();
      let ops = 0;
      for (const p of this.queue) {
        const n = opCount(p.op);
        if ((batch.length === 0 || ops + n + batch.length + 1 <= MAX_TXN_OPS) && !p.op.keys.some((k) => keys.has(k))) {
          batch.push(p);
          ops = Math.max(ops, n);
          for (const k of p.op.keys) keys.add(k);
        } else {
          rest.push(p);
        }
      }
      this.queue = rest;
      this.inFlight++;
      this.send(batch)
        .catch(() => {})
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const { op } = batch[0]!;
        const res = await this.call(() => this.etcd.kv.txn({ compare: op.compare, success: op.success, failure: op.failure ?? [] }));
        batch[0]!.resolve({ succeeded: !!res.succeeded, revision: String(res.header.revision), responses: res.responses });
        return;
      }
      const res = await this.call(() =>
        this.etcd.kv.txn({
          compare: [],
          success: batch.map(({ op }) => ({ request_txn: { compare: op.compare, success: op.success, failure: op.failure ?? [] } })),
          failure: [],
        }),
      );
      const revision = String(res.header.revision);
      batch.forEach((p, i) => {
        const sub = res.responses[i]?.response_txn as ITxnResponse | undefined;
        if (!sub) p.reject(new ApiError('INTERNAL', 'etcd returned no response for a batched write'));
        else p.resolve({ succeeded: !!sub.succeeded, revision, responses: sub.responses });
      });
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }

  /** Maps etcd and connection failures to ApiErrors (UNAVAILABLE, OUT_OF_RANGE for compaction). */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw etcdError(e);
    }
  }
}

function opCount(op: TxnOp): number {
  return Math.max(op.compare.length, op.success.length, op.failure?.length ?? 0);
}

export function etcdError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (/compacted/i.test(msg)) return new ApiError('OUT_OF_RANGE', `the requested resourceVersion is too old: ${msg}`, { reason: 'Expired', cause: e });
  if (/future rev/i.test(msg)) return new ApiError('INVALID_ARGUMENT', `the requested resourceVersion is newer than the store: ${msg}`, { reason: 'BadRequest', cause: e });
  if (/too many operations|duplicate key/i.test(msg)) return new ApiError('INTERNAL', `etcd refused a transaction: ${msg}`, { cause: e });
  if (/too large|request is too large/i.test(msg)) return new ApiError('RESOURCE_EXHAUSTED', `etcd refused the write: ${msg}`, { cause: e });
  return new ApiError('UNAVAILABLE', `etcd: ${msg}`, { reason: 'ServiceUnavailable', cause: e });
}

export function toKv(kv: IKeyValue): StoredKv {
  return {
    key: kv.key.toString(),
    value: kv.value,
    modRevision: String(kv.mod_revision),
    createRevision: String(kv.create_revision),
    lease: String(kv.lease ?? '0'),
  };
}

export const cmp = {
  absent(key: string): ICompare {
    return { key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 };
  },
  modRevision(key: string, rev: string): ICompare {
    return { key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: rev };
  },
};

export const op = {
  put(key: string, value: Buffer | string, lease?: string): IRequestOp {
    return { request_put: { key: Buffer.from(key), value: Buffer.from(value), ...(lease ? { lease } : {}) } };
  },
  del(key: string): IRequestOp {
    return { request_delete_range: { key: Buffer.from(key) } };
  },
  get(key: string): IRequestOp {
    return { request_range: { key: Buffer.from(key) } };
  },
};
