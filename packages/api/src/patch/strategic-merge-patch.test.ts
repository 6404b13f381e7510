import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { applyStrategicMergePatch, supportsStrategicMergePatch } from './strategic-merge-patch.js';
import { mergeKeysByKind } from './merge-keys.js';
import { resourceTypes } from '../registry.js';

type Case = { name: string; kind: string; original: unknown; patch: unknown; want: unknown };

const nginx = { name: 'nginx', image: 'nginx-1.0' };
const pod = (spec: unknown, extra: Record<string, unknown> = {}) => ({ kind: 'Pod', metadata: { name: 'p' }, spec, ...extra });
const deploy = (podSpec: unknown, extra: Record<string, unknown> = {}) => ({
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { replicas: 2, template: { metadata: { labels: { app: 'a' } }, spec: podSpec }, ...extra },
});

const cases: Case[] = [
  // Kubernetes' documented examples (kubectl patch task; strategic-merge-patch.md).
  {
    name: 'k8s docs: a container added to a Deployment merges by name',
    kind: 'Deployment',
    original: deploy({ containers: [{ name: 'patch-demo-ctr', image: 'nginx' }] }),
    patch: { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } },
    want: deploy({ containers: [{ name: 'patch-demo-ctr', image: 'nginx' }, { name: 'patch-demo-ctr-2', image: 'redis' }] }),
  },
  {
    name: 'k8s docs: tolerations have no patch strategy, the list is replaced',
    kind: 'Deployment',
    original: deploy({ containers: [nginx], tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }] }),
    patch: { spec: { template: { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } } } },
    want: deploy({ containers: [nginx], tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] }),
  },
  {
    name: 'k8s docs: $retainKeys on the Deployment strategy clears rollingUpdate',
    kind: 'Deployment',
    original: deploy({ containers: [nginx] }, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    want: deploy({ containers: [nginx] }, { strategy: { type: 'Recreate' } }),
  },
  {
    name: 'k8s docs: the log-tailer container is added to the pod',
    kind: 'Pod',
    original: pod({ containers: [nginx] }),
    patch: { spec: { containers: [{ name: 'log-tailer', image: 'log-tailer-1.0' }] } },
    want: pod({ containers: [nginx, { name: 'log-tailer', image: 'log-tailer-1.0' }] }),
  },
  {
    name: 'k8s docs: $patch: replace as a list element replaces the list',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }),
    patch: { spec: { containers: [nginx, { $patch: 'replace' }] } },
    want: pod({ containers: [nginx] }),
  },
  {
    name: 'k8s docs: $patch: replace on a map takes it literally',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', image: 'x' }], restartPolicy: 'Always' }),
    patch: { spec: { $patch: 'replace', containers: [nginx] } },
    want: pod({ containers: [nginx] }),
  },
  {
    name: 'k8s docs: $patch: delete removes the element with that merge key',
    kind: 'Pod',
    original: pod({ containers: [nginx, { name: 'log-tailer', image: 'lt' }] }),
    patch: { spec: { containers: [nginx, { $patch: 'delete', name: 'log-tailer' }] } },
    want: pod({ containers: [nginx] }),
  },
  {
    name: 'k8s docs: $patch: delete on a map removes the map (rollingUpdate)',
    kind: 'Deployment',
    original: deploy({ containers: [nginx] }, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } }),
    patch: { spec: { strategy: { rollingUpdate: { $patch: 'delete' } } } },
    want: deploy({ containers: [nginx] }, { strategy: { type: 'RollingUpdate' } }),
  },
  {
    name: 'k8s docs: $deleteFromPrimitiveList/finalizers',
    kind: 'ConfigMap',
    original: { kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'c'] } },
    want: { kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a'] } },
  },
  {
    name: 'k8s docs: $setElementOrder/finalizers reorders a primitive list',
    kind: 'ConfigMap',
    original: { kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'] } },
    want: { kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['b', 'c', 'a'] } },
  },
  {
    name: 'k8s docs: $setElementOrder/containers reorders by merge key',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }, { name: 'c', image: '3' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }] } },
    want: pod({ containers: [{ name: 'b', image: '2' }, { name: 'c', image: '3' }, { name: 'a', image: '1' }] }),
  },
  // The merge keys of the kinds Skiff serves.
  {
    name: 'one container patched, the other kept, the patched one merged field by field',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', image: 'x', command: ['sh'] }, { name: 'b', image: 'y' }] }),
    patch: { spec: { containers: [{ name: 'b', image: 'z' }] } },
    want: pod({ containers: [{ name: 'a', image: 'x', command: ['sh'] }, { name: 'b', image: 'z' }] }),
  },
  {
    name: 'initContainers merge by name',
    kind: 'Pod',
    original: pod({ containers: [nginx], initContainers: [{ name: 'i', image: '1' }] }),
    patch: { spec: { initContainers: [{ name: 'i', image: '2' }] } },
    want: pod({ containers: [nginx], initContainers: [{ name: 'i', image: '2' }] }),
  },
  {
    name: 'container ports merge by containerPort',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] }),
    patch: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 443, name: 'https' }, { containerPort: 8080 }] }] } },
    want: pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }, { containerPort: 8080 }] }] }),
  },
  {
    name: 'env merges by name, null deletes a field of an element',
    kind: 'Deployment',
    original: deploy({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }] }),
    patch: { spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: null, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] } } } },
    want: deploy({ containers: [{ name: 'a', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'Y', value: '2' }] }] }),
  },
  {
    name: 'volumeMounts merge by mountPath',
    kind: 'ReplicaSet',
    original: { kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { template: { spec: { containers: [{ name: 'a', volumeMounts: [{ name: 'v', mountPath: '/a' }] }] } } } },
    patch: { spec: { template: { spec: { containers: [{ name: 'a', volumeMounts: [{ name: 'w', mountPath: '/a', readOnly: true }, { name: 'v', mountPath: '/b' }] }] } } } },
    want: { kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { template: { spec: { containers: [{ name: 'a', volumeMounts: [{ name: 'w', mountPath: '/a', readOnly: true }, { name: 'v', mountPath: '/b' }] }] } } } },
  },
  {
    name: 'volumes merge by name; $retainKeys switches the source',
    kind: 'Pod',
    original: pod({ containers: [nginx], volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'configMap'], configMap: { name: 'cm' } }] } },
    want: pod({ containers: [nginx], volumes: [{ name: 'v', configMap: { name: 'cm' } }, { name: 'w', emptyDir: {} }] }),
  },
  {
    name: 'imagePullSecrets merge by name',
    kind: 'Pod',
    original: pod({ containers: [nginx], imagePullSecrets: [{ name: 'a' }] }),
    patch: { spec: { imagePullSecrets: [{ name: 'b' }] } },
    want: pod({ containers: [nginx], imagePullSecrets: [{ name: 'a' }, { name: 'b' }] }),
  },
  {
    name: 'Service ports merge by port',
    kind: 'Service',
    original: { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    want: { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
  },
  {
    name: 'finalizers are a set: added once, existing kept',
    kind: 'Service',
    original: { kind: 'Service', metadata: { name: 's', finalizers: ['a'] } },
    patch: { metadata: { finalizers: ['b', 'a'] } },
    want: { kind: 'Service', metadata: { name: 's', finalizers: ['a', 'b'] } },
  },
  {
    name: 'pod status conditions merge by type',
    kind: 'Pod',
    original: pod({ containers: [nginx] }, { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } }),
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    want: pod({ containers: [nginx] }, { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] } }),
  },
  {
    name: 'node taints have no strategy: replaced; addresses merge by type',
    kind: 'Node',
    original: { kind: 'Node', metadata: { name: 'n' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n' }] } },
    patch: { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } },
    want: { kind: 'Node', metadata: { name: 'n' }, spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'n' }] } },
  },
  {
    name: 'an atomic list (container args) is replaced',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', args: ['1', '2'] }] }),
    patch: { spec: { containers: [{ name: 'a', args: ['3'] }] } },
    want: pod({ containers: [{ name: 'a', args: ['3'] }] }),
  },
  {
    name: 'a merged list absent from the original is created, directives applied',
    kind: 'Pod',
    original: pod({ containers: [nginx] }),
    patch: { spec: { volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', $patch: 'delete' }] } },
    want: pod({ containers: [nginx], volumes: [{ name: 'v', emptyDir: {} }] }),
  },
  {
    name: 'maps merge as in JSON merge patch, null deletes',
    kind: 'ConfigMap',
    original: { kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { x: '1' } },
    patch: { metadata: { labels: { a: null, c: '3' } }, data: { y: '2' } },
    want: { kind: 'ConfigMap', metadata: { name: 'c', labels: { b: '2', c: '3' } }, data: { x: '1', y: '2' } },
  },
  {
    name: '$setElementOrder keeps server-only elements in their place',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'z' }] } },
    // As Kubernetes' mergeSortedSlice: b (original index 1) goes before c (index 2).
    want: pod({ containers: [{ name: 'b' }, { name: 'c', image: 'z' }, { name: 'a' }] }),
  },
  {
    name: '$setElementOrder places a new element where listed',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a' }, { name: 'b' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'n' }, { name: 'b' }], containers: [{ name: 'n' }] } },
    want: pod({ containers: [{ name: 'a' }, { name: 'n' }, { name: 'b' }] }),
  },
  {
    name: 'ownerReferences merge by uid',
    kind: 'ReplicaSet',
    original: { kind: 'ReplicaSet', metadata: { name: 'r', ownerReferences: [{ uid: '1', name: 'd', controller: true }] } },
    patch: { metadata: { ownerReferences: [{ uid: '1', $patch: 'delete' }] } },
    want: { kind: 'ReplicaSet', metadata: { name: 'r', ownerReferences: [] } },
  },
];

