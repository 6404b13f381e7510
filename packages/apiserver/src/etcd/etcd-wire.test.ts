import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { GRPCInvalidArgumentError, GRPCUnavailableError } from 'etcd3';
import { EtcdWire } from './etcd-wire.js';
import { etcdError, isConnectionFailure } from './errors.js';
import { cmp, op } from './store.js';
import { decodeTxnResponse } from './txn-codec.js';

/** A TxnResponse with header revision 42 and succeeded = true (hand-encoded: field 1 { field 3 = 42 }, field 2 = 1). */
const OK_RESPONSE = Buffer.from([0x0a, 0x02, 0x18, 42, 0x10, 0x01]);

const framed = (m: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, 0, m.length]), m]);

type Answer = (stream: http2.ServerHttp2Stream) => void;

/** An HTTP/2 server answering each Txn as `answer` says; records the request bodies. */
async function fakeEtcd(answer: Answer): Promise<{ url: string; bodies: Buffer[]; close(): Promise<void> }> {
  const bodies: Buffer[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    assert.equal(headers[':path'], '/etcdserverpb.KV/Txn');
    const chunks: Buffer[] = [];
    stream.on('error', () => {}); // the reset case's own reset
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      answer(stream);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const write = { compare: [cmp.absent('/r/a')], success: [op.put('/r/a', '{}')], failure: [op.get('/r/a')] };

describe('EtcdWire', () => {
  const servers: { close(): Promise<void> }[] = [];
  const clients: EtcdWire[] = [];
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.close()));
  });
  const connect = async (answer: Answer): Promise<{ client: EtcdWire; bodies: Buffer[] }> => {
    const s = await fakeEtcd(answer);
    servers.push(s);
    const client = new EtcdWire([s.url]);
    clients.push(client);
    return { client, bodies: s.bodies };
  };

  it('sends one length-prefixed TxnRequest and decodes the response', async () => {
    const { client, bodies } = await connect((st) => {
      st.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0' }));
      st.end(framed(OK_RESPONSE));
    });
    const res = await client.txn(write);
    assert.equal(String(res.header.revision), '42');
    assert.equal(res.succeeded, true);
    const body = bodies[0]!;
    assert.equal(body[0], 0, 'not compressed');
    assert.equal(body.readUInt32BE(1), body.length - 5);
  });

  const failures: { name: string; answer: Answer; cls: new (...a: never[]) => Error; apiCode: string; connection: boolean }[] = [
    {
      name: "etcd's refusal in the trailers keeps its code and text (errors.ts maps it as from etcd3)",
      answer: (st) => {
        st.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '3', 'grpc-message': 'etcdserver: request is too large' }));
        st.end();
      },
      cls: GRPCInvalidArgumentError,
      apiCode: 'RESOURCE_EXHAUSTED',
      connection: false,
    },
    {
      name: 'a trailers-only status, percent-encoded',
      answer: (st) => {
        st.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'etcdserver:%20no%20leader' }, { endStream: true });
      },
      cls: GRPCUnavailableError,
      apiCode: 'UNAVAILABLE',
      connection: true,
    },
    {
      name: 'a stream reset without a status is UNAVAILABLE',
      answer: (st) => st.close(http2.constants.NGHTTP2_INTERNAL_ERROR),
      cls: GRPCUnavailableError,
      apiCode: 'UNAVAILABLE',
      connection: true,
    },
  ];
  for (const f of failures) {
    it(f.name, async () => {
      const { client } = await connect(f.answer);
      const err = await client.txn(write).then(
        () => assert.fail('the txn succeeded'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof f.cls, String(err));
      assert.equal(etcdError(err).code, f.apiCode);
      assert.equal(isConnectionFailure(err), f.connection);
    });
  }

  it('a refused connection is a connection failure, and the next call connects again', async () => {
    const s = await fakeEtcd((st) => {
      st.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0' }));
      st.end(framed(OK_RESPONSE));
    });
    servers.push(s);
    // The first host refuses (nothing listens there); the client moves on to the next one.
    const closed = await fakeEtcd(() => {});
    await closed.close();
    const client = new EtcdWire([closed.url, s.url]);
    clients.push(client);
    const err = await client.txn(write).then(
      () => assert.fail('the txn succeeded'),
      (e: unknown) => e,
    );
    assert.ok(isConnectionFailure(err), String(err));
    assert.equal(String((await client.txn(write)).header.revision), '42');
  });

  it('decodes what it is sent back (a sanity check of the fixture)', () => {
    assert.equal(decodeTxnResponse(OK_RESPONSE).succeeded, true);
  });
});
