import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@skiff/api';
import { FakeClient } from '../testing/fake-client.js';
import { waitForApiserver } from './wait-for-apiserver.js';

const discoveries = (c: FakeClient): number => c.calls.filter((x) => x.verb === 'discovery').length;

test('waitForApiserver: retries while the server does not answer, resolves true once it does', async () => {
  const c = new FakeClient();
  c.injectError('discovery', new ApiError('UNAVAILABLE', 'No connection established'), 3);
  assert.equal(await waitForApiserver(c, { intervalMs: 1 }), true);
  assert.equal(discoveries(c), 4);
});

test('waitForApiserver: a refusal is an answer (the component then reports it from its own calls)', async () => {
  const c = new FakeClient();
  c.injectError('discovery', new ApiError('UNAUTHENTICATED', 'bad token'));
  assert.equal(await waitForApiserver(c, { intervalMs: 1 }), true);
  assert.equal(discoveries(c), 1);
});

test('waitForApiserver: gives up after timeoutMs, and at once when the signal aborts', async () => {
  const c = new FakeClient();
  c.injectError('discovery', new ApiError('DEADLINE_EXCEEDED', 'slow'), 1_000_000);
  const t0 = Date.now();
  assert.equal(await waitForApiserver(c, { intervalMs: 5, timeoutMs: 50 }), false);
  assert.ok(Date.now() - t0 >= 50 && discoveries(c) >= 2);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  assert.equal(await waitForApiserver(c, { intervalMs: 5, signal: ac.signal }), false);
});
