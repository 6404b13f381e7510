// Forwards a query as it came (its bytes) to the node's resolvers, one after the other until one
// answers: over UDP for UDP clients, over TCP for TCP clients (so a truncated UDP answer makes the
// client retry over TCP, and that goes upstream over TCP too).
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Upstream } from './resolv-conf.js';

export class ForwardError extends Error {
  override readonly name = 'ForwardError';
}

function viaUdp(up: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(up.host.includes(':') ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const timer = setTimeout(() => done(new ForwardError(`no answer from ${up.host}:${up.port} within ${timeoutMs} ms`)), timeoutMs);
    let finished = false;
    const done = (err?: Error, msg?: Buffer): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.close();
      if (msg) resolve(msg);
      else reject(err ?? new ForwardError('no answer'));
    };
    sock.on('error', (e) => done(e));
    sock.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) done(undefined, msg);
    });
    sock.send(query, up.port, up.host);
  });
}

function viaTcp(up: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: up.host, port: up.port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => done(new ForwardError(`no answer from ${up.host}:${up.port} within ${timeoutMs} ms`)), timeoutMs);
    let finished = false;
    const done = (err?: Error, msg?: Buffer): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      if (msg) resolve(msg);
      else reject(err ?? new ForwardError('no answer'));
    };
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new ForwardError(`${up.host}:${up.port} closed the connection`)));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    const len = Buffer.alloc(2);
    len.writeUInt16BE(query.length);
    sock.write(Buffer.concat([len, query]));
  });
}

export class Forwarder {
  constructor(
    private readonly upstreams: readonly Upstream[],
    private readonly timeoutMs = 2000,
  ) {}

  /** The first upstream's answer; throws ForwardError when none answers. */
  async forward(query: Buffer, tcp: boolean): Promise<Buffer> {
    const errors: string[] = [];
    for (const up of this.upstreams) {
      try {
        return await (tcp ? viaTcp : viaUdp)(up, query, this.timeoutMs);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    throw new ForwardError(this.upstreams.length ? `no upstream answered: ${errors.join('; ')}` : 'no upstream resolvers');
  }
}