for (const c of cases) {
  test(`strategic merge patch: ${c.name}`, () => {
    const before = JSON.stringify(c.original);
    const patchBefore = JSON.stringify(c.patch);
    assert.deepEqual(applyStrategicMergePatch(c.original, c.patch, c.kind), c.want);
    assert.equal(JSON.stringify(c.original), before, 'the original is not modified');
    assert.equal(JSON.stringify(c.patch), patchBefore, 'the patch is not modified');
  });
}

const errors: { name: string; kind: string; patch: unknown; field: string; detail: RegExp }[] = [
  { name: 'unknown $patch value', kind: 'Pod', patch: { spec: { $patch: 'explode' } }, field: 'spec.$patch', detail: /replace/ },
  { name: 'element without its merge key', kind: 'Pod', patch: { spec: { containers: [{ image: 'x' }] } }, field: 'spec.containers[0]', detail: /merge key "name"/ },
  { name: 'element that is not an object', kind: 'Service', patch: { spec: { ports: [80] } }, field: 'spec.ports[0]', detail: /merge key "port"/ },
  { name: '$retainKeys not a list', kind: 'Deployment', patch: { spec: { strategy: { $retainKeys: 'type' } } }, field: 'spec.strategy.$retainKeys', detail: /list/ },
  { name: 'a key set but not retained', kind: 'Deployment', patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, field: 'spec.strategy.rollingUpdate', detail: /not listed/ },
  { name: 'a delete list that is not a list', kind: 'Pod', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, field: 'metadata.$deleteFromPrimitiveList/finalizers', detail: /list/ },
  { name: 'the whole object deleted', kind: 'Pod', patch: { $patch: 'delete' }, field: '$patch', detail: /Delete/ },
  { name: 'a patch that is not an object', kind: 'Pod', patch: [1], field: 'patch', detail: /JSON object/ },
  { name: 'a kind without a merge table', kind: 'Widget', patch: {}, field: 'patchType', detail: /not supported/ },
];

for (const c of errors) {
  test(`strategic merge patch refuses: ${c.name}`, () => {
    assert.throws(
      () => applyStrategicMergePatch(pod({ containers: [nginx] }), c.patch, c.kind),
      (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && e.fields[0]?.field === c.field && c.detail.test(e.fields[0].detail),
    );
  });
}

test('every served kind has a merge table, and every table path names a merge list', () => {
  for (const t of resourceTypes) assert.ok(supportsStrategicMergePatch(t.kind), t.kind);
  for (const [kind, table] of Object.entries(mergeKeysByKind)) {
    for (const [path, meta] of Object.entries(table)) assert.equal(meta.strategy, 'merge', `${kind} ${path}`);
  }
});
