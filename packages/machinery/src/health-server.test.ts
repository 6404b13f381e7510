import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHealthServer } from './health-server.js';
import { counter, createMetrics } from './metrics.js';

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

void test('serves healthz, metrics and readyz', async () => {
  const registry = createMetrics({ labels: { component: 'test' } });
  counter(registry, 'skiff_test_total', 'a test counter', ['kind']).inc({ kind: 'a' });
  let ready = false;
  const srv = await startHealthServer({
    port: 0,
    registry,
    checks: {
      informers: () => ready,
      ping: () => undefined,
      broken: () => {
        if (!ready) throw new Error('not yet');
      },
    },
  });
  try {
    assert.ok(srv.port > 0);
    assert.deepEqual(await get(`${srv.url}/healthz`), { status: 200, body: 'ok' });
    const metrics = await get(`${srv.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /skiff_test_total\{kind="a",component="test"\} 1/);
    assert.match(metrics.body, /process_cpu_user_seconds_total/);

    const notReady = await get(`${srv.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.equal(notReady.body, '[-]informers failed\n[+]ping ok\n[-]broken failed: not yet\nreadyz check failed\n');

    ready = true;
    assert.deepEqual(await get(`${srv.url}/readyz`), { status: 200, body: 'ok' });
    const verbose = await get(`${srv.url}/readyz?verbose`);
    assert.equal(verbose.status, 200);
    assert.match(verbose.body, /\[\+\]informers ok\n[\s\S]*readyz check passed/);
    assert.equal((await get(`${srv.url}/nope`)).status, 404);
  } finally {
    await srv.close();
  }
});

void test('closes on abort; metrics 404 without a registry', async () => {
  const ac = new AbortController();
  const srv = await startHealthServer({ port: 0, signal: ac.signal });
  assert.equal((await get(`${srv.url}/metrics`)).status, 404);
  ac.abort();
  await srv.close();
  await assert.rejects(fetch(`${srv.url}/healthz`));
});

void test('shared metrics by name', () => {
  const registry = createMetrics({ defaultMetrics: false });
  const a = counter(registry, 'x_total', 'x', ['q']);
  const b = counter(registry, 'x_total', 'x', ['q']);
  assert.equal(a, b);
});

void test('healthz runs the liveness checks', async () => {
  let live = true;
  const srv = await startHealthServer({ port: 0, livenessChecks: { 'proxy-rules': () => live } });
  try {
    assert.deepEqual(await get(`${srv.url}/healthz`), { status: 200, body: 'ok' });
    live = false;
    assert.deepEqual(await get(`${srv.url}/healthz`), { status: 503, body: '[-]proxy-rules failed\nhealthz check failed\n' });
    assert.equal((await get(`${srv.url}/livez`)).status, 503);
    assert.deepEqual(await get(`${srv.url}/readyz`), { status: 200, body: 'ok' });
  } finally {
    await srv.close();
  }
});

void test('added routes: method, body limit, query; built-in paths cannot be replaced', async () => {
  const seen: string[] = [];
  const srv = await startHealthServer({
    port: 0,
    routes: {
      '/echo': {
        method: 'POST',
        maxBodyBytes: 16,
        handle: async ({ body, query }) => {
          seen.push(body);
          return { status: 200, body: JSON.stringify({ body, n: query.get('n') }) };
        },
      },
      '/healthz': { method: 'GET', handle: async () => ({ status: 500, body: 'replaced' }) },
    },
  });
  const post = async (path: string, body: string): Promise<{ status: number; body: string; type: string | null }> => {
    const res = await fetch(`${srv.url}${path}`, { method: 'POST', body });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };
  const cases: { name: string; do: () => Promise<{ status: number; body: string; type?: string | null }>; status: number; body?: string; type?: string }[] = [
    { name: 'a POST with its query', do: () => post('/echo?n=3', 'hello'), status: 200, body: '{"body":"hello","n":"3"}', type: 'application/json' },
    { name: 'a body at the limit', do: () => post('/echo', 'x'.repeat(16)), status: 200 },
    { name: 'a body over the limit: 413', do: () => post('/echo', 'x'.repeat(17)), status: 413 },
    { name: 'another method: 405', do: () => get(`${srv.url}/echo`), status: 405 },
    { name: 'a built-in path stays built in', do: () => get(`${srv.url}/healthz`), status: 200, body: 'ok' },
  ];
  try {
    for (const c of cases) {
      const r = await c.do();
      assert.equal(r.status, c.status, c.name);
      if (c.body !== undefined) assert.equal(r.body, c.body, c.name);
      if (c.type !== undefined) assert.equal(r.type, c.type, c.name);
    }
    assert.deepEqual(seen, ['hello', 'x'.repeat(16)], 'the refused bodies never reached the handler');
  } finally {
    await srv.close();
  }
});
