// The node's cluster DNS server: UDP and TCP on one address and port. Each query is decoded with
// dns-packet, answered from the cluster zone, or forwarded as it came to the node's resolvers.
// Until the zone has the informers' initial contents, cluster names get SERVFAIL (clients retry).
// Cluster answers are cached as bytes (AnswerCache) until the zone changes: a repeated query is
// answered at once, without decoding or encoding.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { decode, encode, AUTHORITATIVE_ANSWER, RECURSION_AVAILABLE, RECURSION_DESIRED, type DecodedPacket, type OptAnswer, type Packet } from 'dns-packet';
import type { Logger } from '@skiff/machinery';
import { AnswerCache } from './answer-cache.js';
import type { ClusterZone } from './cluster-zone.js';
import type { Forwarder } from './forwarder.js';

/** How each query ended, for the `skiff_proxy_dns_queries_total{result}` metric. */
export type DnsResult = 'success' | 'nodata' | 'nxdomain' | 'forwarded' | 'servfail' | 'formerr';

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const;
/** A UDP answer larger than the client accepts (512 bytes without EDNS) is truncated. */
const UDP_DEFAULT_MAX = 512;

export interface DnsServerOptions {
  address: string;
  /** 53; 0 picks a free port (tests). */
  port: number;
  zone: ClusterZone;
  forwarder: Forwarder;
  /** Cluster names are answered once this returns true. */
  ready: () => boolean;
  onResult?: (result: DnsResult) => void;
  log?: Logger;
}

function reply(query: DecodedPacket, rcode: number, extra: Partial<Packet> = {}, authoritative = false): Packet {
  const rd = query.flags !== undefined ? query.flags & RECURSION_DESIRED : 0;
  return { type: 'response', id: query.id ?? 0, flags: rd | RECURSION_AVAILABLE | (authoritative ? AUTHORITATIVE_ANSWER : 0) | rcode, questions: query.questions ?? [], ...extra };
}

/** A bare FORMERR for bytes that do not decode (echoing the id when there is one). */
function formErr(raw: Buffer): Buffer {
  return encode({ type: 'response', id: raw.length >= 2 ? raw.readUInt16BE(0) : 0, flags: RECURSION_AVAILABLE | RCODE.FORMERR, questions: [] });
}

export class DnsServer {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<TcpSocket>();
  /** Per transport: a UDP answer may be truncated. */
  private readonly caches = { udp: new AnswerCache<DnsResult>(), tcp: new AnswerCache<DnsResult>() };
  /** Bound port (the same for UDP and TCP). */
  port = 0;

  constructor(private readonly opts: DnsServerOptions) {}

  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bind();
        return;
      } catch (e) {
        // Port 0 (tests): the free UDP port drawn may be taken for TCP; draw another.
        if (this.opts.port !== 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw e;
      }
    }
  }

  private async bind(): Promise<void> {
    const udp = createSocket(this.opts.address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.opts.port, this.opts.address, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.udp = udp;
    this.port = udp.address().port;
    udp.on('error', (e) => this.opts.log?.error('dns udp socket error', { err: e }));
    udp.on('message', (msg, rinfo) => {
      const hit = this.cached(msg, false);
      if (hit) {
        udp.send(hit, rinfo.port, rinfo.address);
        return;
      }
      this.answerAnew(msg, false)
        .then((out) => {
          if (out) udp.send(out, rinfo.port, rinfo.address);
        })
        .catch((e: unknown) => this.opts.log?.error('dns query failed', { err: e }));
    });
    const tcp = createServer((sock) => this.serveTcp(sock));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.port, this.opts.address, () => {
        tcp.off('error', reject);
        resolve();
      });
    }).catch((e: unknown) => {
      udp.close();
      this.udp = undefined;
      throw e;
    });
    this.tcp = tcp;
  }

  async close(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    for (const c of this.conns) c.destroy();
    const tcp = this.tcp;
    this.tcp = undefined;
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  /** The cached answer to this query with its id (counted), if any. */
  cached(raw: Buffer, tcp: boolean): Buffer | undefined {
    if (raw.length < 12) return undefined;
    const hit = this.caches[tcp ? 'tcp' : 'udp'].get(AnswerCache.key(raw), raw, this.opts.zone.version());
    if (!hit) return undefined;
    this.count(hit.result);
    return hit.bytes;
  }

  /** The encoded answer to one query (undefined: nothing to send). */
  async answer(raw: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    return this.cached(raw, tcp) ?? this.answerAnew(raw, tcp);
  }

  private async answerAnew(raw: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    let query: DecodedPacket;
    try {
      query = decode(raw);
    } catch {
      this.count('formerr');
      return raw.length >= 12 ? formErr(raw) : undefined;
    }
    if (query.type !== 'query') return undefined;
    const q = query.questions?.[0];
    if (!q || (query.questions?.length ?? 0) !== 1) {
      this.count('formerr');
      return encode(reply(query, RCODE.FORMERR));
    }
    const version = this.opts.zone.version();
    const found = this.opts.zone.lookup(q);
    if (found.forward) {
      try {
        const out = await this.opts.forwarder.forward(raw, tcp);
        this.count('forwarded');
        return out;
      } catch (e) {
        this.opts.log?.warn('forwarding a dns query failed', { name: q.name, err: e });
        this.count('servfail');
        return encode(reply(query, RCODE.SERVFAIL));
      }
    }
    if (!this.opts.ready()) {
      this.count('servfail');
      return encode(reply(query, RCODE.SERVFAIL));
    }
    this.count(found.result);
    const opt = query.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
    const extra: Partial<Packet> = { answers: found.answers, authorities: found.authorities, additionals: found.additionals };
    if (opt) extra.additionals = [...found.additionals, { name: '.', type: 'OPT', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } satisfies OptAnswer];
    const rcode = found.result === 'nxdomain' ? RCODE.NXDOMAIN : RCODE.NOERROR;
    let out = encode(reply(query, rcode, extra, true));
    const max = opt ? Math.max(UDP_DEFAULT_MAX, opt.udpPayloadSize ?? 0) : UDP_DEFAULT_MAX;
    if (!tcp && out.length > max) {
      // Too large for UDP: the header and question with TC set; the client asks again over TCP.
      const truncated = reply(query, rcode, {}, true);
      truncated.flags = (truncated.flags ?? 0) | (1 << 9);
      out = encode(truncated);
    }
    this.caches[tcp ? 'tcp' : 'udp'].set(AnswerCache.key(raw), version, { bytes: out, result: found.result });
    return out;
  }

  private serveTcp(sock: TcpSocket): void {
    this.conns.add(sock);
    let buf = Buffer.alloc(0);
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('error', () => sock.destroy());
    sock.on('close', () => this.conns.delete(sock));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        this.answer(msg, true)
          .then((out) => {
            if (!out || sock.destroyed) return;
            const len = Buffer.alloc(2);
            len.writeUInt16BE(out.length);
            sock.write(Buffer.concat([len, out]));
          })
          .catch((e: unknown) => this.opts.log?.error('dns query failed', { err: e }));
      }
    });
  }

  private count(r: DnsResult): void {
    this.opts.onResult?.(r);
  }
}
