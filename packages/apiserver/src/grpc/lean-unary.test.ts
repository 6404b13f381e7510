import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { installLeanUnary, type LeanMethod } from './lean-unary.js';

// The same handler served by grpc-js alone and with the lean path in front: every answer, as bytes
// on the wire (headers, data, trailers), must be the same.

const PATH = '/test.Echo/Echo';
const MAX_RECEIVE = 1024;

const definition: grpc.MethodDefinition<unknown, unknown> = {
  path: PATH,
  requestStream: false,
  responseStream: false,
  requestSerialize: (v) => v as Buffer,
  requestDeserialize: (b) => {
    if (b.toString() === 'undeserializable') throw new Error('no');
    return b.toString();
  },
  responseSerialize: (v) => {
    if (v === 'unserializable') throw new Error('no');
    return Buffer.from(String(v));
  },
  responseDeserialize: (b) => b.toString(),
};

/** Which class served each call, by request. */
const servedBy: string[] = [];

const handler = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>): void => {
  const req = call.request as string;
  servedBy.push(`${req}:${call.constructor.name}`);
  switch (req) {
    case 'ok':
      cb(null, 'pong');
      return;
    case 'warn': {
      const md = new grpc.Metadata();
      md.add('warning', 'first');
      md.add('warning', 'second');
      call.sendMetadata(md);
      cb(null, 'pong');
      return;
    }
    case 'fail': {
      const md = new grpc.Metadata();
      md.add('grpc-status-details-bin', Buffer.from([1, 2, 3]));
      cb({ code: grpc.status.NOT_FOUND, details: 'no such thing: 100% "gone"', metadata: md });
      return;
    }
    case 'plain-error':
      cb(new Error('plain failure'));
      return;
    case 'unserializable':
      cb(null, 'unserializable');
      return;
    case 'metadata':
      cb(null, `${String(call.metadata.get('x-user')[0])} ${call.metadata.get('grpc-timeout').length} ${call.getPeer() === 'unknown' ? 'no peer' : 'peer'}`);
      return;
    case 'slow':
      setTimeout(() => cb(null, 'late'), 300);
      return;
    default:
      cb(null, `echo ${req}`);
  }
};

async function startServer(lean: boolean): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_RECEIVE, 'grpc.max_send_message_length': 64 });
  server.addService({ Echo: definition } as grpc.ServiceDefinition, { Echo: handler });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  if (lean) {
    const methods = new Map<string, LeanMethod>([[PATH, { definition, handler }]]);
    assert.equal(installLeanUnary(server, methods), true);
  }
  return { server, port };
}

interface Exchange {
  headers: Record<string, unknown>;
  data: string;
  trailers: Record<string, unknown>;
}

function frame(m: Buffer, compressed = 0): Buffer {
  const f = Buffer.alloc(5 + m.length);
  f[0] = compressed;
  f.writeUInt32BE(m.length, 1);
  m.copy(f, 5);
  return f;
}

function chunked(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

/** One raw HTTP/2 exchange; `body` is written as given (several frames, none, a partial one). */
function exchange(port: number, headers: Record<string, string>, body: Buffer[]): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    const out: Exchange = { headers: {}, data: '', trailers: {} };
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (out.headers = strip(h)));
    stream.on('trailers', (h) => (out.trailers = strip(h)));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => {});
    stream.on('close', () => {
      out.data = Buffer.concat(chunks).toString('hex');
      session.close();
      resolve(out);
    });
    for (const b of body) stream.write(b);
    stream.end();
  });
}

/** Headers without the date (which differs between any two answers). */
function strip(h: http2.IncomingHttpHeaders): Record<string, unknown> {
  const { date: _date, ...rest } = h;
  return rest;
}

