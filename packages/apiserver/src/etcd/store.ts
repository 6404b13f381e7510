// The apiserver's access to etcd: reads at a revision, and conditional writes. Independent writes
// that arrive together share one etcd transaction (each as its own nested transaction, so each still
// succeeds or fails on its own compares): fewer round trips and raft proposals under load. A batch
// stays within etcd's request limits (batch.ts); a write too large for etcd on its own is refused here
// before it is sent, and a batch that etcd refuses as a whole is sent again one write at a time, so a
// write only ever fails for its own fault.
import type { Etcd3 } from 'etcd3';
import type { ICompare, IRequestOp, IResponseOp, IKeyValue, ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc.js';
import { ApiError } from '@skiff/api';
import { prefixEnd } from './keys.js';
import { ETCD_DEFAULT_LIMITS, nextBatch, REQUEST_OVERHEAD_BYTES, txnOpBytes, type BatchLimits, type Queued, type TxnOp } from './batch.js';
import { etcdError, isRequestRefusal } from './errors.js';

export { etcdError } from './errors.js';
export type { TxnOp } from './batch.js';

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

export interface TxnResult {
  succeeded: boolean;
  revision: string;
  responses: IResponseOp[];
}

/**
 * Group commit: one transaction in flight, and whatever arrives meanwhile goes out together when it
 * returns (at most one etcd round trip of waiting, far fewer transactions and watch responses for
 * etcd and this process to handle). More go out at once only when the queue holds more writes than
 * one transaction could carry (by count or by bytes).
 */
const MAX_IN_FLIGHT = 4;
const FULL_BATCH = 32;

interface Pending extends Queued {
  resolve(r: TxnResult): void;
  reject(e: unknown): void;
}

/** What sends the transactions: the etcd3 client's KV, or the write path's own client (etcd-wire.ts). */
export interface TxnSender {
  txn(req: ITxnRequest): Promise<ITxnResponse>;
}

/**
 * Transactions up to this size go through the write path's own client when one is given; larger
 * ones through the etcd3 client (grpc-js). A large request etcd refuses part-way (over its gRPC
 * message limit) was seen reset without a status on a plain HTTP/2 stream when several were in
 * flight, while grpc-js reports etcd's status; large writes are rare and their cost is their size.
 */
const FAST_PATH_MAX_BYTES = 256 * 1024;

export class EtcdStore {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  readonly limits: BatchLimits;
  private readonly fast: TxnSender;

  constructor(
    readonly etcd: Etcd3,
    limits: Partial<BatchLimits> = {},
    txns?: TxnSender,
  ) {
    this.limits = { ...ETCD_DEFAULT_LIMITS, ...limits };
    this.fast = txns ?? etcd.kv;
  }

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
    const bytes = txnOpBytes(op);
    if (bytes + REQUEST_OVERHEAD_BYTES > this.limits.maxRequestBytes) {
      return Promise.reject(
        new ApiError('RESOURCE_EXHAUSTED', `the write is too large for etcd: up to ${bytes} bytes with its keys, the limit of one etcd request is ${this.limits.maxRequestBytes} bytes`, {
          reason: 'RequestEntityTooLarge',
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ op, bytes, resolve, reject });
      this.queuedBytes += bytes;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && (this.inFlight === 0 || (this.inFlight < MAX_IN_FLIGHT && this.holdsMoreThanOneBatch()))) {
      const { batch, rest } = nextBatch(this.queue, this.limits);
      this.queue = rest;
      for (const p of batch) this.queuedBytes -= p.bytes;
      this.inFlight++;
      this.send(batch)
        .catch(() => {})
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private holdsMoreThanOneBatch(): boolean {
    return this.queue.length >= FULL_BATCH || this.queuedBytes > this.limits.maxRequestBytes - REQUEST_OVERHEAD_BYTES;
  }

  private sender(batch: Pending[]): TxnSender {
    let bytes = 0;
    for (const p of batch) bytes += p.bytes;
    return bytes <= FAST_PATH_MAX_BYTES ? this.fast : this.etcd.kv;
  }

  private async send(batch: Pending[]): Promise<void> {
    const via = this.sender(batch);
    try {
      if (batch.length === 1) {
        const { op } = batch[0]!;
        const res = await via.txn({ compare: op.compare, success: op.success, failure: op.failure ?? [] });
        batch[0]!.resolve({ succeeded: !!res.succeeded, revision: String(res.header.revision), responses: res.responses });
        return;
      }
      const res = await via.txn({
        compare: [],
        success: batch.map(({ op }) => ({ request_txn: { compare: op.compare, success: op.success, failure: op.failure ?? [] } })),
        failure: [],
      });
      const revision = String(res.header.revision);
      batch.forEach((p, i) => {
        const sub = res.responses[i]?.response_txn as ITxnResponse | undefined;
        if (!sub) p.reject(new ApiError('INTERNAL', 'etcd returned no response for a batched write'));
        else p.resolve({ succeeded: !!sub.succeeded, revision, responses: sub.responses });
      });
    } catch (e) {
      if (batch.length > 1 && isRequestRefusal(e)) {
        // etcd refused the batch as a whole and applied none of it: each write goes again on its
        // own, to succeed or fail for itself.
        for (const p of batch) {
          p.alone = true;
          this.queuedBytes += p.bytes;
        }
        this.queue.unshift(...batch);
        return;
      }
      const err = etcdError(e);
      for (const p of batch) p.reject(err);
    }
  }

  /** Maps etcd and connection failures to ApiErrors (errors.ts). */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw etcdError(e);
    }
  }
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
