import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type Code } from '@skiff/api';
import { writeOutcomeUnknown } from './write-outcome.js';

const cases: { name: string; err: unknown; unknown: boolean }[] = [
  { name: 'connection dropped (the apiserver died)', err: new ApiError('UNAVAILABLE', 'Connection dropped'), unknown: true },
  { name: 'deadline passed', err: new ApiError('DEADLINE_EXCEEDED', 'Deadline exceeded'), unknown: true },
  { name: 'cancelled', err: new ApiError('CANCELLED', 'Call cancelled'), unknown: true },
  { name: 'internal error', err: new ApiError('INTERNAL', 'Received RST_STREAM with code 2'), unknown: true },
  { name: 'not an ApiError', err: new Error('boom'), unknown: true },
  ...(['INVALID_ARGUMENT', 'NOT_FOUND', 'ALREADY_EXISTS', 'ABORTED', 'FAILED_PRECONDITION', 'OUT_OF_RANGE', 'RESOURCE_EXHAUSTED', 'UNAUTHENTICATED', 'PERMISSION_DENIED'] as Code[]).map((code) => ({
    name: `refused: ${code}`,
    err: new ApiError(code, 'refused'),
    unknown: false,
  })),
];

for (const c of cases) {
  void test(`writeOutcomeUnknown: ${c.name}`, () => assert.equal(writeOutcomeUnknown(c.err), c.unknown));
}
