// Valid seed manifests and a table of mutations that make them invalid under Kubernetes' rules, each
// with the status code and the field path the API must answer with. Used by fuzz.test.ts.
import type { KObject } from '@skiff/api';
import type { Rng } from './fuzz-rng.js';

export type SeedKind = 'ConfigMap' | 'Secret' | 'Namespace' | 'Pod' | 'Deployment' | 'ReplicaSet' | 'Service';
export const SEED_KINDS: readonly SeedKind[] = ['ConfigMap', 'Secret', 'Namespace', 'Pod', 'Deployment', 'ReplicaSet', 'Service'];
const POD_KINDS: readonly SeedKind[] = ['Pod', 'Deployment', 'ReplicaSet'];
const APPS_KINDS: readonly SeedKind[] = ['Deployment', 'ReplicaSet'];
const NAMESPACED: readonly SeedKind[] = SEED_KINDS.filter((k) => k !== 'Namespace');

// Mutations write anywhere in the manifest: loosely typed on purpose.
export type Manifest = Record<string, any>;

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function podSpec(): Manifest {
  return {
    containers: [
      {
        name: 'main',
        image: 'nginx:1.25',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'MODE', value: 'fuzz' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    restartPolicy: 'Always',
  };
}

/** A valid manifest of `kind` named `name` (a DNS-1035 label, valid for every kind). */
export function seed(kind: SeedKind, name: string): Manifest {
  const meta = { name, labels: { app: name, 'fuzz.skiff.dev/case': 'yes' }, annotations: { 'fuzz.skiff.dev/note': 'seed' } };
  switch (kind) {
    case 'ConfigMap':
      return { apiVersion: 'v1', kind, metadata: meta, data: { 'key.a': 'value a', KEY_B: 'b' }, binaryData: { bin: b64('\x00\x01\x02') } };
    case 'Secret':
      return { apiVersion: 'v1', kind, metadata: meta, type: 'Opaque', data: { password: b64('hunter2') }, stringData: { user: 'admin' } };
    case 'Namespace':
      return { apiVersion: 'v1', kind, metadata: meta, spec: { finalizers: ['kubernetes'] } };
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: meta, spec: podSpec() };
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata: meta,
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name, tier: 'web' } }, spec: podSpec() },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        },
      };
    case 'ReplicaSet':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata: meta,
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec() } },
      };
    case 'Service':
      return {
        apiVersion: 'v1',
        kind,
        metadata: meta,
        spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      };
  }
}

/** Valid random decoration (labels, annotations, data keys) so that no two cases look alike. */
export function addNoise(o: Manifest, r: Rng): void {
  const n = r.int(0, 3);
  for (let i = 0; i < n; i++) {
    const key = r.bool(0.3) ? `${r.str(r.int(1, 10), 'abcdefghij')}.example.com/${r.str(r.int(1, 20))}` : r.str(r.int(1, 30), 'abcdefghijklmnopqrstuvwxyz');
    o.metadata.labels[key] = r.str(r.int(0, 40));
    o.metadata.annotations[`note-${r.str(4)}`] = r.str(r.int(0, 200), 'abc xyz\n\t"\'{}é😀');
  }
  if (o.kind === 'ConfigMap' && r.bool()) o.data[`k-${r.str(5)}`] = r.str(r.int(0, 500), 'abc\n "\\é😀');
}

export type Expect = 'INVALID_ARGUMENT' | 'RESOURCE_EXHAUSTED' | 'INVALID_OR_TOO_LARGE';

export interface Mutation {
  id: string;
  kinds: readonly SeedKind[];
  /** Mutates the manifest in place; returns the field path the error must name (prefix match), if any. */
  apply(o: Manifest, r: Rng): string | undefined;
  expect: Expect;
  /** Structural errors: the client's codec refuses them before anything is sent. */
  clientSide?: boolean;
  /** Changes the object's identity (name, namespace): only for creates. */
  createOnly?: boolean;
  /** Megabytes of payload: picked rarely. */
  heavy?: boolean;
  area: 'meta' | 'spec' | 'structure' | 'size';
}

