import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../errors.js';
import type { KObject } from '../object.js';
import { applyDefaults } from '../defaults/index.js';
import { validateObject } from './index.js';

type Mut = (o: any) => void;

function deployment(name = 'my-app', port = 3000): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: name, ports: [{ containerPort: port }] }] } },
    },
  };
}
function service(name = 'my-app', target = 3000): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ protocol: 'TCP', port: 80, targetPort: target }] } };
}
function pod(): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } };
}
function replicaSet(): KObject {
  const d = deployment('rs');
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { replicas: 1, selector: (d.spec as any).selector, template: (d.spec as any).template } };
}
const base: Record<string, () => KObject> = {
  Deployment: () => deployment(),
  Service: () => service(),
  Pod: pod,
  ReplicaSet: replicaSet,
  ConfigMap: () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { 'app.properties': 'a=b' } }),
  Secret: () => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'cGFzcw==' } }),
  Namespace: () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }),
  Node: () => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } }),
  Event: () => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'p.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Scheduled' }),
  Lease: () => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-11-26T07:00:00.123456Z' } }),
  Endpoints: () => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'my-app' },
    subsets: [{ addresses: [{ ip: '10.244.1.5', targetRef: { kind: 'Pod', name: 'p' } }], ports: [{ port: 3000 }] }],
  }),
};

function run(kind: string, mut?: Mut, oldMut?: Mut): string[] {
  const obj = base[kind]();
  applyDefaults(obj);
  let old: KObject | undefined;
  if (oldMut) {
    old = structuredClone(obj);
    oldMut(old);
  }
  mut?.(obj);
  return validateObject(obj, old).map(formatFieldError);
}

void test('validation: the seed manifests validate clean after defaulting', () => {
  for (const [name, port] of [['my-app', 3000], ['my-flask', 5000]] as const) {
    for (const o of [deployment(name, port), service(name, port)]) {
      applyDefaults(o);
      assert.deepEqual(validateObject(o), [], `${o.kind} ${name}`);
    }
  }
});

for (const kind of Object.keys(base)) {
  void test(`validation: valid ${kind}`, () => assert.deepEqual(run(kind), []));
}

