import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoints, service } from '../testing/objects.js';
import { queryPacket, startFakeUpstream, tcpQuery, udpQuery } from '../testing/dns-client.js';
import { ClusterZone } from './cluster-zone.js';
import { DnsServer, type DnsResult } from './dns-server.js';
import { Forwarder } from './forwarder.js';
import { ZoneIndex } from './zone-index.js';

const many = Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.3.${i + 1}` }));

const webSvc = service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] });

async function withServer(fn: (s: DnsServer, results: DnsResult[], setReady: (r: boolean) => void, index: ZoneIndex) => Promise<void>, upstreamPort?: number): Promise<void> {
  const index = new ZoneIndex();
  index.onServiceUpdate(undefined, webSvc);
  index.onServiceUpdate(undefined, service('ns1', 'big', { clusterIP: 'None', ports: [{ port: 80 }] }));
  index.onEndpointsUpdate(undefined, endpoints('ns1', 'big', many, [{ port: 80 }]));
  const results: DnsResult[] = [];
  let ready = true;
  const forwarder = new Forwarder(upstreamPort ? [{ host: '127.0.0.1', port: upstreamPort }] : [], 500);
  const s = new DnsServer({ address: '127.0.0.1', port: 0, zone: new ClusterZone(index, 'cluster.local'), forwarder, ready: () => ready, onResult: (r) => results.push(r) });
  await s.start();
  try {
    await fn(s, results, (r) => (ready = r), index);
  } finally {
    await s.close();
  }
}

const rcode = (flags: number | undefined): string => ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN'][(flags ?? 0) & 0xf] ?? 'OTHER';
const TC = 1 << 9;

void describe('cluster DNS server', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    const ask = transport === 'udp' ? udpQuery : tcpQuery;
    void it(`answers cluster names over ${transport}, authoritatively`, async () => {
      await withServer(async (s, results) => {
        const r = await ask('127.0.0.1', s.port, queryPacket('web.ns1.svc.cluster.local'));
        assert.equal(rcode(r.flags), 'NOERROR');
        assert.equal(r.flag_aa, true);
        assert.equal(r.flag_ra, true);
        assert.deepEqual(r.answers?.map((a) => [a.type, (a as { data: unknown }).data]), [['A', '10.96.0.10']]);
        const nx = await ask('127.0.0.1', s.port, queryPacket('nope.ns1.svc.cluster.local'));
        assert.equal(rcode(nx.flags), 'NXDOMAIN');
        assert.equal(nx.authorities?.[0]?.type, 'SOA');
        const nodata = await ask('127.0.0.1', s.port, queryPacket('web.ns1.svc.cluster.local', 'AAAA'));
        assert.equal(rcode(nodata.flags), 'NOERROR');
        assert.equal(nodata.answers?.length, 0);
        assert.deepEqual(results, ['success', 'nxdomain', 'nodata']);
      });
    });

    void it(`forwards other names to the upstream over ${transport}`, async () => {
      const upstream = await startFakeUpstream('example.test', '192.0.2.7');
      try {
        await withServer(async (s, results) => {
          const r = await ask('127.0.0.1', s.port, queryPacket('www.ns.svc.example.test'));
          assert.deepEqual(r.answers?.map((a) => (a as { data: unknown }).data), ['192.0.2.7']);
          assert.deepEqual(results, ['forwarded']);
        }, upstream.port);
      } finally {
        await upstream.close();
      }
    });
  }

  void it('SERVFAIL when no upstream answers, and for cluster names until synced', async () => {
    await withServer(async (s, results, setReady) => {
      assert.equal(rcode((await udpQuery('127.0.0.1', s.port, queryPacket('example.test'))).flags), 'SERVFAIL');
      setReady(false);
      assert.equal(rcode((await udpQuery('127.0.0.1', s.port, queryPacket('web.ns1.svc.cluster.local'))).flags), 'SERVFAIL');
      setReady(true);
      assert.equal(rcode((await udpQuery('127.0.0.1', s.port, queryPacket('web.ns1.svc.cluster.local'))).flags), 'NOERROR');
      assert.deepEqual(results, ['servfail', 'servfail', 'success']);
    });
  });

  void it('an answer too large for UDP is truncated; TCP carries it whole', async () => {
    await withServer(async (s) => {
      const udp = await udpQuery('127.0.0.1', s.port, queryPacket('big.ns1.svc.cluster.local'));
      assert.ok(((udp.flags ?? 0) & TC) !== 0);
      assert.equal(udp.answers?.length, 0);
      const tcp = await tcpQuery('127.0.0.1', s.port, queryPacket('big.ns1.svc.cluster.local'));
      assert.equal((tcp.flags ?? 0) & TC, 0);
      assert.equal(tcp.answers?.length, 60);
    });
  });

  for (const transport of ['udp', 'tcp'] as const) {
    const ask = transport === 'udp' ? udpQuery : tcpQuery;
    void it(`a repeated query over ${transport} gets the same answer with its own id; a zone change is seen at once`, async () => {
      await withServer(async (s, results, _setReady, index) => {
        const name = 'web.ns1.svc.cluster.local';
        const first = await ask('127.0.0.1', s.port, queryPacket(name, 'A', 0x0101));
        const again = await ask('127.0.0.1', s.port, queryPacket(name, 'A', 0x0202));
        assert.equal(first.id, 0x0101);
        assert.equal(again.id, 0x0202);
        assert.deepEqual(again.answers, first.answers);
        index.onServiceUpdate(webSvc, service('ns1', 'web', { clusterIP: '10.96.0.99', ports: [{ name: 'http', port: 80 }] }));
        const changed = await ask('127.0.0.1', s.port, queryPacket(name, 'A', 0x0303));
        assert.equal(changed.id, 0x0303);
        assert.deepEqual(changed.answers?.map((a) => (a as { data: unknown }).data), ['10.96.0.99']);
        assert.deepEqual(results, ['success', 'success', 'success']);
      });
    });
  }

  void it('FORMERR for a packet that does not decode', async () => {
    await withServer(async (s, results) => {
      const junk = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0xff]);
      const r = await udpQuery('127.0.0.1', s.port, junk);
      assert.equal(r.id, 0x1234);
      assert.equal(rcode(r.flags), 'FORMERR');
      assert.deepEqual(results, ['formerr']);
    });
  });
});
