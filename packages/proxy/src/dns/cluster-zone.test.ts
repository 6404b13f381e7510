import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Answer, RecordType } from 'dns-packet';
import type { Endpoints, Service } from '@skiff/api';
import { endpoints, service } from '../testing/objects.js';
import { ClusterZone } from './cluster-zone.js';
import { ZoneIndex } from './zone-index.js';

const web = service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }, { port: 9000 }] });
const webEps = endpoints('ns1', 'web', [{ ip: '10.244.1.3' }, { ip: '10.244.2.4', ready: false }], [{ name: 'http', port: 8080 }]);
const db = service('ns1', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] });
const dbEps: Endpoints = {
  ...endpoints('ns1', 'db', [], []),
  subsets: [{ addresses: [{ ip: '10.244.1.7', hostname: 'db-0' }, { ip: '10.244.2.8' }], notReadyAddresses: [{ ip: '10.244.2.9', hostname: 'db-2' }], ports: [{ name: 'pg', port: 5433 }] }],
};
const ext = service('ns2', 'ext', { type: 'ExternalName', externalName: 'example.org.' });

function zone(objs: (Service | Endpoints)[] = [web, webEps, db, dbEps, ext]): ClusterZone {
  const index = new ZoneIndex();
  for (const o of objs) {
    if (o.kind === 'Service') index.onServiceUpdate(undefined, o as Service);
    else index.onEndpointsUpdate(undefined, o as Endpoints);
  }
  return new ClusterZone(index, 'cluster.local');
}

/** "A 10.96.0.10", "SRV 0 100 80 web.ns1.svc.cluster.local", "PTR web.ns1.svc.cluster.local", ... */
function show(a: Answer): string {
  if (a.type === 'SRV') return `SRV ${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${a.data.target}`;
  if (a.type === 'SOA') return 'SOA';
  return `${a.type} ${String((a as { data: unknown }).data)}`;
}

type Want = 'forward' | { result: 'success' | 'nodata' | 'nxdomain'; answers?: string[]; additionals?: string[] };

const cases: { name: string; q: string; type?: RecordType; want: Want }[] = [
  { name: 'service A: its ClusterIP', q: 'web.ns1.svc.cluster.local', want: { result: 'success', answers: ['A 10.96.0.10'] } },
  { name: 'case and trailing dot do not matter', q: 'WEB.Ns1.svc.Cluster.Local.', want: { result: 'success', answers: ['A 10.96.0.10'] } },
  { name: 'headless service A: the ready endpoints', q: 'db.ns1.svc.cluster.local', want: { result: 'success', answers: ['A 10.244.1.7', 'A 10.244.2.8'] } },
  { name: 'endpoint by hostname', q: 'db-0.db.ns1.svc.cluster.local', want: { result: 'success', answers: ['A 10.244.1.7'] } },
  { name: 'endpoint by dashed IP', q: '10-244-2-8.db.ns1.svc.cluster.local', want: { result: 'success', answers: ['A 10.244.2.8'] } },
  { name: 'unknown endpoint hostname', q: 'db-5.db.ns1.svc.cluster.local', want: { result: 'nxdomain' } },
  { name: 'SRV of a named port: the service name', q: '_http._tcp.web.ns1.svc.cluster.local', type: 'SRV', want: { result: 'success', answers: ['SRV 0 100 80 web.ns1.svc.cluster.local'], additionals: ['A 10.96.0.10'] } },
  { name: 'SRV of a UDP port', q: '_dns._udp.web.ns1.svc.cluster.local', type: 'SRV', want: { result: 'success', answers: ['SRV 0 100 53 web.ns1.svc.cluster.local'] } },
  { name: 'SRV with the wrong protocol', q: '_http._udp.web.ns1.svc.cluster.local', type: 'SRV', want: { result: 'nxdomain' } },
  { name: 'SRV of a headless service: one per ready endpoint, their port', q: '_pg._tcp.db.ns1.svc.cluster.local', type: 'SRV', want: { result: 'success', answers: ['SRV 0 50 5433 db-0.db.ns1.svc.cluster.local', 'SRV 0 50 5433 10-244-2-8.db.ns1.svc.cluster.local'], additionals: ['A 10.244.1.7', 'A 10.244.2.8'] } },
  { name: 'SRV of the service name: every named port', q: 'web.ns1.svc.cluster.local', type: 'SRV', want: { result: 'success', answers: ['SRV 0 50 80 web.ns1.svc.cluster.local', 'SRV 0 50 53 web.ns1.svc.cluster.local'] } },
  { name: 'A query of an SRV name: NODATA', q: '_http._tcp.web.ns1.svc.cluster.local', want: { result: 'nodata' } },
  { name: 'AAAA of an IPv4 service: NODATA', q: 'web.ns1.svc.cluster.local', type: 'AAAA', want: { result: 'nodata' } },
  { name: 'TXT of a service: NODATA', q: 'web.ns1.svc.cluster.local', type: 'TXT', want: { result: 'nodata' } },
  { name: 'ExternalName: a CNAME', q: 'ext.ns2.svc.cluster.local', want: { result: 'success', answers: ['CNAME example.org'] } },
  { name: 'unknown service', q: 'nope.ns1.svc.cluster.local', want: { result: 'nxdomain' } },
  { name: 'a search-path expansion of an outside name', q: 'example.com.ns1.svc.cluster.local', want: { result: 'nxdomain' } },
  { name: 'a namespace with services: NODATA', q: 'ns1.svc.cluster.local', want: { result: 'nodata' } },
  { name: 'an unknown namespace', q: 'ns9.svc.cluster.local', want: { result: 'nxdomain' } },
  { name: 'svc.<zone>: NODATA', q: 'svc.cluster.local', want: { result: 'nodata' } },
  { name: 'the zone apex SOA', q: 'cluster.local', type: 'SOA', want: { result: 'success', answers: ['SOA'] } },
  { name: 'pod A record from its dashed IP', q: '10-244-1-3.ns1.pod.cluster.local', want: { result: 'success', answers: ['A 10.244.1.3'] } },
  { name: 'not a pod IP', q: 'x-1.ns1.pod.cluster.local', want: { result: 'nxdomain' } },
  { name: 'something else in the zone', q: 'foo.cluster.local', want: { result: 'nxdomain' } },
  { name: 'PTR of a ClusterIP', q: '10.0.96.10.in-addr.arpa', type: 'PTR', want: { result: 'success', answers: ['PTR web.ns1.svc.cluster.local'] } },
  { name: 'PTR of a pod IP (endpoint with hostname)', q: '7.1.244.10.in-addr.arpa', type: 'PTR', want: { result: 'success', answers: ['PTR db-0.db.ns1.svc.cluster.local'] } },
  { name: 'PTR of a pod IP (not ready endpoint too)', q: '4.2.244.10.in-addr.arpa', type: 'PTR', want: { result: 'success', answers: ['PTR 10-244-2-4.web.ns1.svc.cluster.local'] } },
  { name: 'PTR of an unknown IP: forwarded', q: '8.8.8.8.in-addr.arpa', type: 'PTR', want: 'forward' },
  { name: 'outside name: forwarded', q: 'example.com', want: 'forward' },
  { name: 'a name ending like the zone is not in it', q: 'notcluster.local', want: 'forward' },
];

