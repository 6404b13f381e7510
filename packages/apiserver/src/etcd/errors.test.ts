import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BrokenCircuitError } from 'cockatiel';
import { castGrpcError } from 'etcd3';
import { etcdError, isConnectionFailure, isRequestRefusal } from './errors.js';

/** An error as grpc-js hands it to the etcd3 client, cast by the client's own logic. */
const grpc = (code: number, details: string): Error => castGrpcError(Object.assign(new Error(`${code} ${codeName[code]}: ${details}`), { code, details }));
const codeName: Record<number, string> = { 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 11: 'OUT_OF_RANGE', 13: 'INTERNAL', 14: 'UNAVAILABLE' };

interface Case {
  name: string;
  err: unknown;
  code: string;
  reason?: string;
  connection: boolean;
  refusal: boolean;
}

const cases: Case[] = [
  { name: 'a compacted revision', err: grpc(11, 'etcdserver: mvcc: required revision has been compacted'), code: 'OUT_OF_RANGE', reason: 'Expired', connection: false, refusal: false },
  { name: 'a future revision', err: grpc(11, 'etcdserver: mvcc: required revision is a future revision'), code: 'INVALID_ARGUMENT', connection: false, refusal: false },
  {
    name: "gRPC's receive limit on etcd (the 3 MB batch of the issue)",
    err: grpc(8, 'Received message larger than max (3000996 vs. 2097152)'),
    code: 'RESOURCE_EXHAUSTED',
    reason: 'RequestEntityTooLarge',
    connection: false,
    refusal: true,
  },
  { name: "etcd's --max-request-bytes", err: grpc(3, 'etcdserver: request is too large'), code: 'RESOURCE_EXHAUSTED', reason: 'RequestEntityTooLarge', connection: false, refusal: true },
  { name: 'too many operations (a bug of ours)', err: grpc(3, 'etcdserver: too many operations in txn request'), code: 'INTERNAL', connection: false, refusal: true },
  { name: 'etcd overloaded', err: grpc(8, 'etcdserver: too many requests'), code: 'UNAVAILABLE', connection: false, refusal: false },
  { name: 'etcd out of space', err: grpc(8, 'etcdserver: mvcc: database space exceeded'), code: 'UNAVAILABLE', connection: false, refusal: false },
  { name: 'no connection', err: grpc(14, 'No connection established'), code: 'UNAVAILABLE', connection: true, refusal: false },
  { name: 'no leader', err: grpc(14, 'etcdserver: no leader'), code: 'UNAVAILABLE', connection: true, refusal: false },
  { name: 'the breaker open', err: new BrokenCircuitError(), code: 'UNAVAILABLE', connection: false, refusal: false },
  { name: 'a deadline', err: grpc(4, 'Deadline exceeded'), code: 'DEADLINE_EXCEEDED', connection: false, refusal: false },
  { name: 'etcd internal', err: grpc(13, 'etcdserver: corrupt cluster'), code: 'INTERNAL', connection: false, refusal: false },
  { name: 'permission denied (our credentials)', err: grpc(7, 'etcdserver: permission denied'), code: 'INTERNAL', connection: false, refusal: false },
  {
    name: 'a status straight from grpc-js (a watch stream)',
    err: Object.assign(new Error('11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted'), { code: 11 }),
    code: 'OUT_OF_RANGE',
    connection: false,
    refusal: false,
  },
  // A "compacted" text in an error without that gRPC code is not taken for one.
  { name: 'a stream that ended, whatever its text', err: new Error('required revision has been compacted'), code: 'UNAVAILABLE', connection: false, refusal: false },
];

describe('etcdError', () => {
  for (const tc of cases) {
    it(tc.name, () => {
      const e = etcdError(tc.err);
      assert.equal(e.code, tc.code, e.message);
      if (tc.reason) assert.equal(e.reason, tc.reason);
      assert.equal(isConnectionFailure(tc.err), tc.connection, 'counts towards the circuit breaker');
      assert.equal(isRequestRefusal(tc.err), tc.refusal, 'refused before anything was applied');
    });
  }
});
