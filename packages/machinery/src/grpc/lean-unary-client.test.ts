import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { ApiError, isApiError } from '@skiff/api';
import { LeanCallError, LeanUnaryClient } from './lean-unary-client.js';
import { fromGrpcError, toGrpcStatus } from './status.js';

// A gRPC server written by hand, one behaviour per path, as the apiserver's lean path and grpc-js
// answer: a message and status 0, a trailers-only error with grpc-status-details-bin, warnings in the
// response headers, a reply that never comes.
let server: http2.Http2Server;
let port = 0;
const seen: http2.IncomingHttpHeaders[] = [];
const open = new Set<http2.ServerHttp2Session>();
const sessions = (): http2.ServerHttp2Session[] => [...open].filter((s) => !s.destroyed);

function frame(b: Buffer): Buffer {
  const f = Buffer.alloc(5 + b.length);
  f.writeUInt32BE(b.length, 1);
  b.copy(f, 5);
  return f;
}

before(async () => {
  server = http2.createServer();
  server.on('session', (s: http2.ServerHttp2Session) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  server.on('stream', (stream, headers) => {
    seen.push(headers);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const req = Buffer.concat(chunks).subarray(5);
      switch (headers[':path']) {
        case '/t.S/Echo':
          stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto', warning: 'w1' }, { waitForTrailers: true });
          stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
          stream.end(frame(Buffer.concat([Buffer.from('echo:'), req])));
          return;
        case '/t.S/Refuse': {
          const st = toGrpcStatus(new ApiError('FAILED_PRECONDITION', 'uid 50% different', { reason: 'Conflict' }));
          stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-status': String(st.code), 'grpc-message': encodeURI(st.details), ...st.metadata.toHttp2Headers() }, { endStream: true });
          return;
        }
        case '/t.S/Compressed':
          stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true });
          stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          stream.end(Buffer.concat([Buffer.from([1]), frame(Buffer.from('x')).subarray(1)]));
          return;
        case '/t.S/Slow':
          setTimeout(() => {
            stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true });
            stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
            stream.end(frame(Buffer.from('late')));
          }, 300);
          return;
        case '/t.S/Silent':
          return; // never answers
        default:
          stream.respond({ ':status': 404 }, { endStream: true });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((r) => server.close(() => r())));

const client = (server: string): LeanUnaryClient =>
  new LeanUnaryClient({ server, token: 't0k', userAgent: 'ua-test', windowBytes: 4 << 20, maxReceiveBytes: 1 << 20, keepaliveMs: 30_000, keepaliveTimeoutMs: 10_000 });

async function failure(p: Promise<unknown>): Promise<LeanCallError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LeanCallError, String(e));
    return e;
  }
  assert.fail('the call did not fail');
}

test('a call sends the message with the gRPC headers and returns the reply and the warnings', async () => {
  const c = client(`127.0.0.1:${port}`);
  const r = await c.call('/t.S/Echo', Buffer.from('hi'), 5_000);
  assert.equal(r.response.toString(), 'echo:hi');
  assert.deepEqual(r.warnings, ['w1']);
  const h = seen.at(-1)!;
  assert.equal(h['content-type'], 'application/grpc');
  assert.equal(h.te, 'trailers');
  assert.equal(h.authorization, 'Bearer t0k');
  assert.equal(h['user-agent'], 'ua-test');
  assert.match(String(h['grpc-timeout']), /^\d+m$/);
  // The second call reuses the connection.
  assert.equal((await c.call('/t.S/Echo', Buffer.from('again'), 5_000)).response.toString(), 'echo:again');
  c.close();
});

test('a refusal keeps its code, message and details: fromGrpcError gives the ApiError grpc-js would', async () => {
  const c = client(`127.0.0.1:${port}`);
  const e = await failure(c.call('/t.S/Refuse', Buffer.from('x'), 5_000));
  const api = fromGrpcError(e);
  assert.ok(isApiError(api));
  assert.equal(api.code, 'FAILED_PRECONDITION');
  assert.equal(api.message, 'uid 50% different');
  assert.equal(api.reason, 'Conflict');
  c.close();
});

test('failures without a gRPC status: HTTP 404, a compressed reply, a deadline, no server', async () => {
  const c = client(`127.0.0.1:${port}`);
  assert.equal((await failure(c.call('/t.S/Nothing', Buffer.from('x'), 5_000))).code, 14);
  assert.equal((await failure(c.call('/t.S/Compressed', Buffer.from('x'), 5_000))).code, 13);
  const t0 = Date.now();
  const late = await failure(c.call('/t.S/Silent', Buffer.from('x'), 150));
  assert.equal(late.code, 4);
  assert.ok(Date.now() - t0 < 2_000);
  c.close();
  const closed = await failure(c.call('/t.S/Echo', Buffer.from('x'), 5_000));
  assert.equal(closed.code, 1);

  const gone = http2.createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  const goneAddr = `127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise<void>((r) => gone.close(() => r()));
  const d = client(goneAddr);
  assert.equal(fromGrpcError(await failure(d.call('/t.S/Echo', Buffer.from('x'), 5_000))).code, 'UNAVAILABLE');
  d.close();
});

test('a connection that closed is replaced by the next call', async () => {
  const c = client(`127.0.0.1:${port}`);
  await c.call('/t.S/Echo', Buffer.from('1'), 5_000);
  for (const s of sessions()) s.destroy();
  // The client sees the close before or while its next call runs; the call after that reconnects.
  await c.call('/t.S/Echo', Buffer.from('2'), 5_000).catch((e: unknown) => assert.ok(e instanceof LeanCallError));
  assert.equal((await c.call('/t.S/Echo', Buffer.from('3'), 5_000)).response.toString(), 'echo:3');
  c.close();
});

test('a call in flight keeps the process alive; an idle connection does not', async () => {
  const script = `
    const { LeanUnaryClient } = await import(${JSON.stringify(new URL('./lean-unary-client.js', import.meta.url).href)});
    const c = new LeanUnaryClient({ server: '127.0.0.1:${port}', windowBytes: 65535, maxReceiveBytes: 1024, keepaliveMs: 30000, keepaliveTimeoutMs: 10000 });
    c.call('/t.S/Slow', Buffer.from('x'), 5000).then((r) => console.log(r.response.toString()));
  `;
  const t0 = Date.now();
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  assert.equal(out.trim(), 'late');
  // Exited once the reply was read, not after the keepalive period nor the deadline.
  assert.ok(Date.now() - t0 < 4_000);
});
