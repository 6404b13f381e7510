import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { Writable } from 'node:stream';
import { createLogger } from '@skiff/machinery';
import { installLeanUnary, type LeanMethod } from './lean-unary.js';
import { tokenAuthentication, type Authentication } from './auth.js';

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

const TOKEN = 'the-right-token';

/** A server with the token authentication (grpc/auth.ts): grpc-js's interceptor alone, or with the
 * lean path in front doing the same check. The handler answers with the caller it was given. `log`
 * gets the server's log lines (the refusals). */
async function startAuthServer(lean: boolean, log: Record<string, unknown>[]): Promise<{ server: grpc.Server; port: number }> {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) log.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const auth: Authentication = tokenAuthentication([{ token: TOKEN, user: { name: 'alice', uid: '1001', groups: ['dev'] } }], createLogger({ component: 'test', level: 'http', stream }));
  const whoami = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>): void => {
    const { user } = auth.contextOf(call);
    servedBy.push(`${String(call.request)}:${call.constructor.name}`);
    cb(null, `${String(call.request)} from ${user.name} (${user.groups.join(',')})`);
  };
  const server = new grpc.Server({ interceptors: [auth.interceptor!], 'grpc.max_receive_message_length': MAX_RECEIVE });
  server.addService({ Echo: definition } as grpc.ServiceDefinition, { Echo: whoami });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  if (lean) assert.equal(installLeanUnary(server, new Map([[PATH, { definition, handler: whoami }]]), auth.authenticate), true);
  return { server, port };
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

  describe('with token authentication', () => {
    const plainLog: Record<string, unknown>[] = [];
    const leanLog: Record<string, unknown>[] = [];
    let plainAuth: { server: grpc.Server; port: number };
    let leanAuth: { server: grpc.Server; port: number };
    before(async () => {
      plainAuth = await startAuthServer(false, plainLog);
      leanAuth = await startAuthServer(true, leanLog);
    });
    after(() => {
      plainAuth.server.forceShutdown();
      leanAuth.server.forceShutdown();
    });
    /** The log lines of refusals, without their timestamps. */
    const refusals = (log: Record<string, unknown>[]): unknown[] => log.map(({ ts: _t, ...rest }) => rest);

    const authCases: Array<[string, Record<string, string>, Buffer[]]> = [
      ['no token', {}, [frame(Buffer.from('ok'))]],
      ['a wrong token', { authorization: 'Bearer wrong' }, [frame(Buffer.from('ok'))]],
      ['a prefix of the right token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, [frame(Buffer.from('ok'))]],
      ['the token without "Bearer"', { authorization: TOKEN }, [frame(Buffer.from('ok'))]],
      ['a token that is not printable ASCII', { authorization: 'Bearer caf\u00e9' }, [frame(Buffer.from('ok'))]],
      ['the right token', { authorization: `Bearer ${TOKEN}` }, [frame(Buffer.from('ok'))]],
      ['the right token, "bearer" in lower case', { authorization: `bearer ${TOKEN}` }, [frame(Buffer.from('ok'))]],
      ['no token and an invalid grpc-timeout', { 'grpc-timeout': 'soon' }, [frame(Buffer.from('ok'))]],
      ['the right token and an invalid grpc-timeout', { authorization: `Bearer ${TOKEN}`, 'grpc-timeout': 'soon' }, [frame(Buffer.from('ok'))]],
      ['a wrong token and no request message', { authorization: 'Bearer wrong' }, []],
      ['a wrong token and a message over the receive limit', { authorization: 'Bearer wrong' }, [frame(Buffer.alloc(MAX_RECEIVE + 1, 97))]],
      ['the right token and a message over the receive limit', { authorization: `Bearer ${TOKEN}` }, [frame(Buffer.alloc(MAX_RECEIVE + 1, 97))]],
    ];
    for (const [name, headers, body] of authCases) {
      it(`answers as grpc-js with its interceptor does: ${name}`, async () => {
        plainLog.length = 0;
        leanLog.length = 0;
        const expected = await exchange(plainAuth.port, headers, body);
        const got = await exchange(leanAuth.port, headers, body);
        assert.deepEqual(got, expected);
        assert.deepEqual(refusals(leanLog), refusals(plainLog));
      });
    }

    it('refuses without a token or with a wrong one, serves the right one with its user, on the lean path', async () => {
      servedBy.length = 0;
      const none = await exchange(leanAuth.port, {}, [frame(Buffer.from('ok'))]);
      assert.equal(none.headers['grpc-status'], String(grpc.status.UNAUTHENTICATED));
      assert.equal(decodeURIComponent(String(none.headers['grpc-message'])), 'a bearer token is required');
      const wrong = await exchange(leanAuth.port, { authorization: 'Bearer wrong' }, [frame(Buffer.from('ok'))]);
      assert.equal(wrong.headers['grpc-status'], String(grpc.status.UNAUTHENTICATED));
      assert.equal(decodeURIComponent(String(wrong.headers['grpc-message'])), 'invalid bearer token');
      const right = await exchange(leanAuth.port, { authorization: `Bearer ${TOKEN}` }, [frame(Buffer.from('hi'))]);
      assert.equal(right.trailers['grpc-status'], '0');
      assert.equal(Buffer.from(right.data, 'hex').subarray(5).toString(), 'hi from alice (dev,system:authenticated)');
      // Only the call that passed reached the handler, and the lean path served it.
      assert.deepEqual(servedBy, ['hi:LeanCall']);
      assert.deepEqual(
        refusals(leanLog).slice(-2),
        [
          { level: 'http', component: 'test', msg: 'request', method: 'Echo', user: '', groups: '', code: 'UNAUTHENTICATED', reason: 'a bearer token is required' },
          { level: 'http', component: 'test', msg: 'request', method: 'Echo', user: '', groups: '', code: 'UNAUTHENTICATED', reason: 'invalid bearer token' },
        ],
      );
    });
  });

  it('leaves a server with interceptors to grpc-js when no check is given for them', async () => {
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
