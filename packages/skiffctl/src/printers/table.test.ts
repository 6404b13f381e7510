import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupResource, type KObject } from '@skiff/api';
import { renderTable, type TableOptions } from './table.js';

const NOW = Date.parse('2024-01-01T01:00:00Z');
const meta = (name: string, extra: Record<string, unknown> = {}): KObject['metadata'] => ({
  name,
  namespace: 'default',
  creationTimestamp: '2024-01-01T00:00:00Z',
  ...extra,
});

interface Case {
  name: string;
  resource: string;
  objects: KObject[];
  opts?: Partial<TableOptions>;
  want: string[];
}

const pod = (name: string, status: unknown, spec: unknown = { containers: [{ name: 'a' }], nodeName: 'node-1' }, m: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: meta(name, m),
  spec,
  status,
});

const running = { phase: 'Running', podIP: '10.244.1.5', containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }] };

const cases: Case[] = [
  {
    name: 'pods',
    resource: 'pods',
    objects: [
      pod('web-1', running),
      pod('web-2', { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }),
      pod('crash', {
        phase: 'Running',
        containerStatuses: [
          { name: 'a', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-01-01T00:58:00Z' } } },
        ],
      }),
      pod('gone', running, undefined, { deletionTimestamp: '2024-01-01T00:59:00Z' }),
      pod('init', { phase: 'Pending', initContainerStatuses: [{ name: 'i', ready: false, restartCount: 0, state: { running: {} } }] }, { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }] }),
      pod('done', { phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
    ],
    want: [
      'NAME    READY   STATUS              RESTARTS     AGE',
      'web-1   1/1     Running             0            60m',
      'web-2   0/1     ContainerCreating   0            60m',
      'crash   0/1     CrashLoopBackOff    4 (2m ago)   60m',
      'gone    1/1     Terminating         0            60m',
      'init    0/1     Init:0/1            0            60m',
      'done    0/1     Completed           0            60m',
    ],
  },
  {
    name: 'pods -o wide',
    resource: 'pods',
    objects: [pod('web-1', running)],
    opts: { wide: true },
    want: [
      'NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES',
      'web-1   1/1     Running   0          60m   10.244.1.5   node-1   <none>           <none>',
    ],
  },
  {
    name: 'pods -A --show-labels',
    resource: 'pods',
    objects: [pod('web-1', running, undefined, { labels: { app: 'web', tier: 'fe' } })],
    opts: { namespaceColumn: true, showLabels: true },
    want: ['NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   LABELS', 'default     web-1   1/1     Running   0          60m   app=web,tier=fe'],
  },
  {
    name: 'deployments -o wide, with kind prefix',
    resource: 'deployments',
    objects: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('web'),
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } } },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
    ],
    opts: { wide: true, withKind: true },
    want: [
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES            SELECTOR',
      'deployment.apps/web   2/3     3            2           60m   web,side     nginx:1,busybox   app=web',
    ],
  },
  {
    name: 'replicasets',
    resource: 'rs',
    objects: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-abc'), spec: { replicas: 3 }, status: { replicas: 3, readyReplicas: 1 } }],
    want: ['NAME      DESIRED   CURRENT   READY   AGE', 'web-abc   3         3         1       60m'],
  },
  {
    name: 'services: ClusterIP, NodePort, headless, LoadBalancer pending; wide selector',
    resource: 'svc',
    objects: [
      { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { type: 'ClusterIP', clusterIP: '10.96.0.12', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } } },
      { apiVersion: 'v1', kind: 'Service', metadata: meta('np'), spec: { type: 'NodePort', clusterIP: '10.96.0.13', ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: meta('hl'), spec: { clusterIP: 'None' } },
      { apiVersion: 'v1', kind: 'Service', metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIP: '10.96.0.14', ports: [{ port: 443, nodePort: 31443 }] } },
    ],
    opts: { wide: true },
    want: [
      'NAME   TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)                     AGE   SELECTOR',
      'web    ClusterIP      10.96.0.12   <none>        80/TCP                      60m   app=web',
      'np     NodePort       10.96.0.13   <none>        80:30080/TCP,53:30053/UDP   60m   <none>',
      'hl     ClusterIP      None         <none>        <none>                      60m   <none>',
      'lb     LoadBalancer   10.96.0.14   <pending>     443:31443/TCP               60m   <none>',
    ],
  },
  {
    name: 'endpoints, shortened after three',
    resource: 'ep',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: meta('web'),
        subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }] }],
      },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('none') },
    ],
    want: ['NAME   ENDPOINTS                                         AGE', 'web    10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...   60m', 'none   <none>                                            60m'],
  },
  {
    name: 'nodes',
    resource: 'nodes',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-1', creationTimestamp: '2023-12-30T01:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        spec: { unschedulable: true },
        status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v0.1.0' } },
      },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
    ],
    want: [
      'NAME     STATUS                     ROLES           AGE   VERSION',
      'node-1   Ready,SchedulingDisabled   control-plane   2d    v0.1.0',
      'node-2   NotReady                   <none>          60m',
    ],
  },
  {
    name: 'configmaps (data and binaryData)',
    resource: 'cm',
    objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }],
    want: ['NAME   DATA   AGE', 'cfg    3      60m'],
  },
  {
    name: 'secrets',
    resource: 'secrets',
    objects: [{ apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' } }],
    want: ['NAME   TYPE                DATA   AGE', 's      kubernetes.io/tls   2      60m'],
  },
  {
    name: 'namespaces (cluster-scoped: no NAMESPACE column even with -A)',
    resource: 'ns',
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } },
    ],
    opts: { namespaceColumn: true },
    want: ['NAME      STATUS        AGE', 'default   Active        60m', 'old       Terminating   60m'],
  },
  {
    name: 'leases',
    resource: 'leases',
    objects: [{ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('skiff-scheduler'), spec: { holderIdentity: 'host-1_abc' } }],
    want: ['NAME              HOLDER       AGE', 'skiff-scheduler   host-1_abc   60m'],
  },
  {
    name: 'priorityclasses (short name pc, cluster-scoped)',
    resource: 'pc',
    objects: [
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high', creationTimestamp: '2024-01-01T00:00:00Z' }, value: 1000, globalDefault: true, preemptionPolicy: 'Never' },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical', creationTimestamp: '2024-01-01T00:00:00Z' }, value: 2000001000 },
    ],
    opts: { namespaceColumn: true },
    want: [
      'NAME                   VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY',
      'high                   1000         true             60m   Never',
      'system-node-critical   2000001000   false            60m   PreemptLowerPriority',
    ],
  },
  {
    name: 'events',
    resource: 'events',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: meta('web-1.abc'),
        involvedObject: { kind: 'Pod', name: 'web-1' },
        type: 'Normal',
        reason: 'Scheduled',
        message: 'Successfully assigned default/web-1 to node-1',
        lastTimestamp: '2024-01-01T00:59:30Z',
      },
    ],
    want: ['LAST SEEN   TYPE     REASON      OBJECT      MESSAGE', '30s         Normal   Scheduled   pod/web-1   Successfully assigned default/web-1 to node-1'],
  },
  {
    name: 'no headers',
    resource: 'leases',
    objects: [{ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('l'), spec: {} }],
    opts: { noHeaders: true },
    want: ['l      60m'],
  },
];

for (const c of cases) {
  void test(`table: ${c.name}`, () => {
    const t = lookupResource(c.resource)!;
    const got = renderTable(t, c.objects, { now: NOW, ...c.opts }).text;
    assert.equal(got, c.want.map((l) => `${l}\n`).join(''));
  });
}
