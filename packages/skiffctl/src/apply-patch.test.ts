import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contains, threeWayMergePatch, type JsonObject } from './apply-patch.js';

interface Case {
  name: string;
  original: JsonObject | undefined;
  modified: JsonObject;
  current: JsonObject;
  want: JsonObject;
}

const svc = (spec: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec });

const cases: Case[] = [
  {
    name: 'unchanged manifest, live identical: empty patch',
    original: { spec: { replicas: 2 } },
    modified: { spec: { replicas: 2 } },
    current: { spec: { replicas: 2 } },
    want: {},
  },
  {
    name: 'allocated spec.clusterIP survives (only in live)',
    original: svc({ ports: [{ port: 80 }], selector: { app: 'web' } }),
    modified: svc({ ports: [{ port: 80 }], selector: { app: 'web' }, type: 'NodePort' }),
    current: svc({ ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'web' }, clusterIP: '10.96.0.12', type: 'ClusterIP' }),
    want: { spec: { type: 'NodePort' } },
  },
  {
    name: 'spec.replicas changed by an autoscaler survives when the manifest does not set it',
    original: { spec: { template: { x: 1 } } },
    modified: { spec: { template: { x: 2 } } },
    current: { spec: { replicas: 7, template: { x: 1 } } },
    want: { spec: { template: { x: 2 } } },
  },
  {
    name: 'spec.replicas set in the manifest overwrites live',
    original: { spec: { replicas: 3 } },
    modified: { spec: { replicas: 3 } },
    current: { spec: { replicas: 7 } },
    want: { spec: { replicas: 3 } },
  },
  {
    name: 'field removed from the manifest since the last apply is deleted',
    original: { spec: { replicas: 3, paused: true } },
    modified: { spec: { paused: true } },
    current: { spec: { replicas: 3, paused: true } },
    want: { spec: { replicas: null } },
  },
  {
    name: 'removed field already gone from live: nothing to delete',
    original: { metadata: { labels: { a: '1', b: '2' } } },
    modified: { metadata: { labels: { a: '1' } } },
    current: { metadata: { labels: { a: '1' } } },
    want: {},
  },
  {
    name: 'labels added by others survive, manifest label changes apply',
    original: { metadata: { labels: { app: 'web' } } },
    modified: { metadata: { labels: { app: 'web2' } } },
    current: { metadata: { labels: { app: 'web', team: 'x' } } },
    want: { metadata: { labels: { app: 'web2' } } },
  },
  {
    name: 'status is never touched',
    original: { spec: { a: 1 } },
    modified: { spec: { a: 1 } },
    current: { spec: { a: 1 }, status: { readyReplicas: 3 } },
    want: {},
  },
  {
    name: 'no last-applied (object made by create): only additions and changes',
    original: undefined,
    modified: { spec: { a: 1, b: 2 } },
    current: { spec: { a: 1, c: 3 } },
    want: { spec: { b: 2 } },
  },
  {
    name: 'a whole map removed from the manifest is deleted',
    original: { spec: { selector: { app: 'x' }, a: 1 } },
    modified: { spec: { a: 1 } },
    current: { spec: { selector: { app: 'x' }, a: 1 } },
    want: { spec: { selector: null } },
  },
  {
    name: 'map new in the manifest is sent whole',
    original: { spec: {} },
    modified: { spec: { strategy: { type: 'Recreate' } } },
    current: { spec: {} },
    want: { spec: { strategy: { type: 'Recreate' } } },
  },
  {
    name: 'array unchanged and contained in live (live has defaults): not sent',
    original: { spec: { containers: [{ name: 'a', image: 'nginx' }] } },
    modified: { spec: { containers: [{ name: 'a', image: 'nginx' }] } },
    current: { spec: { containers: [{ name: 'a', image: 'nginx', imagePullPolicy: 'IfNotPresent' }] } },
    want: {},
  },
  {
    name: 'array changed in the manifest: replaced whole',
    original: { spec: { containers: [{ name: 'a', image: 'nginx:1' }] } },
    modified: { spec: { containers: [{ name: 'a', image: 'nginx:2' }] } },
    current: { spec: { containers: [{ name: 'a', image: 'nginx:1', imagePullPolicy: 'IfNotPresent' }] } },
    want: { spec: { containers: [{ name: 'a', image: 'nginx:2' }] } },
  },
  {
    name: 'array field removed inside an element: replaced whole',
    original: { spec: { containers: [{ name: 'a', image: 'x', command: ['sh'] }] } },
    modified: { spec: { containers: [{ name: 'a', image: 'x' }] } },
    current: { spec: { containers: [{ name: 'a', image: 'x', command: ['sh'] }] } },
    want: { spec: { containers: [{ name: 'a', image: 'x' }] } },
  },
  {
    name: 'array drifted in live (someone changed an image): manifest restored',
    original: { spec: { containers: [{ name: 'a', image: 'nginx:1' }] } },
    modified: { spec: { containers: [{ name: 'a', image: 'nginx:1' }] } },
    current: { spec: { containers: [{ name: 'a', image: 'nginx:9' }] } },
    want: { spec: { containers: [{ name: 'a', image: 'nginx:1' }] } },
  },
  {
    name: 'array element added in live: manifest length restored',
    original: { args: ['a'] },
    modified: { args: ['a'] },
    current: { args: ['a', 'b'] },
    want: { args: ['a'] },
  },
  {
    name: 'scalar type change',
    original: { spec: { port: 80 } },
    modified: { spec: { port: 'http' } },
    current: { spec: { port: 80 } },
    want: { spec: { port: 'http' } },
  },
  {
    name: 'explicit null in the manifest unsets a live field',
    original: undefined,
    modified: { spec: { a: null } },
    current: { spec: { a: 1 } },
    want: { spec: { a: null } },
  },
  {
    name: 'annotation (last-applied) changes travel with the patch, other annotations survive',
    original: { metadata: { annotations: { note: 'x' } } },
    modified: { metadata: { annotations: { note: 'x', 'kubectl.kubernetes.io/last-applied-configuration': 'new' } } },
    current: { metadata: { annotations: { note: 'x', 'kubectl.kubernetes.io/last-applied-configuration': 'old', 'deployment.kubernetes.io/revision': '2' } } },
    want: { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new' } } },
  },
  {
    name: 'map in manifest replacing a live scalar',
    original: undefined,
    modified: { spec: { x: { a: 1, b: null } } },
    current: { spec: { x: 'old' } },
    want: { spec: { x: { a: 1 } } },
  },
];

for (const c of cases) {
  void test(`threeWayMergePatch: ${c.name}`, () => {
    assert.deepEqual(threeWayMergePatch(c.original, c.modified, c.current), c.want);
  });
}

const containsCases: { name: string; live: unknown; want: unknown; ok: boolean }[] = [
  { name: 'equal scalars', live: 1, want: 1, ok: true },
  { name: 'different scalars', live: 1, want: '1', ok: false },
  { name: 'map with extra live keys', live: { a: 1, b: 2 }, want: { a: 1 }, ok: true },
  { name: 'map missing key', live: { a: 1 }, want: { a: 1, b: 2 }, ok: false },
  { name: 'arrays of different length', live: [1, 2], want: [1], ok: false },
  { name: 'arrays element-wise', live: [{ a: 1, x: 0 }], want: [{ a: 1 }], ok: true },
  { name: 'null wants absence', live: undefined, want: null, ok: true },
];
for (const c of containsCases) {
  void test(`contains: ${c.name}`, () => assert.equal(contains(c.live, c.want), c.ok));
}
