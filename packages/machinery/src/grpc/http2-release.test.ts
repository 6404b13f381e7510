import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { releaseClosedHttp2Streams } from './http2-release.js';

void test('closed HTTP/2 streams lose their listeners on both ends; requests still complete', async () => {
  releaseClosedHttp2Streams();
  releaseClosedHttp2Streams(); // idempotent: one wrapper, not two
  const serverStreams: http2.ServerHttp2Stream[] = [];
  const server = http2.createServer();
  server.on('stream', (stream) => {
    serverStreams.push(stream);
    stream.on('data', () => {});
    stream.on('end', () => {
      stream.respond({ ':status': 200 });
      stream.end('pong');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const clientStreams: http2.ClientHttp2Stream[] = [];
    for (let i = 0; i < 3; i++) {
      const req = session.request({ ':method': 'POST', ':path': '/ping' });
      clientStreams.push(req);
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      const closed = new Promise<void>((r) => req.on('close', r));
      req.end('ping');
      await closed;
      assert.equal(body, 'pong');
    }
    await nextTurn();
    await nextTurn();
    for (const s of [...clientStreams, ...serverStreams]) {
      assert.ok(s.closed);
      assert.deepEqual(s.eventNames(), ['error'], 'only the shared no-op error listener is left');
      assert.equal(s.listenerCount('error'), 1);
      assert.doesNotThrow(() => s.emit('error', new Error('late')));
    }
    assert.equal(serverStreams.length, 3);
    // The server's own 'stream' listener was added once (by the wrapper) plus the test's.
    assert.equal(server.listenerCount('stream'), 2);
  } finally {
    session.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