// Each case: the errors must include every `want` prefix (field path + error type).
const cases: { name: string; kind: string; mut?: Mut; old?: Mut; want: string[] }[] = [
  // apiVersion / metadata
  { name: 'legacy deployment apiVersion', kind: 'Deployment', mut: (o) => (o.apiVersion = 'v1'), want: ['apiVersion: Unsupported value: "v1"'] },
  { name: 'name required', kind: 'Pod', mut: (o) => delete o.metadata.name, want: ['metadata.name: Required value'] },
  { name: 'generateName ok', kind: 'Pod', mut: (o) => { delete o.metadata.name; o.metadata.generateName = 'web-'; }, want: [] },
  { name: 'bad name', kind: 'Pod', mut: (o) => (o.metadata.name = 'My_Pod'), want: ['metadata.name: Invalid value: "My_Pod": a lowercase RFC 1123 subdomain'] },
  { name: 'namespace name is a label', kind: 'Namespace', mut: (o) => (o.metadata.name = 'a.b'), want: ['metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label'] },
  { name: 'service name is dns-1035', kind: 'Service', mut: (o) => (o.metadata.name = '1svc'), want: ['metadata.name: Invalid value: "1svc": a DNS-1035 label'] },
  { name: 'namespace on cluster-scoped', kind: 'Node', mut: (o) => (o.metadata.namespace = 'x'), want: ['metadata.namespace: Forbidden'] },
  { name: 'bad label key and value', kind: 'Pod', mut: (o) => (o.metadata.labels = { 'a b': 'x', ok: 'not ok' }), want: ['metadata.labels: Invalid value: "a b"', 'metadata.labels: Invalid value: "not ok"'] },
  { name: 'annotations too large', kind: 'ConfigMap', mut: (o) => (o.metadata.annotations = { big: 'x'.repeat(256 * 1024) }), want: ['metadata.annotations: Too long'] },
  { name: 'bad finalizer', kind: 'Pod', mut: (o) => (o.metadata.finalizers = ['a/b/c']), want: ['metadata.finalizers[0]: Invalid value'] },
  {
    name: 'owner reference fields required',
    kind: 'Pod',
    mut: (o) => (o.metadata.ownerReferences = [{ kind: 'ReplicaSet' }]),
    want: ['metadata.ownerReferences[0].apiVersion: Invalid value', 'metadata.ownerReferences[0].name: Invalid value', 'metadata.ownerReferences[0].uid: Invalid value'],
  },
  {
    name: 'two controllers',
    kind: 'Pod',
    mut: (o) =>
      (o.metadata.ownerReferences = [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      ]),
    want: ['metadata.ownerReferences: Invalid value'],
  },
  { name: 'name immutable', kind: 'ConfigMap', mut: (o) => (o.metadata.name = 'other'), old: () => {}, want: ['metadata.name: Invalid value: "other": field is immutable'] },
  { name: 'uid immutable', kind: 'ConfigMap', mut: (o) => (o.metadata.uid = 'u2'), old: (o) => (o.metadata.uid = 'u1'), want: ['metadata.uid: Invalid value: "u2": field is immutable'] },
  // pods
  { name: 'no containers', kind: 'Pod', mut: (o) => (o.spec.containers = []), want: ['spec.containers: Required value'] },
  { name: 'image required', kind: 'Pod', mut: (o) => delete o.spec.containers[0].image, want: ['spec.containers[0].image: Required value'] },
  {
    name: 'duplicate container names',
    kind: 'Pod',
    mut: (o) => o.spec.containers.push({ ...o.spec.containers[0] }),
    want: ['spec.containers[1].name: Duplicate value: "c"'],
  },
  { name: 'bad restartPolicy', kind: 'Pod', mut: (o) => (o.spec.restartPolicy = 'Sometimes'), want: ['spec.restartPolicy: Unsupported value: "Sometimes"'] },
  { name: 'bad dnsPolicy', kind: 'Pod', mut: (o) => (o.spec.dnsPolicy = 'Google'), want: ['spec.dnsPolicy: Unsupported value: "Google"'] },
  { name: 'negative grace period', kind: 'Pod', mut: (o) => (o.spec.terminationGracePeriodSeconds = -1), want: ['spec.terminationGracePeriodSeconds: Invalid value: -1'] },
  {
    name: 'ports',
    kind: 'Pod',
    mut: (o) =>
      (o.spec.containers[0].ports = [
        { name: 'http', containerPort: 0, protocol: 'TCP' },
        { name: 'http', containerPort: 70000, protocol: 'ICMP' },
      ]),
    want: ['spec.containers[0].ports[0].containerPort: Required value', 'spec.containers[0].ports[1].name: Duplicate value: "http"', 'spec.containers[0].ports[1].containerPort: Invalid value: 70000', 'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP"'],
  },
  { name: 'env var name', kind: 'Pod', mut: (o) => (o.spec.containers[0].env = [{ name: '1BAD', value: 'x' }]), want: ['spec.containers[0].env[0].name: Invalid value: "1BAD"'] },
  {
    name: 'env valueFrom with value',
    kind: 'Pod',
    mut: (o) => (o.spec.containers[0].env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]),
    want: ['spec.containers[0].env[0].valueFrom: Invalid value'],
  },
  {
    name: 'resources',
    kind: 'Pod',
    mut: (o) => (o.spec.containers[0].resources = { limits: { cpu: '1', memory: 'lots' }, requests: { cpu: '2' } }),
    want: ['spec.containers[0].resources.limits[memory]: Invalid value: "lots"', 'spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1'],
  },
  { name: 'negative quantity', kind: 'Pod', mut: (o) => (o.spec.containers[0].resources = { requests: { cpu: '-1' } }), want: ['spec.containers[0].resources.requests[cpu]: Invalid value: "-1"'] },
  {
    name: 'volumes',
    kind: 'Pod',
    mut: (o) => {
      o.spec.volumes = [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }, { name: 'none' }];
      o.spec.containers[0].volumeMounts = [{ name: 'missing', mountPath: '/data' }];
    },
    want: ['spec.volumes[1].name: Duplicate value: "v"', 'spec.volumes[2]: Required value', 'spec.containers[0].volumeMounts[0].name: Invalid value: "missing"'],
  },
  {
    name: 'projected volumes and subPathExpr',
    kind: 'Pod',
    mut: (o) => {
      o.spec.volumes = [
        {
          name: 'all',
          projected: {
            sources: [
              { configMap: { name: 'a', items: [{ key: 'k', path: 'same' }] } },
              { secret: { name: 's', items: [{ key: 'k', path: 'same' }] } },
              { configMap: { items: [] }, downwardAPI: { items: [] } },
            ],
          },
        },
      ];
      o.spec.containers[0].volumeMounts = [
        { name: 'all', mountPath: '/a', subPath: 'x', subPathExpr: '$(POD)' },
        { name: 'all', mountPath: '/b', subPathExpr: '/abs', mountPropagation: 'Sideways' },
      ];
    },
    want: [
      'spec.volumes[0].projected.sources[1].secret.items[0].path: Invalid value: "same": conflicting duplicate paths',
      'spec.volumes[0].projected.sources[2]: Forbidden',
      'spec.volumes[0].projected.sources[2].configMap.name: Required value',
      'spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: "$(POD)": subPathExpr and subPath are mutually exclusive',
      'spec.containers[0].volumeMounts[1].subPathExpr: Invalid value: "/abs"',
      'spec.containers[0].volumeMounts[1].mountPropagation: Unsupported value: "Sideways"',
    ],
  },
  {
    name: 'probe handlers',
    kind: 'Pod',
    mut: (o) => {
      o.spec.containers[0].livenessProbe = { periodSeconds: 10 };
      o.spec.containers[0].readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } };
    },
    want: ['spec.containers[0].livenessProbe: Required value: must specify a handler type', 'spec.containers[0].readinessProbe.tcpSocket: Forbidden'],
  },
  { name: 'probe named port', kind: 'Pod', mut: (o) => (o.spec.containers[0].livenessProbe = { httpGet: { port: 'Not_A_Name' } }), want: ['spec.containers[0].livenessProbe.httpGet.port: Invalid value'] },
  { name: 'grpc probe', kind: 'Pod', mut: (o) => (o.spec.containers[0].readinessProbe = { grpc: { port: 9000, service: 'my.Service' } }), want: [] },
  {
    name: 'grpc probe port and handler count',
    kind: 'Pod',
    mut: (o) => {
      o.spec.containers[0].livenessProbe = { grpc: { port: 0 } };
      o.spec.containers[0].readinessProbe = { grpc: { port: 65536 } };
      o.spec.containers[0].startupProbe = { tcpSocket: { port: 80 }, grpc: { port: 80 } };
    },
    want: [
      'spec.containers[0].livenessProbe.grpc.port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.containers[0].readinessProbe.grpc.port: Invalid value: 65536',
      'spec.containers[0].startupProbe.grpc: Forbidden: may not specify more than 1 handler type',
    ],
  },
  { name: 'grpc probe port is a number', kind: 'Pod', mut: (o) => (o.spec.containers[0].livenessProbe = { grpc: { port: 'grpc' } }), want: ['spec.containers[0].livenessProbe.grpc.port: Invalid value: "grpc": must be an integer'] },
  {
    name: 'tolerations',
    kind: 'Pod',
    mut: (o) =>
      (o.spec.tolerations = [
        { key: 'a', operator: 'Maybe' },
        { key: 'b', operator: 'Exists', value: 'x' },
        { key: 'c', effect: 'Sometimes' },
        { operator: 'Equal', value: 'x' },
      ]),
    want: ['spec.tolerations[0].operator: Unsupported value: "Maybe"', 'spec.tolerations[1].operator: Invalid value', 'spec.tolerations[2].effect: Unsupported value', 'spec.tolerations[3].operator: Invalid value'],
  },
  { name: 'nodeSelector syntax', kind: 'Pod', mut: (o) => (o.spec.nodeSelector = { 'bad key': 'v' }), want: ['spec.nodeSelector: Invalid value: "bad key"'] },
  { name: 'pod spec immutable', kind: 'Pod', mut: (o) => (o.spec.containers[0].name = 'd'), old: () => {}, want: ['spec: Forbidden: pod updates may not change fields'] },
  { name: 'pod image may change', kind: 'Pod', mut: (o) => (o.spec.containers[0].image = 'nginx:1.26'), old: () => {}, want: [] },
  { name: 'pod tolerations may be added', kind: 'Pod', mut: (o) => (o.spec.tolerations = [{ key: 'a', operator: 'Exists' }]), old: () => {}, want: [] },
  { name: 'pod tolerations may not be removed', kind: 'Pod', mut: (o) => (o.spec.tolerations = []), old: (o) => (o.spec.tolerations = [{ key: 'a', operator: 'Exists' }]), want: ['spec.tolerations: Forbidden'] },
  { name: 'activeDeadlineSeconds may be lowered', kind: 'Pod', mut: (o) => (o.spec.activeDeadlineSeconds = 10), old: (o) => (o.spec.activeDeadlineSeconds = 20), want: [] },
  { name: 'activeDeadlineSeconds may not rise', kind: 'Pod', mut: (o) => (o.spec.activeDeadlineSeconds = 30), old: (o) => (o.spec.activeDeadlineSeconds = 20), want: ['spec.activeDeadlineSeconds: Invalid value: 30'] },
  // deployments and replicasets
  {
    name: 'selector does not match template',
    kind: 'Deployment',
    mut: (o) => (o.spec.template.metadata.labels = { app: 'other' }),
    want: ['spec.template.metadata.labels: Invalid value: {"app":"other"}: selector does not match template labels'],
  },
  { name: 'selector required', kind: 'Deployment', mut: (o) => delete o.spec.selector, want: ['spec.selector: Required value'] },
  { name: 'selector empty', kind: 'Deployment', mut: (o) => (o.spec.selector = {}), want: ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'] },
  { name: 'negative replicas', kind: 'Deployment', mut: (o) => (o.spec.replicas = -1), want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'strategy type', kind: 'Deployment', mut: (o) => (o.spec.strategy = { type: 'BlueGreen' }), want: ['spec.strategy.type: Unsupported value: "BlueGreen"'] },
  {
    name: 'maxSurge and maxUnavailable both 0',
    kind: 'Deployment',
    mut: (o) => (o.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: '0%' }),
    want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
  },
  { name: 'maxUnavailable over 100%', kind: 'Deployment', mut: (o) => (o.spec.strategy.rollingUpdate.maxUnavailable = '150%'), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%"'] },
  { name: 'template restartPolicy', kind: 'Deployment', mut: (o) => (o.spec.template.spec.restartPolicy = 'OnFailure'), want: ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure"'] },
  {
    name: 'template container port path',
    kind: 'Deployment',
    mut: (o) => o.spec.template.spec.containers[0].ports.push({ containerPort: 99999, protocol: 'TCP' }),
    want: ['spec.template.spec.containers[0].ports[1].containerPort: Invalid value: 99999'],
  },
  {
    name: 'deployment selector immutable',
    kind: 'Deployment',
    mut: (o) => {
      o.spec.selector = { matchLabels: { app: 'my-app', v: '2' } };
      o.spec.template.metadata.labels.v = '2';
    },
    old: () => {},
    want: ['spec.selector: Invalid value'],
  },
  { name: 'replicaset selector immutable', kind: 'ReplicaSet', mut: (o) => (o.spec.selector = { matchLabels: { app: 'rs', x: 'y' } }), old: () => {}, want: ['spec.selector: Invalid value'] },
  { name: 'replicaset selector mismatch', kind: 'ReplicaSet', mut: (o) => (o.spec.template.metadata.labels = {}), want: ['spec.template.metadata.labels: Invalid value'] },
  // services
  { name: 'ports required', kind: 'Service', mut: (o) => (o.spec.ports = []), want: ['spec.ports: Required value'] },
  { name: 'headless without ports', kind: 'Service', mut: (o) => { o.spec.ports = []; o.spec.clusterIP = 'None'; }, want: [] },
  { name: 'external name', kind: 'Service', mut: (o) => { o.spec = { type: 'ExternalName', externalName: 'example.com' }; }, want: [] },
  { name: 'external name required', kind: 'Service', mut: (o) => { o.spec.type = 'ExternalName'; }, want: ['spec.externalName: Required value'] },
  { name: 'service type', kind: 'Service', mut: (o) => (o.spec.type = 'Magic'), want: ['spec.type: Unsupported value: "Magic"'] },
  {
    name: 'multiple ports need names',
    kind: 'Service',
    mut: (o) => o.spec.ports.push({ port: 443, protocol: 'TCP', targetPort: 'https' }),
    want: ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
  },
  {
    name: 'duplicate port names',
    kind: 'Service',
    mut: (o) => {
      o.spec.ports[0].name = 'web';
      o.spec.ports.push({ name: 'web', port: 443, protocol: 'TCP', targetPort: 443 });
    },
    want: ['spec.ports[1].name: Duplicate value: "web"'],
  },
  { name: 'bad targetPort name', kind: 'Service', mut: (o) => (o.spec.ports[0].targetPort = 'HTTP_PORT'), want: ['spec.ports[0].targetPort: Invalid value: "HTTP_PORT"'] },
  { name: 'service port range', kind: 'Service', mut: (o) => (o.spec.ports[0].port = 65536), want: ['spec.ports[0].port: Invalid value: 65536'] },
  { name: 'nodePort on ClusterIP', kind: 'Service', mut: (o) => (o.spec.ports[0].nodePort = 30080), want: ['spec.ports[0].nodePort: Forbidden'] },
  { name: 'nodePort on NodePort', kind: 'Service', mut: (o) => { o.spec.type = 'NodePort'; o.spec.ports[0].nodePort = 30080; o.spec.externalTrafficPolicy = 'Cluster'; }, want: [] },
  { name: 'sessionAffinity', kind: 'Service', mut: (o) => (o.spec.sessionAffinity = 'Sticky'), want: ['spec.sessionAffinity: Unsupported value: "Sticky"'] },
  { name: 'clusterIP syntax', kind: 'Service', mut: (o) => (o.spec.clusterIP = '10.0.0'), want: ['spec.clusterIP: Invalid value: "10.0.0"'] },
  { name: 'clusterIP immutable', kind: 'Service', mut: (o) => (o.spec.clusterIP = '10.96.0.11'), old: (o) => (o.spec.clusterIP = '10.96.0.10'), want: ['spec.clusterIP: Invalid value: "10.96.0.11": field is immutable'] },
  { name: 'clusterIP same value', kind: 'Service', mut: (o) => (o.spec.clusterIP = '10.96.0.10'), old: (o) => (o.spec.clusterIP = '10.96.0.10'), want: [] },
  // configmaps and secrets
  { name: 'configmap key', kind: 'ConfigMap', mut: (o) => (o.data = { 'a/b': 'x' }), want: ['data[a/b]: Invalid value: "a/b"'] },
  { name: 'configmap too large', kind: 'ConfigMap', mut: (o) => (o.data = { a: 'x'.repeat(1024 * 1024 + 1) }), want: ['data: Too long'] },
  { name: 'configmap immutable', kind: 'ConfigMap', mut: (o) => (o.data = { x: 'y' }), old: (o) => (o.immutable = true), want: ['data: Forbidden'] },
  { name: 'secret type required keys', kind: 'Secret', mut: (o) => (o.type = 'kubernetes.io/tls'), want: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'] },
  { name: 'secret immutable', kind: 'Secret', mut: (o) => (o.data = { password: 'eA==' }), old: (o) => (o.immutable = true), want: ['data: Forbidden'] },
  { name: 'secret type immutable', kind: 'Secret', mut: (o) => (o.type = 'other'), old: () => {}, want: ['type: Invalid value: "other": field is immutable'] },
  // events, leases, nodes, namespaces, endpoints
  { name: 'event involvedObject required', kind: 'Event', mut: (o) => delete o.involvedObject, want: ['involvedObject: Required value'] },
  { name: 'event type', kind: 'Event', mut: (o) => (o.type = 'Info'), want: ['type: Unsupported value: "Info"'] },
  { name: 'event namespace mismatch', kind: 'Event', mut: (o) => (o.involvedObject.namespace = 'other'), want: ['involvedObject.namespace: Invalid value'] },
  { name: 'lease duration', kind: 'Lease', mut: (o) => (o.spec.leaseDurationSeconds = 0), want: ['spec.leaseDurationSeconds: Invalid value: 0'] },
  { name: 'lease time', kind: 'Lease', mut: (o) => (o.spec.renewTime = 'yesterday'), want: ['spec.renewTime: Invalid value'] },
  { name: 'node podCIDR', kind: 'Node', mut: (o) => (o.spec.podCIDR = '10.244.1.0/33'), want: ['spec.podCIDR: Invalid value: "10.244.1.0/33"'] },
  { name: 'node podCIDR immutable', kind: 'Node', mut: (o) => (o.spec.podCIDR = '10.244.2.0/24'), old: () => {}, want: ['spec.podCIDR: Forbidden'] },
  { name: 'node podCIDR may be set', kind: 'Node', mut: (o) => (o.spec.podCIDR = '10.244.2.0/24'), old: (o) => delete o.spec.podCIDR, want: [] },
  {
    name: 'node taints',
    kind: 'Node',
    mut: (o) => (o.spec.taints = [{ key: 'a', effect: 'Never' }, { effect: 'NoSchedule' }, { key: 'b', effect: 'NoSchedule' }, { key: 'b', effect: 'NoSchedule' }]),
    want: ['spec.taints[0].effect: Unsupported value: "Never"', 'spec.taints[1].key: Required value', 'spec.taints[3]: Duplicate value'],
  },
  { name: 'node capacity quantity', kind: 'Node', mut: (o) => (o.status.capacity.cpu = 'four'), want: ['status.capacity[cpu]: Invalid value: "four"'] },
  { name: 'namespace finalizer', kind: 'Namespace', mut: (o) => (o.spec = { finalizers: ['a b'] }), want: ['spec.finalizers[0]: Invalid value'] },
  { name: 'endpoints ip', kind: 'Endpoints', mut: (o) => (o.subsets[0].addresses[0].ip = 'x'), want: ['subsets[0].addresses[0].ip: Invalid value: "x"'] },
  { name: 'endpoints port', kind: 'Endpoints', mut: (o) => (o.subsets[0].ports[0].port = 0), want: ['subsets[0].ports[0].port: Invalid value: 0'] },
];

for (const c of cases) {
  void test(`validation: ${c.kind}: ${c.name}`, () => {
    const got = run(c.kind, c.mut, c.old);
    if (c.want.length === 0) assert.deepEqual(got, []);
    for (const w of c.want) assert.ok(got.some((g) => g.startsWith(w)), `want ${w}\n got:\n  ${got.join('\n  ')}`);
  });
}

void test('validation: every violation is reported', () => {
  const got = run('Deployment', (o) => {
    o.spec.replicas = -1;
    o.metadata.labels = { 'a b': 'c' };
    o.spec.template.spec.containers[0].image = '';
    o.spec.template.spec.containers[0].ports[0].containerPort = 0;
  });
  assert.equal(got.length, 4, got.join('\n'));
});

void test('validation: unknown kind', () => {
  const got = validateObject({ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }).map(formatFieldError);
  assert.ok(got[0].startsWith('kind: Unsupported value: "Widget"'));
});
