import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceSpec } from '@skiff/api';
import { defaultIPFamilies, dropTypeDependentFields, keepAllocatedValues } from './type-dependent-fields.js';

const nodePortSvc: ServiceSpec = {
  type: 'NodePort',
  clusterIP: '10.96.0.9',
  clusterIPs: ['10.96.0.9'],
  ipFamilies: ['IPv4'],
  ipFamilyPolicy: 'SingleStack',
  externalTrafficPolicy: 'Cluster',
  internalTrafficPolicy: 'Cluster',
  ports: [{ port: 80, nodePort: 30080 }],
};

const drops: { name: string; old: ServiceSpec; next: ServiceSpec; want: ServiceSpec }[] = [
  {
    name: 'NodePort to ClusterIP by type alone: node ports and externalTrafficPolicy go',
    old: nodePortSvc,
    next: { ...structuredClone(nodePortSvc), type: 'ClusterIP' },
    want: { ...structuredClone(nodePortSvc), type: 'ClusterIP', externalTrafficPolicy: undefined, ports: [{ port: 80 }] },
  },
  {
    name: 'NodePort to ClusterIP with a net-new node port: kept (validation refuses it)',
    old: nodePortSvc,
    next: { ...structuredClone(nodePortSvc), type: 'ClusterIP', ports: [{ port: 80, nodePort: 31000 }] },
    want: { ...structuredClone(nodePortSvc), type: 'ClusterIP', externalTrafficPolicy: undefined, ports: [{ port: 80, nodePort: 31000 }] },
  },
  {
    name: 'to ExternalName: cluster IPs, IP families and internalTrafficPolicy go',
    old: nodePortSvc,
    next: { ...structuredClone(nodePortSvc), type: 'ExternalName', externalName: 'example.com' },
    want: { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] },
  },
  {
    name: 'to ExternalName with a changed cluster IP: the IP stays (validation refuses it)',
    old: nodePortSvc,
    next: { ...structuredClone(nodePortSvc), type: 'ExternalName', externalName: 'e', clusterIP: '10.96.0.10', clusterIPs: undefined },
    want: { type: 'ExternalName', externalName: 'e', clusterIP: '10.96.0.10', ports: [{ port: 80 }] },
  },
  {
    name: 'ClientIP to None: an unchanged sessionAffinityConfig goes',
    old: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } },
    next: { sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } },
    want: { sessionAffinity: 'None' },
  },
  {
    name: 'ClientIP stays: its config stays',
    old: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } },
    next: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } },
    want: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } },
  },
  { name: 'NodePort stays NodePort: nothing dropped', old: nodePortSvc, next: structuredClone(nodePortSvc), want: structuredClone(nodePortSvc) },
];

const clean = (s: ServiceSpec) => JSON.parse(JSON.stringify(s)) as ServiceSpec;

for (const c of drops) {
  test(`dropTypeDependentFields: ${c.name}`, () => {
    const next = structuredClone(c.next);
    dropTypeDependentFields(next, c.old);
    assert.deepEqual(clean(next), clean(c.want));
  });
}

test('keepAllocatedValues: an update omitting the cluster IP keeps it, unless the type drops it', () => {
  const next: ServiceSpec = { type: 'ClusterIP', ports: [{ port: 80 }] };
  keepAllocatedValues(next, nodePortSvc);
  assert.equal(next.clusterIP, '10.96.0.9');
  assert.deepEqual(next.clusterIPs, ['10.96.0.9']);
  const ext: ServiceSpec = { type: 'ExternalName', externalName: 'e' };
  keepAllocatedValues(ext, nodePortSvc);
  assert.equal(ext.clusterIP, undefined);
});

const families: { name: string; spec: ServiceSpec; want: Pick<ServiceSpec, 'ipFamilies' | 'ipFamilyPolicy'> }[] = [
  { name: 'ClusterIP: SingleStack IPv4', spec: { selector: { a: 'b' } }, want: { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] } },
  { name: 'headless with a selector: SingleStack', spec: { clusterIP: 'None', selector: { a: 'b' } }, want: { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] } },
  { name: 'headless without a selector: RequireDualStack, every family', spec: { clusterIP: 'None' }, want: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4'] } },
  { name: 'ExternalName: none', spec: { type: 'ExternalName', externalName: 'e' }, want: {} },
  { name: 'set by the client: kept', spec: { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] }, want: { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] } },
];

for (const c of families) {
  test(`defaultIPFamilies: ${c.name}`, () => {
    const spec = structuredClone(c.spec);
    defaultIPFamilies(spec, ['IPv4']);
    assert.deepEqual({ ipFamilies: spec.ipFamilies, ipFamilyPolicy: spec.ipFamilyPolicy }, { ipFamilies: c.want.ipFamilies, ipFamilyPolicy: c.want.ipFamilyPolicy });
  });
}