const ps = (o: Manifest): { spec: Manifest; path: string } =>
  o.kind === 'Pod' ? { spec: o.spec, path: 'spec' } : { spec: o.spec.template.spec, path: 'spec.template.spec' };
const c0 = (o: Manifest): { c: Manifest; path: string } => {
  const { spec, path } = ps(o);
  return { c: spec.containers[0], path: `${path}.containers[0]` };
};
const isLabelNamed = (k: string): boolean => k === 'Namespace' || k === 'Service';

function deep(depth: number, leaf: unknown): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const m = (x: Mutation): Mutation => x;

export const mutations: readonly Mutation[] = [
  // ---- metadata (every kind) ----
  m({ id: 'name-uppercase', kinds: SEED_KINDS, area: 'meta', createOnly: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.metadata.name = o.metadata.name.toUpperCase()), 'metadata.name') }),
  m({
    id: 'name-too-long',
    kinds: SEED_KINDS,
    area: 'meta',
    createOnly: true,
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.metadata.name = `${o.metadata.name}-${'a'.repeat(r.int(isLabelNamed(o.kind) ? 64 : 254, 400))}`), 'metadata.name'),
  }),
  m({
    id: 'name-bad-char',
    kinds: SEED_KINDS,
    area: 'meta',
    createOnly: true,
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => {
      const bad = r.pick(['_', ' ', '/', '%', ':', '@', '!', '*', 'é', '\u0000', '\n', '\\', '"', '😀', '\u202e']);
      const n: string = o.metadata.name;
      const at = r.int(1, n.length - 1);
      o.metadata.name = n.slice(0, at) + bad + n.slice(at);
      return 'metadata.name';
    },
  }),
  m({
    id: 'name-bad-edges',
    kinds: SEED_KINDS,
    area: 'meta',
    createOnly: true,
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.metadata.name = r.pick([`-${o.metadata.name}`, `${o.metadata.name}-`, `.${o.metadata.name}`, `${o.metadata.name}.`, '.', '..'])), 'metadata.name'),
  }),
  m({ id: 'name-missing', kinds: SEED_KINDS, area: 'meta', createOnly: true, expect: 'INVALID_ARGUMENT', apply: (o) => (delete o.metadata.name, 'metadata.name') }),
  m({
    id: 'generate-name-bad',
    kinds: SEED_KINDS,
    area: 'meta',
    createOnly: true,
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => {
      delete o.metadata.name;
      o.metadata.generateName = r.pick(['Bad_Prefix-', 'UPPER-', 'a b-', `${'x'.repeat(300)}-`]);
      return 'metadata.generateName';
    },
  }),
  m({
    id: 'namespace-bad',
    kinds: NAMESPACED,
    area: 'meta',
    createOnly: true,
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.metadata.namespace = r.pick(['Bad_NS', 'UPPER', 'a.b', '-ns', 'x'.repeat(64), 'ns/x'])), 'metadata.namespace'),
  }),
  m({
    id: 'label-key-bad',
    kinds: SEED_KINDS,
    area: 'meta',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => {
      const k = r.pick(['-abc', 'abc-', 'a b', 'a/b/c', '/abc', 'exa mple.com/x', 'x'.repeat(64), `${'a'.repeat(254)}/x`, 'é', 'abc/', 'a:b', '']);
      o.metadata.labels[k] = 'v';
      return 'metadata.labels';
    },
  }),
  m({
    id: 'label-value-bad',
    kinds: SEED_KINDS,
    area: 'meta',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.metadata.labels[`k${r.str(3)}`] = r.pick(['-x', 'x-', 'a b', 'x'.repeat(64), 'a/b', 'é', 'a:b', '_x'])), 'metadata.labels'),
  }),
  m({
    id: 'annotation-key-bad',
    kinds: SEED_KINDS,
    area: 'meta',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.metadata.annotations[r.pick(['a b', '-x', 'x'.repeat(64), 'a/b/c', '', 'é'])] = 'v'), 'metadata.annotations'),
  }),
  m({
    id: 'finalizer-bad',
    kinds: SEED_KINDS,
    area: 'meta',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.metadata.finalizers = [r.pick(['Bad Finalizer!', 'a/b/c', '-x', ''])]), 'metadata.finalizers[0]'),
  }),
  m({
    id: 'finalizers-orphan-and-foreground',
    kinds: SEED_KINDS,
    area: 'meta',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((o.metadata.finalizers = ['orphan', 'foregroundDeletion']), 'metadata.finalizers'),
  }),
  m({
    id: 'owner-ref-no-uid',
    kinds: SEED_KINDS,
    area: 'meta',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((o.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner' }]), 'metadata.ownerReferences[0].uid'),
  }),
  m({
    id: 'owner-ref-two-controllers',
    kinds: SEED_KINDS,
    area: 'meta',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => {
      o.metadata.ownerReferences = [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: '11111111-1111-1111-1111-111111111111', controller: true },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: '22222222-2222-2222-2222-222222222222', controller: true },
      ];
      return 'metadata.ownerReferences';
    },
  }),
  m({ id: 'api-version-bad', kinds: SEED_KINDS, area: 'meta', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.apiVersion = r.pick(['v2', 'apps/v2', 'nonsense/v1', 'V1', 'batch/v1'])), 'apiVersion') }),

  // ---- pod specs (Pod, and the templates of Deployment and ReplicaSet) ----
  m({ id: 'containers-empty', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((ps(o).spec.containers = []), `${ps(o).path}.containers`) }),
  m({ id: 'image-empty', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((c0(o).c.image = r.pick(['', '   '])), `${c0(o).path}.image`) }),
  m({ id: 'image-missing', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => (delete c0(o).c.image, `${c0(o).path}.image`) }),
  m({ id: 'image-whitespace', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((c0(o).c.image = r.pick([' nginx', 'nginx ', 'nginx\n'])), `${c0(o).path}.image`) }),
  m({ id: 'container-name-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((c0(o).c.name = r.pick(['Main_1', 'UPPER', 'a.b', 'x'.repeat(64), '-x'])), `${c0(o).path}.name`) }),
  m({ id: 'container-name-missing', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => (delete c0(o).c.name, `${c0(o).path}.name`) }),
  m({
    id: 'container-name-duplicate',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => (ps(o).spec.containers.push({ name: 'main', image: 'busybox:1.36' }), `${ps(o).path}.containers[1].name`),
  }),
  m({
    id: 'container-port-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((c0(o).c.ports[0].containerPort = r.pick([0, -1, 65536, 70000, 2147483647, -2147483648])), `${c0(o).path}.ports[0].containerPort`),
  }),
  m({ id: 'host-port-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((c0(o).c.ports[0].hostPort = r.pick([-5, 65536, 70000])), `${c0(o).path}.ports[0].hostPort`) }),
  m({ id: 'port-protocol-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((c0(o).c.ports[0].protocol = r.pick(['HTTP', 'tcp', 'ICMP', 'TCP '])), `${c0(o).path}.ports[0].protocol`) }),
  m({
    id: 'port-name-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((c0(o).c.ports[0].name = r.pick(['HTTP_PORT', 'a-very-long-port-name', '123', 'a--b', '-http'])), `${c0(o).path}.ports[0].name`),
  }),
  m({ id: 'restart-policy-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((ps(o).spec.restartPolicy = r.pick(['Sometimes', 'always', 'Forever'])), `${ps(o).path}.restartPolicy`) }),
  m({ id: 'restart-policy-not-always-in-template', kinds: APPS_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((ps(o).spec.restartPolicy = r.pick(['Never', 'OnFailure'])), `${ps(o).path}.restartPolicy`) }),
  m({ id: 'dns-policy-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((ps(o).spec.dnsPolicy = 'Maybe'), `${ps(o).path}.dnsPolicy`) }),
  m({ id: 'pull-policy-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((c0(o).c.imagePullPolicy = 'Sometimes'), `${c0(o).path}.imagePullPolicy`) }),
  m({
    id: 'quantity-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => {
      const which = r.pick(['limits', 'requests'] as const);
      const res = r.pick(['cpu', 'memory'] as const);
      c0(o).c.resources[which][res] = r.pick(['12XX', '1.2.3', 'abc', '', '1e', '--1', '0x10', '5 m', 'Mi', '1Ki1', '∞', '1e1000000']);
      return `${c0(o).path}.resources.${which}[${res}]`;
    },
  }),
  m({
    id: 'quantity-negative',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => {
      const res = r.pick(['cpu', 'memory'] as const);
      const q = r.pick(['-1', '-100m', '-1Gi', '-0.5']);
      c0(o).c.resources.requests[res] = q;
      c0(o).c.resources.limits[res] = q;
      return `${c0(o).path}.resources`;
    },
  }),
  m({
    id: 'request-over-limit',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => {
      c0(o).c.resources.requests.cpu = '2';
      c0(o).c.resources.limits.cpu = '1';
      return `${c0(o).path}.resources.requests[cpu]`;
    },
  }),
  m({ id: 'resource-name-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((c0(o).c.resources.limits[r.pick(['bogus', 'a b', 'CPU'])] = '1'), `${c0(o).path}.resources.limits`) }),
  m({ id: 'env-name-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((c0(o).c.env[0].name = r.pick(['', 'A=B', '=', 'X='])), `${c0(o).path}.env[0].name`) }),
  m({
    id: 'env-value-and-value-from',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((c0(o).c.env[0].valueFrom = { fieldRef: { fieldPath: 'metadata.name' } }), `${c0(o).path}.env[0].valueFrom`),
  }),
  m({ id: 'volume-mount-unknown', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((c0(o).c.volumeMounts[0].name = 'nope'), `${c0(o).path}.volumeMounts[0].name`) }),
  m({ id: 'volume-no-source', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => (ps(o).spec.volumes.push({ name: 'v2' }), `${ps(o).path}.volumes[1]`) }),
  m({ id: 'volume-name-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((ps(o).spec.volumes[0].name = 'Data_Vol'), `${ps(o).path}.volumes[0].name`) }),
  m({ id: 'grace-negative', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((ps(o).spec.terminationGracePeriodSeconds = -1), `${ps(o).path}.terminationGracePeriodSeconds`) }),
  m({ id: 'active-deadline-zero', kinds: ['Pod'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.activeDeadlineSeconds = r.pick([0, -3])), 'spec.activeDeadlineSeconds') }),
  m({ id: 'node-selector-bad', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((ps(o).spec.nodeSelector = { 'bad key': 'x' }), `${ps(o).path}.nodeSelector`) }),
  m({
    id: 'toleration-operator-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((ps(o).spec.tolerations = [{ key: 'k', operator: 'Maybe' }]), `${ps(o).path}.tolerations[0].operator`),
  }),
  m({
    id: 'toleration-effect-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((ps(o).spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'Sometimes' }]), `${ps(o).path}.tolerations[0].effect`),
  }),
  m({ id: 'probe-no-handler', kinds: POD_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((c0(o).c.livenessProbe = { periodSeconds: 10 }), `${c0(o).path}.livenessProbe`) }),
  m({
    id: 'probe-port-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((c0(o).c.readinessProbe = { httpGet: { path: '/', port: r.pick([0, 70000, 'Bad_Name']) } }), `${c0(o).path}.readinessProbe.httpGet.port`),
  }),
  m({
    id: 'host-alias-ip-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((ps(o).spec.hostAliases = [{ ip: '999.1.1.1', hostnames: ['a'] }]), `${ps(o).path}.hostAliases[0].ip`),
  }),
  m({
    id: 'dns-nameserver-bad',
    kinds: POD_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((ps(o).spec.dnsConfig = { nameservers: ['not-an-ip'] }), `${ps(o).path}.dnsConfig.nameservers[0]`),
  }),

  // ---- Deployment and ReplicaSet ----
  m({ id: 'replicas-negative', kinds: APPS_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.replicas = r.pick([-1, -100, -2147483648])), 'spec.replicas') }),
  m({ id: 'selector-mismatch', kinds: APPS_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.template.metadata.labels = { app: 'other' }), 'spec.template.metadata.labels') }),
  m({ id: 'selector-empty', kinds: APPS_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.selector = {}), 'spec.selector') }),
  m({ id: 'selector-missing', kinds: APPS_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => (delete o.spec.selector, 'spec.selector') }),
  m({
    id: 'selector-operator-bad',
    kinds: APPS_KINDS,
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((o.spec.selector.matchExpressions = [{ key: 'app', operator: 'Like', values: ['x'] }]), 'spec.selector.matchExpressions[0].operator'),
  }),
  m({ id: 'selector-label-bad', kinds: APPS_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.selector.matchLabels['bad key'] = 'x'), 'spec.selector') }),
  m({ id: 'min-ready-negative', kinds: APPS_KINDS, area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.minReadySeconds = -5), 'spec.minReadySeconds') }),
  m({ id: 'strategy-type-bad', kinds: ['Deployment'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.strategy = { type: 'Sideways' }), 'spec.strategy.type') }),
  m({
    id: 'max-unavailable-bad',
    kinds: ['Deployment'],
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.spec.strategy.rollingUpdate.maxUnavailable = r.pick(['150%', 'abc', -1, '-5%', '1.5%'])), 'spec.strategy.rollingUpdate.maxUnavailable'),
  }),
  m({ id: 'max-surge-bad', kinds: ['Deployment'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.strategy.rollingUpdate.maxSurge = r.pick(['x%', -2, '%'])), 'spec.strategy.rollingUpdate.maxSurge') }),
  m({
    id: 'surge-and-unavailable-zero',
    kinds: ['Deployment'],
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((o.spec.strategy.rollingUpdate = { maxUnavailable: 0, maxSurge: 0 }), 'spec.strategy.rollingUpdate.maxUnavailable'),
  }),
  m({
    id: 'recreate-with-rolling-update',
    kinds: ['Deployment'],
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((o.spec.strategy.type = 'Recreate'), 'spec.strategy.rollingUpdate'),
  }),
  m({ id: 'revision-history-negative', kinds: ['Deployment'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.revisionHistoryLimit = -1), 'spec.revisionHistoryLimit') }),
  m({
    id: 'progress-deadline-not-above-min-ready',
    kinds: ['Deployment'],
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((o.spec.minReadySeconds = 10), (o.spec.progressDeadlineSeconds = 5), 'spec.progressDeadlineSeconds'),
  }),

  // ---- Service ----
  m({ id: 'svc-name-not-dns1035', kinds: ['Service'], area: 'meta', createOnly: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.metadata.name = `1${o.metadata.name}`), 'metadata.name') }),
  m({ id: 'svc-type-bad', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.type = r.pick(['Foo', 'clusterip', 'Ingress'])), 'spec.type') }),
  m({ id: 'svc-port-bad', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.ports[0].port = r.pick([0, -1, 65536, 70000])), 'spec.ports[0].port') }),
  m({ id: 'svc-protocol-bad', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.ports[0].protocol = r.pick(['HTTP', 'udp', 'QUIC'])), 'spec.ports[0].protocol') }),
  m({
    id: 'svc-target-port-bad',
    kinds: ['Service'],
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.spec.ports[0].targetPort = r.pick([70000, -1, 'Bad_Name', 'this-name-is-too-long', '8080'])), 'spec.ports[0].targetPort'),
  }),
  m({ id: 'svc-node-port-on-cluster-ip', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.ports[0].nodePort = 30080), 'spec.ports[0].nodePort') }),
  m({
    id: 'svc-node-port-out-of-range',
    kinds: ['Service'],
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.spec.type = 'NodePort'), (o.spec.ports[0].nodePort = r.pick([70000, -1])), 'spec.ports[0].nodePort'),
  }),
  m({ id: 'svc-second-port-unnamed', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => (o.spec.ports.push({ port: 443, protocol: 'TCP' }), 'spec.ports[1].name') }),
  m({ id: 'svc-duplicate-port', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => (o.spec.ports.push({ name: 'again', port: 80, protocol: 'TCP' }), 'spec.ports[1]') }),
  m({ id: 'svc-cluster-ip-bad', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.clusterIP = r.pick(['not-an-ip', '10.0.0.300', '10.96.0'])), 'spec.clusterIP') }),
  m({ id: 'svc-session-affinity-bad', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.sessionAffinity = 'Sticky'), 'spec.sessionAffinity') }),
  m({
    id: 'svc-external-traffic-policy-on-cluster-ip',
    kinds: ['Service'],
    area: 'spec',
    expect: 'INVALID_ARGUMENT',
    apply: (o) => ((o.spec.externalTrafficPolicy = 'Local'), 'spec.externalTrafficPolicy'),
  }),
  m({ id: 'svc-no-ports', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.ports = []), 'spec.ports') }),
  m({ id: 'svc-selector-bad', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.selector = { app: 'bad value!' }), 'spec.selector') }),
  m({ id: 'svc-external-name-missing', kinds: ['Service'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec = { type: 'ExternalName' }), 'spec.externalName') }),

  // ---- ConfigMap, Secret, Namespace ----
  m({ id: 'cm-data-key-bad', kinds: ['ConfigMap'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.data[r.pick(['bad key!', 'a/b', '..x', '.', ''])] = 'v'), 'data') }),
  m({ id: 'cm-binary-key-bad', kinds: ['ConfigMap'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.binaryData['bad/key'] = 'AAAA'), 'binaryData') }),
  m({ id: 'cm-binary-duplicates-data', kinds: ['ConfigMap'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.binaryData['key.a'] = 'AAAA'), 'data[key.a]') }),
  m({ id: 'secret-data-key-bad', kinds: ['Secret'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.data['bad key!'] = 'AAAA'), 'data') }),
  m({ id: 'secret-tls-without-cert', kinds: ['Secret'], area: 'spec', createOnly: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.type = 'kubernetes.io/tls'), 'data[tls.crt]') }),
  m({ id: 'secret-basic-auth-empty', kinds: ['Secret'], area: 'spec', createOnly: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.type = 'kubernetes.io/basic-auth'), (o.data = {}), (o.stringData = {}), 'data[username]') }),
  m({ id: 'ns-name-with-dot', kinds: ['Namespace'], area: 'meta', createOnly: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.metadata.name = `${o.metadata.name}.x`), 'metadata.name') }),
  m({ id: 'ns-finalizer-bad', kinds: ['Namespace'], area: 'spec', expect: 'INVALID_ARGUMENT', apply: (o) => ((o.spec.finalizers = ['Bad Finalizer!']), 'spec.finalizers[0]') }),

  // ---- sizes ----
  m({
    id: 'annotations-over-256k',
    kinds: SEED_KINDS,
    area: 'size',
    heavy: true,
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((o.metadata.annotations['big'] = 'x'.repeat(r.int(300_000, 400_000))), 'metadata.annotations'),
  }),
  m({ id: 'cm-data-over-1mib', kinds: ['ConfigMap'], area: 'size', heavy: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.data.big = 'x'.repeat(r.int(1_100_000, 1_200_000))), 'data') }),
  m({ id: 'cm-data-2mb', kinds: ['ConfigMap'], area: 'size', heavy: true, expect: 'INVALID_OR_TOO_LARGE', apply: (o) => ((o.data.big = 'y'.repeat(2_000_000)), 'data') }),
  m({ id: 'secret-data-over-1mib', kinds: ['Secret'], area: 'size', heavy: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.stringData.big = 'z'.repeat(1_100_000)), 'data') }),
  m({
    id: 'object-over-1.5mib',
    kinds: POD_KINDS,
    area: 'size',
    heavy: true,
    expect: 'RESOURCE_EXHAUSTED',
    apply: (o, r) => {
      // Every field valid, the whole larger than the 1.5 MiB object limit: env values have no size rule.
      const c = c0(o).c;
      for (let i = 0; i < 18; i++) c.env.push({ name: `BIG_${i}`, value: r.str(1, 'abc').repeat(100_000) });
      return undefined;
    },
  }),
  m({ id: 'message-over-4mib', kinds: SEED_KINDS, area: 'size', heavy: true, expect: 'RESOURCE_EXHAUSTED', apply: (o) => ((o.metadata.annotations['huge'] = 'h'.repeat(5 * 1024 * 1024)), undefined) }),
  m({ id: 'huge-name', kinds: SEED_KINDS, area: 'size', heavy: true, createOnly: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.metadata.name = 'n'.repeat(1_000_000)), 'metadata.name') }),
  m({ id: 'huge-label-value', kinds: SEED_KINDS, area: 'size', heavy: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.metadata.labels.big = 'v'.repeat(100_000)), 'metadata.labels') }),

  // ---- structure: wrong types, unknown fields, deep nesting (refused by the client's codec) ----
  m({ id: 'wrong-type-replicas', kinds: APPS_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.replicas = r.pick(['three', true, 1.5, NaN, Infinity, 2 ** 53, {}, []])), 'spec.replicas') }),
  m({ id: 'wrong-type-name', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.metadata.name = r.pick([42, true, ['a'], { a: 1 }])), 'metadata.name') }),
  m({ id: 'wrong-type-labels', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.metadata.labels = r.pick([['a'], 'a=b', 5])), 'metadata.labels') }),
  m({ id: 'wrong-type-label-value', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.metadata.labels.x = r.pick([5, false, { a: 'b' }, ['v']])), 'metadata.labels[x]') }),
  m({ id: 'wrong-type-metadata', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.metadata = r.pick(['meta', 7, [o.metadata]])), 'metadata') }),
  m({ id: 'wrong-type-containers', kinds: POD_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((ps(o).spec.containers = { name: 'x', image: 'y' }), `${ps(o).path}.containers`) }),
  m({ id: 'null-container', kinds: POD_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((ps(o).spec.containers = [null]), `${ps(o).path}.containers[0]`) }),
  m({
    id: 'wrong-type-port',
    kinds: POD_KINDS,
    area: 'structure',
    clientSide: true,
    expect: 'INVALID_ARGUMENT',
    apply: (o, r) => ((c0(o).c.ports[0].containerPort = r.pick([80.5, '80', 2 ** 40, -(2 ** 40), NaN])), `${c0(o).path}.ports[0].containerPort`),
  }),
  m({ id: 'wrong-type-target-port', kinds: ['Service'], area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.spec.ports[0].targetPort = r.pick([true, 1.5, { port: 1 }, 2 ** 33])), 'spec.ports[0].targetPort') }),
  m({ id: 'wrong-type-immutable', kinds: ['ConfigMap'], area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.immutable = r.pick(['yes', 1, {}])), 'immutable') }),
  m({ id: 'wrong-type-data', kinds: ['ConfigMap'], area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.data = r.pick(['text', 5, ['a']])), 'data') }),
  m({ id: 'binary-data-not-base64', kinds: ['ConfigMap'], area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.binaryData.bin = 'not base64!!'), 'binaryData[bin]') }),
  m({ id: 'secret-data-not-base64', kinds: ['Secret'], area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.data.password = '%%%'), 'data[password]') }),
  m({ id: 'unknown-field-top', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o[r.pick(['specc', 'Spec', 'stauts', '__proto_x'])] = {}), undefined) }),
  m({ id: 'unknown-field-meta', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((o.metadata.nmae = 'x'), 'metadata.nmae') }),
  m({ id: 'unknown-field-container', kinds: POD_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o) => ((c0(o).c.imagee = 'x'), `${c0(o).path}.imagee`) }),
  m({ id: 'deep-nesting-unknown', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.metadata.extra = deep(r.int(1000, 20_000), 'x')), 'metadata.extra') }),
  m({ id: 'deep-nesting-in-map', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.metadata.annotations.deep = deep(r.int(1000, 20_000), 'x')), 'metadata.annotations[deep]') }),
  m({ id: 'kind-unknown', kinds: SEED_KINDS, area: 'structure', clientSide: true, expect: 'INVALID_ARGUMENT', apply: (o, r) => ((o.kind = r.pick(['Widget', '', 'pod', 'Pods'])), 'kind') }),
];

/** Whether the error's field list names `path` (or a field under it). */
export function namesField(fields: readonly { field: string }[], path: string): boolean {
  return fields.some((f) => f.field === path || f.field.startsWith(`${path}.`) || f.field.startsWith(`${path}[`));
}

/** The manifest as a KObject (for the typed client). */
export const asObject = (o: Manifest): KObject => o as KObject;
