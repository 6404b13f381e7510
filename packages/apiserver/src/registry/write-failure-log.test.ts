import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ApiError, notFound } from '@skiff/api';
import { createLogger, type LogLevel } from '@skiff/machinery';
import { APISERVER_CONTEXT, type RequestContext } from '../grpc/user-info.js';
import { logWriteFailure } from './write-failure-log.js';

const alice: RequestContext = { user: { name: 'alice', uid: '1001', groups: ['dev', 'system:authenticated'] } };

interface Case {
  name: string;
  level: LogLevel;
  ctx: RequestContext;
  err: unknown;
  /** The line written, or undefined for none. */
  want?: Record<string, unknown>;
}

const target = { resource: 'configmaps', namespace: 'default', name: 'x' };

const cases: Case[] = [
  {
    name: 'an expected refusal is a debug line naming the user',
    level: 'debug',
    ctx: alice,
    err: notFound('configmaps', 'x'),
    want: { level: 'debug', verb: 'patch', user: 'alice', groups: 'dev,system:authenticated', code: 'NOT_FOUND' },
  },
  { name: 'an expected refusal is not logged at info', level: 'info', ctx: alice, err: notFound('configmaps', 'x') },
  {
    name: 'a storage failure is a warning',
    level: 'info',
    ctx: alice,
    err: new ApiError('UNAVAILABLE', 'etcd is unavailable'),
    want: { level: 'warn', verb: 'patch', user: 'alice', code: 'UNAVAILABLE' },
  },
  {
    name: 'a bug is a warning with code INTERNAL',
    level: 'info',
    ctx: APISERVER_CONTEXT,
    err: new TypeError('boom'),
    want: { level: 'warn', verb: 'patch', user: 'system:apiserver', groups: 'system:masters,system:authenticated', code: 'INTERNAL', err: 'boom' },
  },
];

for (const c of cases) {
  void test(`write failure log: ${c.name}`, () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    logWriteFailure(createLogger({ component: 'test', level: c.level, stream }), c.ctx, 'patch', target, c.err);
    if (!c.want) return assert.deepEqual(lines, []);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'write failed');
    for (const [k, v] of Object.entries({ ...target, ...c.want })) assert.equal(lines[0]![k], v, k);
  });
}
