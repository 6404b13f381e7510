import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoints, Service } from '@skiff/api';
import { ZoneIndex } from '../dns/zone-index.js';
import { endpointsTriggerTime, LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from '../proxier.js';
import { endpointsOf } from '../tracker/endpoint-info.js';
import { servicePortsOf } from '../tracker/service-port.js';
import { leanEndpoints, leanService, StringPool } from './lean-objects.js';

// Full objects as the apiserver sends them, with every field the proxy reads and many it does not.
const services: Service[] = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'ns1', name: 'web', uid: 'u1', resourceVersion: '7', labels: { app: 'web' }, annotations: { note: 'x'.repeat(500) }, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      type: 'LoadBalancer',
      selector: { app: 'web' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      externalIPs: ['192.168.9.9'],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Local',
      healthCheckNodePort: 31000,
      loadBalancerIP: '1.2.3.4',
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 'web', nodePort: 30080, appProtocol: 'http' },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353, nodePort: 30053 },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns1', name: 'hl', resourceVersion: '8' }, spec: { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns2', name: 'ext', resourceVersion: '9' }, spec: { type: 'ExternalName', externalName: 'Example.COM.' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns2', name: 'dual', resourceVersion: '10' }, spec: { clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11', 'fd00::11'], ports: [{ name: 'a', port: 1 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns2', name: 'nospec', resourceVersion: '11' } },
];
const endpoints: Endpoints[] = [
  {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace: 'ns1', name: 'web', resourceVersion: '12', labels: { app: 'web' }, annotations: { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: '2026-01-01T00:00:05Z', other: 'y' } },
    subsets: [
      {
        addresses: [
          { ip: '10.244.1.3', nodeName: 'node1', hostname: 'Web-0', targetRef: { kind: 'Pod', namespace: 'ns1', name: 'web-0', uid: 'p0' } },
          { ip: '10.244.2.3', nodeName: 'node2', targetRef: { kind: 'Pod', namespace: 'ns1', name: 'web-1', uid: 'p1' } },
        ],
        notReadyAddresses: [{ ip: '10.244.1.4', nodeName: 'node1' }],
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' },
          { name: 'dns', port: 5353, protocol: 'UDP' },
        ],
      },
      { addresses: [{ ip: '10.244.3.9' }], ports: [{ port: 9 }] },
    ],
  },
  { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'ns1', name: 'hl', resourceVersion: '13' }, subsets: [{ addresses: [], notReadyAddresses: [{ ip: '10.244.1.5' }], ports: [{ port: 80 }] }] },
  { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'ns2', name: 'empty', resourceVersion: '14' } },
];

function zone(svcs: Service[], eps: Endpoints[]): unknown {
  const z = new ZoneIndex();
  for (const s of svcs) z.onServiceUpdate(undefined, s);
  for (const e of eps) z.onEndpointsUpdate(undefined, e);
  const names = [...svcs, ...eps].map((o) => [o.metadata.namespace ?? '', o.metadata.name ?? ''] as const);
  return {
    services: names.map(([ns, n]) => z.service(ns, n)),
    endpoints: names.map(([ns, n]) => z.endpointsOf(ns, n)),
    reverse: ['10.96.0.10', '10.244.1.3', '10.244.1.5', 'fd00::11'].map((ip) => z.reverseNames(ip)),
  };
}

void describe('lean Services and Endpoints', () => {
  const pool = new StringPool();
  const leanSvcs = services.map((s) => leanService(s, pool));
  const leanEps = endpoints.map((e) => leanEndpoints(e, pool));

  void it('give the proxier, the health check servers and the DNS zone exactly what the full objects give', () => {
    for (const [i, s] of services.entries()) assert.deepEqual(servicePortsOf(leanSvcs[i]), servicePortsOf(s), s.metadata.name);
    for (const node of ['node1', 'node2']) for (const [i, e] of endpoints.entries()) assert.deepEqual(endpointsOf(leanEps[i], node), endpointsOf(e, node), e.metadata.name);
    for (const [i, e] of endpoints.entries()) assert.equal(endpointsTriggerTime(leanEps[i], 5), endpointsTriggerTime(e, 5));
    assert.deepEqual(zone(leanSvcs, leanEps), zone(services, endpoints));
  });

  void it('keep nothing else', () => {
    assert.deepEqual(leanSvcs[0], {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'ns1', name: 'web', resourceVersion: '7' },
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.10',
        externalIPs: ['192.168.9.9'],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
        externalTrafficPolicy: 'Local',
        internalTrafficPolicy: 'Local',
        healthCheckNodePort: 31000,
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
          { name: 'dns', protocol: 'UDP', port: 53, nodePort: 30053 },
        ],
      },
    });
    assert.deepEqual(leanSvcs[3]?.spec?.clusterIPs, ['10.96.0.11', 'fd00::11'], 'a second cluster IP is kept');
    assert.deepEqual(leanEps[0], {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { namespace: 'ns1', name: 'web', resourceVersion: '12', annotations: { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: '2026-01-01T00:00:05Z' } },
      subsets: [
        {
          addresses: [
            { ip: '10.244.1.3', nodeName: 'node1', hostname: 'Web-0' },
            { ip: '10.244.2.3', nodeName: 'node2' },
          ],
          notReadyAddresses: [{ ip: '10.244.1.4', nodeName: 'node1' }],
          ports: [
            { name: 'http', port: 8080, protocol: 'TCP' },
            { name: 'dns', port: 5353, protocol: 'UDP' },
          ],
        },
        { addresses: [{ ip: '10.244.3.9' }], ports: [{ port: 9 }] },
      ],
    });
  });

  void it('the pool keeps one copy of each repeated string, and starts again past its bound', () => {
    const p = new StringPool(3);
    const a = p.intern(['n', 's', '1'].join(''));
    assert.equal(p.intern('ns1'), a);
    p.intern('TCP');
    p.intern('UDP');
    assert.equal(p.size, 3);
    assert.equal(p.intern(undefined), undefined);
    p.intern('node1');
    assert.equal(p.size, 1, 'cleared when full');
    // The pools of the test above: namespaces, types, protocols, port names, node names, policies.
    assert.ok(pool.size > 0 && pool.size < 20, `pool size ${pool.size}`);
  });
});
