// Assertions on the API's errors.
import assert from 'node:assert/strict';
import { isApiError } from '@skiff/api';

/** Awaits `p`, which must reject with an ApiError of `code`; returns that error. */
export async function rejects(p: Promise<unknown>, code: string): Promise<any> {
  try {
    await p;
  } catch (e) {
    assert.ok(isApiError(e), `not an ApiError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}
