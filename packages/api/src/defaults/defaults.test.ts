import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../object.js';
import { applyDefaults, defaultImagePullPolicy } from './index.js';

const pulls: { image: string; want: string }[] = [
  { image: 'nginx', want: 'Always' },
  { image: 'nginx:latest', want: 'Always' },
  { image: 'nginx:1.25', want: 'IfNotPresent' },
  { image: 'registry:5000/app', want: 'Always' },
  { image: 'registry:5000/app:v1', want: 'IfNotPresent' },
  { image: 'app@sha256:abc', want: 'IfNotPresent' },
];
for (const c of pulls) {
  void test(`defaults: imagePullPolicy ${c.image}`, () => assert.equal(defaultImagePullPolicy(c.image), c.want));
}

function deployment(): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'my-app' },
    spec: {
      selector: { matchLabels: { app: 'my-app' } },
      template: { metadata: { labels: { app: 'my-app' } }, spec: { containers: [{ name: 'my-app', image: 'my-app', ports: [{ containerPort: 3000 }] }] } },
    },
  };
}

const cases: { name: string; obj: () => KObject; check: (o: any) => void }[] = [
  {
    name: 'deployment',
    obj: deployment,
    check: (o) => {
      assert.equal(o.spec.replicas, 1);
      assert.deepEqual(o.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
      assert.equal(o.spec.revisionHistoryLimit, 10);
      assert.equal(o.spec.progressDeadlineSeconds, 600);
      const spec = o.spec.template.spec;
      assert.equal(spec.restartPolicy, 'Always');
      assert.equal(spec.dnsPolicy, 'ClusterFirst');
      assert.equal(spec.schedulerName, 'default-scheduler');
      assert.equal(spec.terminationGracePeriodSeconds, 30);
      assert.equal(spec.enableServiceLinks, true);
      const c = spec.containers[0];
      assert.equal(c.imagePullPolicy, 'Always');
      assert.equal(c.terminationMessagePath, '/dev/termination-log');
      assert.equal(c.terminationMessagePolicy, 'File');
      assert.equal(c.ports[0].protocol, 'TCP');
    },
  },
  {
    name: 'deployment keeps replicas 0 and Recreate',
    obj: () => {
      const d = deployment();
      (d.spec as any).replicas = 0;
      (d.spec as any).strategy = { type: 'Recreate' };
      return d;
    },
    check: (o) => {
      assert.equal(o.spec.replicas, 0);
      assert.deepEqual(o.spec.strategy, { type: 'Recreate' });
    },
  },
  {
    name: 'pod requests default to limits, probes',
    obj: () => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } }, livenessProbe: { httpGet: { port: 80 } }, readinessProbe: { grpc: { port: 9000 } } }] },
    }),
    check: (o) => {
      const c = o.spec.containers[0];
      assert.deepEqual(c.resources.requests, { cpu: '1' });
      assert.equal(c.imagePullPolicy, 'IfNotPresent');
      assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
      assert.deepEqual(c.readinessProbe, { grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    },
  },
  {
    name: 'replicaset',
    obj: () => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } }),
    check: (o) => {
      assert.equal(o.spec.replicas, 1);
      assert.equal(o.spec.template.spec.restartPolicy, 'Always');
    },
  },
  {
    name: 'service',
    obj: () => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }),
    check: (o) => {
      assert.equal(o.spec.type, 'ClusterIP');
      assert.equal(o.spec.sessionAffinity, 'None');
      assert.equal(o.spec.internalTrafficPolicy, 'Cluster');
      assert.equal(o.spec.externalTrafficPolicy, undefined);
      assert.deepEqual(o.spec.ports[0], { port: 80, protocol: 'TCP', targetPort: 80 });
    },
  },
  {
    name: 'nodeport service',
    obj: () => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] } }),
    check: (o) => {
      assert.equal(o.spec.externalTrafficPolicy, 'Cluster');
      assert.equal(o.spec.ports[0].targetPort, 'http');
    },
  },
  { name: 'secret', obj: () => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }), check: (o) => assert.equal(o.type, 'Opaque') },
  { name: 'namespace', obj: () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }), check: (o) => assert.equal(o.status.phase, 'Active') },
  {
    name: 'namespace name label, set over a wrong value, other labels kept',
    obj: () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { a: 'b', 'kubernetes.io/metadata.name': 'x' } } }),
    check: (o) => assert.deepEqual(o.metadata.labels, { a: 'b', 'kubernetes.io/metadata.name': 'n' }),
  },
  {
    name: 'event',
    obj: () => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: {} }),
    check: (o) => {
      assert.equal(o.type, 'Normal');
      assert.equal(o.count, 1);
    },
  },
  {
    name: 'node allocatable',
    obj: () => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { capacity: { cpu: '2' } } }),
    check: (o) => assert.deepEqual(o.status.allocatable, { cpu: '2' }),
  },
  { name: 'lease untouched', obj: () => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: {} }), check: (o) => assert.deepEqual(o.spec, {}) },
];

for (const c of cases) {
  void test(`defaults: ${c.name}`, () => {
    const o = c.obj();
    applyDefaults(o);
    c.check(o);
    // Idempotent.
    const again = structuredClone(o);
    applyDefaults(again);
    assert.deepEqual(again, o);
  });
}