void describe('cluster DNS answers', () => {
  const z = zone();
  for (const c of cases) {
    void it(c.name, () => {
      const got = z.lookup({ name: c.q, type: c.type ?? 'A' });
      if (c.want === 'forward') return assert.deepEqual(got, { forward: true });
      assert.equal(got.forward, false);
      if (got.forward) return;
      assert.equal(got.result, c.want.result);
      assert.deepEqual(got.answers.map(show), c.want.answers ?? []);
      if (c.want.additionals) assert.deepEqual(got.additionals.map(show), c.want.additionals);
      assert.deepEqual(got.authorities.map(show), c.want.result === 'success' ? [] : ['SOA']);
      for (const a of got.answers) assert.equal(a.name, c.q);
    });
  }

  void it('follows updates and deletions (reverse names too)', () => {
    const index = new ZoneIndex();
    const z2 = new ClusterZone(index, 'cluster.local');
    index.onServiceUpdate(undefined, web);
    index.onEndpointsUpdate(undefined, webEps);
    const moved = service('ns1', 'web', { clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80 }] });
    index.onServiceUpdate(web, moved);
    assert.deepEqual(z2.lookup({ name: 'web.ns1.svc.cluster.local', type: 'A' }), { forward: false, result: 'success', answers: [{ name: 'web.ns1.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.0.11' }], additionals: [], authorities: [] });
    assert.deepEqual(z2.lookup({ name: '10.0.96.10.in-addr.arpa', type: 'PTR' }), { forward: true });
    index.onServiceUpdate(moved, undefined);
    index.onEndpointsUpdate(webEps, undefined);
    assert.equal((z2.lookup({ name: 'web.ns1.svc.cluster.local', type: 'A' }) as { result: string }).result, 'nxdomain');
    assert.deepEqual(z2.lookup({ name: '3.1.244.10.in-addr.arpa', type: 'PTR' }), { forward: true });
    assert.equal((z2.lookup({ name: 'ns1.svc.cluster.local', type: 'A' }) as { result: string }).result, 'nxdomain');
  });
});
