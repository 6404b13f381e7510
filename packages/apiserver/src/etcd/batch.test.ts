import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ETCD_DEFAULT_LIMITS, nextBatch, REQUEST_OVERHEAD_BYTES, txnOpBytes, type BatchLimits, type Queued, type TxnOp } from './batch.js';
import { cmp, op } from './store.js';

const MiB = 1024 * 1024;

/** A create of `key` with a value of `size` bytes, as the registry builds it. */
function create(key: string, size = 10, extraKeys: string[] = []): Queued & { name: string } {
  const o: TxnOp = {
    compare: [cmp.absent(key), ...extraKeys.map((k) => cmp.absent(k))],
    success: [op.put(key, Buffer.alloc(size, 'x')), ...extraKeys.map((k) => op.put(k, key))],
    failure: [op.get(key)],
    keys: [key, ...extraKeys],
  };
  return { name: key, op: o, bytes: txnOpBytes(o) };
}

interface Case {
  name: string;
  limits?: BatchLimits;
  queue: (Queued & { name: string })[];
  /** Names in each batch, in the order nextBatch hands them out. */
  want: string[][];
}

const many = (n: number, size = 10): (Queued & { name: string })[] => Array.from({ length: n }, (_, i) => create(`/k${i}`, size));

const cases: Case[] = [
  { name: 'small writes share one batch', queue: many(5), want: [['/k0', '/k1', '/k2', '/k3', '/k4']] },
  {
    name: 'four writes of about 1 MB go one per batch (etcd refused the 3 MB batch)',
    queue: many(4, 1_000_000),
    want: [['/k0'], ['/k1'], ['/k2'], ['/k3']],
  },
  {
    name: 'writes of 700 KB pair up within 1.5 MiB',
    queue: many(5, 700_000),
    want: [
      ['/k0', '/k1'],
      ['/k2', '/k3'],
      ['/k4'],
    ],
  },
  {
    name: 'an object near the limit goes alone; the small ones behind it go together',
    queue: [create('/big', 1.5 * MiB - 4096), create('/a', 100_000), create('/b', 100_000)],
    want: [['/big'], ['/a', '/b']],
  },
  {
    name: 'a small write fills the room a large one leaves',
    queue: [create('/big', 1.4 * MiB), create('/mid', 300_000), create('/small', 1000)],
    want: [['/big', '/small'], ['/mid']],
  },
  {
    name: 'the count bound holds with small writes (127 nested txns of one operation within 128)',
    queue: many(200),
    want: [many(127).map((q) => q.name), many(200).slice(127).map((q) => q.name)],
  },
  {
    name: 'a lower --max-txn-ops bounds the batch',
    limits: { maxOps: 8, maxRequestBytes: 1.5 * MiB },
    queue: many(10),
    want: [many(7).map((q) => q.name), many(10).slice(7).map((q) => q.name)],
  },
  {
    name: 'a lower --max-request-bytes bounds the batch',
    limits: { maxOps: 128, maxRequestBytes: 256 * 1024 },
    queue: many(4, 100_000),
    want: [['/k0', '/k1'], ['/k2', '/k3']],
  },
  {
    name: 'two writes of one key never share a batch',
    queue: [create('/a'), create('/b'), create('/a'), create('/c', 10, ['/alloc']), create('/d', 10, ['/alloc'])],
    want: [['/a', '/b', '/c'], ['/a', '/d']],
  },
  {
    name: 'a write marked alone (its batch was refused) goes on its own',
    queue: [{ ...create('/a'), alone: true }, create('/b'), { ...create('/c'), alone: true }, create('/d')],
    want: [['/a'], ['/b', '/d'], ['/c']],
  },
];

describe('nextBatch', () => {
  for (const tc of cases) {
    it(tc.name, () => {
      const limits = tc.limits ?? ETCD_DEFAULT_LIMITS;
      const got: string[][] = [];
      let queue = tc.queue;
      while (queue.length > 0) {
        const { batch, rest } = nextBatch(queue, limits);
        assert.ok(batch.length > 0, 'every call hands out at least one write');
        const bytes = batch.reduce((n, q) => n + q.bytes, 0);
        if (batch.length > 1) assert.ok(bytes + REQUEST_OVERHEAD_BYTES <= limits.maxRequestBytes, `a batch of ${bytes} bytes exceeds the limit`);
        got.push(batch.map((q) => q.name));
        queue = rest;
      }
      assert.deepEqual(got, tc.want);
    });
  }
});

describe('txnOpBytes', () => {
  it('bounds the protobuf size of a write from above, and closely', () => {
    const w = create('/registry/configmaps/default/x', 1_000_000);
    assert.ok(w.bytes > 1_000_000 + 3 * '/registry/configmaps/default/x'.length, 'counts the value and every key');
    assert.ok(w.bytes < 1_000_000 + 1024, `adds under 1 KiB to the value (${w.bytes - 1_000_000})`);
  });
});
