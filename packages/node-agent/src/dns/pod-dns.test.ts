import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '@skiff/api';
import { podDNS, podExtraHosts, podHostnameAndDomain, type DNSNode } from './pod-dns.js';
import { formatResolvConf, parseResolvConf } from './resolv-conf.js';

const host = parseResolvConf('# generated\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch corp.example lab.example\noptions timeout:2 rotate\n');
const node: DNSNode = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host };
const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'app', uid: 'u' }, spec: { containers: [], ...spec } });

void describe('podDNS', () => {
  const cases: { name: string; spec?: Partial<NonNullable<Pod['spec']>>; node?: DNSNode; want: string | undefined; warning?: string }[] = [
    { name: 'ClusterFirst (default)', want: 'nameserver 10.96.0.10\nsearch app.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\noptions ndots:5\n' },
    { name: 'ClusterFirst of a hostNetwork pod is Default', spec: { hostNetwork: true }, want: undefined },
    { name: 'ClusterFirstWithHostNet', spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, want: 'nameserver 10.96.0.10\nsearch app.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\noptions ndots:5\n' },
    { name: 'ClusterFirst without cluster DNS falls back to Default', node: { ...node, clusterDNS: [] }, want: undefined, warning: 'MissingClusterDNS' },
    { name: 'Default', spec: { dnsPolicy: 'Default' }, want: undefined },
    {
      name: 'Default with dnsConfig merges with the node',
      spec: { dnsPolicy: 'Default', dnsConfig: { nameservers: ['192.0.2.54', '1.1.1.1'], searches: ['x.example'], options: [{ name: 'timeout', value: '5' }, { name: 'edns0' }] } },
      want: 'nameserver 192.0.2.53\nnameserver 192.0.2.54\nnameserver 1.1.1.1\nsearch corp.example lab.example x.example\noptions timeout:5 rotate edns0\n',
    },
    { name: 'None takes dnsConfig only', spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] } }, want: 'nameserver 1.1.1.1\noptions ndots:2\n' },
    {
      name: 'ClusterFirst with dnsConfig',
      spec: { dnsConfig: { searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }] } },
      want: 'nameserver 10.96.0.10\nsearch app.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example extra.example\noptions ndots:1\n',
    },
    { name: 'search paths beyond 32 are cut', spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: Array.from({ length: 40 }, (_, i) => `d${i}.example`) } }, want: `nameserver 1.1.1.1\nsearch ${Array.from({ length: 32 }, (_, i) => `d${i}.example`).join(' ')}\n`, warning: 'DNSConfigForming' },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const got = podDNS(pod(c.spec), c.node ?? node);
      assert.equal(got.config ? formatResolvConf(got.config) : undefined, c.want);
      assert.deepEqual(got.warnings.map(([r]) => r), c.warning ? [c.warning] : []);
    });
  }

  void it('hostname, subdomain and host aliases', () => {
    assert.deepEqual(podHostnameAndDomain(pod(), 'cluster.local'), { hostname: 'web-1' });
    assert.deepEqual(podHostnameAndDomain(pod({ hostname: 'h', subdomain: 'sub' }), 'cluster.local'), { hostname: 'h', domain: 'sub.app.svc.cluster.local' });
    assert.deepEqual(podExtraHosts(pod({ hostAliases: [{ ip: '10.1.1.1', hostnames: ['a', 'b'] }] })), ['a:10.1.1.1', 'b:10.1.1.1']);
  });
});
