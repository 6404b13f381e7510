// A minimal DNS client and upstream resolver for tests (no outside address is ever queried).
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { decode, encode, RECURSION_DESIRED, type DecodedPacket, type RecordType } from 'dns-packet';
import { DnsServer } from '../dns/dns-server.js';
import { ClusterZone } from '../dns/cluster-zone.js';
import { Forwarder } from '../dns/forwarder.js';
import { ZoneIndex } from '../dns/zone-index.js';

let nextId = 1;

export function queryPacket(name: string, type: RecordType = 'A', id = nextId++ & 0xffff): Buffer {
  return encode({ type: 'query', id, flags: RECURSION_DESIRED, questions: [{ name, type }] });
}

/** Sends `raw` over UDP to host:port and decodes the answer. */
export function udpQuery(host: string, port: number, raw: Buffer, timeoutMs = 3000): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no UDP answer from ${host}:${port}`));
    }, timeoutMs);
    sock.on('message', (msg) => {
      clearTimeout(timer);
      sock.close();
      resolve(decode(msg));
    });
    sock.send(raw, port, host);
  });
}

/** Sends `raw` over TCP (length-prefixed) and decodes the answer. */
export function tcpQuery(host: string, port: number, raw: Buffer, timeoutMs = 3000): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no TCP answer from ${host}:${port}`));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        resolve(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
    const len = Buffer.alloc(2);
    len.writeUInt16BE(raw.length);
    sock.write(Buffer.concat([len, raw]));
  });
}

/**
 * An upstream resolver for tests: the real server, authoritative for `domain` with one service
 * `www.ns.svc.<domain>` at `ip`, forwarding nothing.
 */
export async function startFakeUpstream(domain: string, ip: string): Promise<DnsServer> {
  const index = new ZoneIndex();
  index.onServiceUpdate(undefined, { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns', name: 'www' }, spec: { clusterIP: ip, ports: [{ port: 80 }] } });
  const server = new DnsServer({ address: '127.0.0.1', port: 0, zone: new ClusterZone(index, domain), forwarder: new Forwarder([]), ready: () => true });
  await server.start();
  return server;
}
