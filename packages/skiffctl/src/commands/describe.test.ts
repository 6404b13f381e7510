import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../testing/run.js';
import { LAST_APPLIED } from '../last-applied.js';

const created = '2024-01-01T00:00:00Z';

function world(): FakeClient {
  const svc: KObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', creationTimestamp: created, labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}', note: 'hi' } },
    spec: { type: 'NodePort', clusterIP: '10.96.0.12', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }] },
  };
  const ep: KObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: created },
    subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.3' }], ports: [{ name: 'http', port: 8080 }] }],
  };
  const deploy: KObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', creationTimestamp: created },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 8080 }] }] } } },
    status: { replicas: 3, updatedReplicas: 3, availableReplicas: 2, unavailableReplicas: 1, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
  };
  const rs: KObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', namespace: 'default', annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }] },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } },
    status: { replicas: 3 },
  };
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-abc-1', namespace: 'default', uid: 'p-uid', creationTimestamp: created, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs', controller: true }] },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx:1' }] },
    status: {
      phase: 'Running',
      hostIP: '10.0.0.2',
      podIP: '10.244.1.5',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'web', ready: true, restartCount: 1, image: 'nginx:1', imageID: 'sha', state: { running: { startedAt: created } } }],
    },
  };
  const ev = (name: string, involved: Record<string, string>, reason: string, count = 1): KObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default', creationTimestamp: created },
    involvedObject: involved,
    type: 'Normal',
    reason,
    message: `${reason} happened`,
    source: { component: 'deployment-controller' },
    firstTimestamp: '2024-01-01T00:10:00Z',
    lastTimestamp: '2024-01-01T00:55:00Z',
    count,
  });
  return new FakeClient({
    objects: [
    svc,
    ep,
    deploy,
    rs,
    pod,
    ev('web.1', { kind: 'Deployment', name: 'web', uid: 'd-uid' }, 'ScalingReplicaSet', 3),
    ev('web.2', { kind: 'Service', name: 'web', uid: 'other-uid' }, 'Old'),
    ],
  });
}

void test('describe service: IP, ports, endpoints; no last-applied; events of that object only', async () => {
  const r = await run(world(), ['describe', 'svc', 'web']);
  assert.equal(r.code, 0, r.stderr);
  const want = [
    'Name:                     web',
    'Namespace:                default',
    'Labels:                   app=web',
    'Annotations:              note: hi',
    'CreationTimestamp:        Mon, 01 Jan 2024 00:00:00 +0000',
    'Selector:                 app=web',
    'Type:                     NodePort',
    'IP:                       10.96.0.12',
    'IPs:                      10.96.0.12',
    'Port:                     http  80/TCP',
    'TargetPort:               8080/TCP',
    'NodePort:                 http  30080/TCP',
    'Endpoints:                10.244.1.5:8080,10.244.2.3:8080',
    'Session Affinity:         None',
    'External Traffic Policy:  Cluster',
    'Internal Traffic Policy:  Cluster',
    'Events:                   <none>',
    '',
  ].join('\n');
  assert.equal(r.stdout, want);
});

void test('describe deployment: replicas line, strategy, template, conditions, replica sets, events', async () => {
  const r = await run(world(), ['describe', 'deployment', 'web']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Replicas: +3 desired \| 3 updated \| 3 total \| 2 available \| 1 unavailable$/m);
  assert.match(r.stdout, /^StrategyType: +RollingUpdate$/m);
  assert.match(r.stdout, /^RollingUpdateStrategy: +25% max unavailable, 25% max surge$/m);
  assert.match(r.stdout, /^Pod Template:\n {2}Labels: +app=web\n {2}Containers:\n {2} {2}web:\n +Image: +nginx:1\n +Port: +8080\/TCP$/m);
  assert.match(r.stdout, /^ {2}Available +True +MinimumReplicasAvailable$/m);
  assert.match(r.stdout, /^NewReplicaSet: +web-abc \(3\/3 replicas created\)$/m);
  assert.match(r.stdout, /^Events:\n {2}Type +Reason +Age +From +Message\n {2}---- +------ +---- +---- +-------\n {2}Normal +ScalingReplicaSet +5m \(x3 over 50m\) +deployment-controller +ScalingReplicaSet happened$/m);
});

void test('describe pod: node, IP, containers, conditions; a name prefix describes the matches', async () => {
  const r = await run(world(), ['describe', 'pods', 'web-abc']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Name: +web-abc-1$/m);
  assert.match(r.stdout, /^Controlled By: +ReplicaSet\/web-abc$/m);
  assert.match(r.stdout, /^Node: +node-1\/10\.0\.0\.2$/m);
  assert.match(r.stdout, /^Status: +Running$/m);
  assert.match(r.stdout, /^IP: +10\.244\.1\.5$/m);
  assert.match(r.stdout, /^ {4}State: +Running$/m);
  assert.match(r.stdout, /^ {4}Restart Count: +1$/m);
  assert.match(r.stdout, /^Conditions:\n {2}Type +Status\n {2}Ready +True$/m);
});

void test('describe: not found', async () => {
  const r = await run(world(), ['describe', 'svc', 'zzz']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error from server (NotFound): services "zzz" not found\n');
});