describe('lean unary path', () => {
  let plain: { server: grpc.Server; port: number };
  let lean: { server: grpc.Server; port: number };
  before(async () => {
    plain = await startServer(false);
    lean = await startServer(true);
  });
  after(() => {
    plain.server.forceShutdown();
    lean.server.forceShutdown();
  });

  const cases: Array<[string, Record<string, string>, Buffer[]]> = [
    ['a response', {}, [frame(Buffer.from('ok'))]],
    ['response metadata (warnings)', {}, [frame(Buffer.from('warn'))]],
    ['an error status with binary metadata, percent-encoded', {}, [frame(Buffer.from('fail'))]],
    ['a plain Error', {}, [frame(Buffer.from('plain-error'))]],
    ['a response that cannot be serialized', {}, [frame(Buffer.from('unserializable'))]],
    ['a response over the send limit', {}, [frame(Buffer.from('x'.repeat(100)))]],
    ['a request that cannot be deserialized', {}, [frame(Buffer.from('undeserializable'))]],
    ['metadata, deadline and peer seen by the handler', { 'x-user': 'alice', 'grpc-timeout': '10S' }, [frame(Buffer.from('metadata'))]],
    ['a request split over several writes', {}, [frame(Buffer.from('split')).subarray(0, 3), frame(Buffer.from('split')).subarray(3)]],
    ['a request in many small writes', {}, chunked(frame(Buffer.from('y'.repeat(MAX_RECEIVE))), 100)],
    ['a message flagged compressed under identity', { 'grpc-encoding': 'identity' }, [frame(Buffer.from('flagged'), 1)]],
    ['the deadline passing', { 'grpc-timeout': '50m' }, [frame(Buffer.from('slow'))]],
    ['an invalid grpc-timeout', { 'grpc-timeout': 'soon' }, [frame(Buffer.from('ok'))]],
    ['no request message', {}, []],
    ['only part of a message', {}, [frame(Buffer.from('partial')).subarray(0, 7)]],
    ['a second request message', {}, [frame(Buffer.from('one')), frame(Buffer.from('two'))]],
    ['a message over the receive limit', {}, [frame(Buffer.alloc(MAX_RECEIVE + 1, 97))]],
    ['a gzip-compressed message (grpc-js serves it)', { 'grpc-encoding': 'gzip' }, [frame(gzipSync(Buffer.from('zipped')), 1)]],
    ['an unknown encoding (grpc-js refuses it)', { 'grpc-encoding': 'snappy' }, [frame(Buffer.from('x'), 1)]],
    ['a content-type that is not gRPC (grpc-js refuses it)', { 'content-type': 'application/json' }, [frame(Buffer.from('ok'))]],
  ];
  for (const [name, headers, body] of cases) {
    it(`answers as grpc-js does: ${name}`, async () => {
      const expected = await exchange(plain.port, headers, body);
      const got = await exchange(lean.port, headers, body);
      assert.deepEqual(got, expected);
    });
  }

  it('serves the plain calls itself and leaves the others to grpc-js', async () => {
    servedBy.length = 0;
    await exchange(lean.port, {}, [frame(Buffer.from('ok'))]);
    await exchange(lean.port, { 'grpc-encoding': 'gzip' }, [frame(gzipSync(Buffer.from('zipped')), 1)]);
    assert.deepEqual(servedBy, ['ok:LeanCall', 'zipped:ServerWritableStreamImpl']);
  });

  it('answers a grpc-js client, with its deadline', async () => {
    const client = new grpc.Client(`127.0.0.1:${lean.port}`, grpc.credentials.createInsecure());
    try {
      const call = (req: string, deadlineMs: number) =>
        new Promise<{ err: grpc.ServiceError | null; res: unknown }>((resolve) =>
          client.makeUnaryRequest(PATH, (v: Buffer) => v, (b: Buffer) => b.toString(), Buffer.from(req), new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => resolve({ err, res })),
        );
      assert.deepEqual(await call('hello', 5000), { err: null, res: 'echo hello' });
      const late = await call('slow', 50);
      assert.equal(late.err?.code, grpc.status.DEADLINE_EXCEEDED);
      const failed = await call('fail', 5000);
      assert.equal(failed.err?.code, grpc.status.NOT_FOUND);
      assert.equal(failed.err?.details, 'no such thing: 100% "gone"');
    } finally {
      client.close();
    }
  });

  it('leaves a server with interceptors to grpc-js', async () => {
    const server = new grpc.Server({ interceptors: [(_m, call) => new grpc.ServerInterceptingCall(call)] });
    server.addService({ Echo: definition } as grpc.ServiceDefinition, { Echo: handler });
    try {
      await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
      assert.equal(installLeanUnary(server, new Map([[PATH, { definition, handler }]])), false);
    } finally {
      server.forceShutdown();
    }
  });
});
