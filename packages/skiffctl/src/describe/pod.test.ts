import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { NOW, run } from '../testing/run.js';
import { toleration } from './pod.js';

const ago = (s: number): string => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default', uid: 'u-1', labels: { app: 'web' }, deletionTimestamp: ago(20), deletionGracePeriodSeconds: 30 },
  spec: {
    nodeName: 'node-1',
    priority: 0,
    serviceAccountName: 'builder',
    readinessGates: [{ conditionType: 'example.com/lb' }],
    nodeSelector: { disk: 'ssd' },
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    ],
    volumes: [
      { name: 'scratch', emptyDir: {} },
      { name: 'conf', configMap: { name: 'settings' } },
      { name: 'creds', secret: { secretName: 'db', optional: true } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    ],
    containers: [
      {
        name: 'app',
        image: 'nginx:1',
        ports: [{ containerPort: 80 }],
        resources: { limits: { memory: '128Mi' } },
        envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'DB_', secretRef: { name: 'db', optional: true } }],
        env: [
          { name: 'PLAIN', value: 'x' },
          { name: 'NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
          { name: 'PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } },
        ],
        volumeMounts: [
          { name: 'scratch', mountPath: '/tmp' },
          { name: 'conf', mountPath: '/etc/app', readOnly: true, subPath: 'app.conf' },
        ],
      },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.0.2',
    podIP: '10.244.1.5',
    podIPs: [{ ip: '10.244.1.5' }],
    qosClass: 'Burstable',
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'example.com/lb', status: 'True' },
    ],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 2,
        image: 'nginx:1',
        imageID: 'docker-pullable://nginx@sha256:abc',
        containerID: 'docker://123',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(120), finishedAt: ago(100) } },
      },
    ],
  },
};

test('describe pod: containers, state and last state, env and envFrom, mounts, readiness gates, volumes, QoS, node selectors, tolerations', async () => {
  const r = await run(new FakeClient({ objects: [pod] }), ['describe', 'pod', 'web-1']);
  assert.equal(r.code, 0, r.stderr);
  const body = r.stdout.slice(r.stdout.indexOf('Priority:'));
  assert.equal(
    body,
    [
      'Priority:                  0',
      'Service Account:           builder',
      'Node:                      node-1/10.0.0.2',
      'Status:                    Terminating (lasts 20s)',
      'Termination Grace Period:  30s',
      'IP:                        10.244.1.5',
      'IPs:',
      '  IP:  10.244.1.5',
      'Containers:',
      '  app:',
      '    Container ID:   docker://123',
      '    Image:          nginx:1',
      '    Image ID:       docker-pullable://nginx@sha256:abc',
      '    Port:           80/TCP',
      '    State:          Waiting',
      '      Reason:       CrashLoopBackOff',
      '      Message:      back-off 20s restarting failed container',
      '    Last State:     Terminated',
      '      Reason:       Error',
      '      Exit Code:    1',
      '      Started:      Mon, 01 Jan 2024 00:58:00 +0000',
      '      Finished:     Mon, 01 Jan 2024 00:58:20 +0000',
      '    Ready:          False',
      '    Restart Count:  2',
      '    Limits:',
      '      memory:  128Mi',
      '    Requests:',
      '      memory:  128Mi',
      '    Environment Variables from:',
      '      settings  ConfigMap  Optional: false',
      "      db  Secret with prefix 'DB_'  Optional: true",
      '    Environment:',
      '      PLAIN:  x',
      '      NAME:   web-1 (v1:metadata.name)',
      '      MEM:    128Mi (limits.memory)',
      '      CPU:    node allocatable (limits.cpu)',
      "      COLOR:  <set to the key 'color' of config map 'settings'>  Optional: false",
      "      PASS:   <set to the key 'password' in secret 'db'>  Optional: true",
      '    Mounts:',
      '      /etc/app from conf (ro,path="app.conf")',
      '      /tmp from scratch (rw)',
      'Readiness Gates:',
      '  Type             Status',
      '  example.com/lb   True',
      'Conditions:',
      '  Type             Status',
      '  Ready            False',
      '  example.com/lb   True',
      'Volumes:',
      '  scratch:',
      "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
      '    Medium:',
      '    SizeLimit:  <unset>',
      '  conf:',
      '    Type:      ConfigMap (a volume populated by a ConfigMap)',
      '    Name:      settings',
      '    Optional:  false',
      '  creds:',
      '    Type:        Secret (a volume populated by a Secret)',
      '    SecretName:  db',
      '    Optional:    true',
      '  host:',
      '    Type:          HostPath (bare host directory volume)',
      '    Path:          /var/log',
      '    HostPathType:  Directory',
      '  info:',
      '    Type:  DownwardAPI (a volume populated by information about the pod)',
      '    Items:',
      '      metadata.labels -> labels',
      'QoS Class:       Burstable',
      'Node-Selectors:  disk=ssd',
      'Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
      '                 dedicated=web:NoSchedule',
      'Events:          <none>',
      '',
    ].join('\n'),
  );
});

const tolerationCases: { name: string; t: Record<string, unknown>; want: string }[] = [
  { name: 'Exists everything', t: { operator: 'Exists' }, want: 'op=Exists' },
  { name: 'Exists a key', t: { key: 'k', operator: 'Exists' }, want: 'k op=Exists' },
  { name: 'Equal with value and effect', t: { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, want: 'k=v:NoSchedule' },
  { name: 'Equal with an empty value', t: { key: 'k', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 0 }, want: 'k:NoExecute for 0s' },
];

for (const c of tolerationCases) {
  test(`describe pod tolerations: ${c.name}`, () => assert.equal(toleration(c.t), c.want));
}

test('describe pod: a gRPC probe as kubectl shows it', async () => {
  const probed: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'grpc-1', namespace: 'default', uid: 'u-2' },
    spec: { containers: [{ name: 'app', image: 'srv:1', readinessProbe: { grpc: { port: 9000, service: 'my.Health' }, timeoutSeconds: 2, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 } }] },
  };
  const r = await run(new FakeClient({ objects: [probed] }), ['describe', 'pod', 'grpc-1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {4}Readiness: +grpc <pod>:9000 my\.Health delay=0s timeout=2s period=5s #success=1 #failure=3$/m);
});
