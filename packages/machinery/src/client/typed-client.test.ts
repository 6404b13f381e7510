import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ApiError, type Pod, isApiError } from '@skiff/api';
import { FakeClient } from '../testing/index.js';
import { Clientset } from './clientset.js';

const pod = (name: string, ns?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(ns ? { namespace: ns } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

interface Case {
  name: string;
  run(cs: Clientset, f: FakeClient): Promise<unknown>;
  want?: unknown;
  err?: [ApiError['code'], RegExp];
}

const cases: Case[] = [
  { name: 'create fills the namespace of the client', run: async (cs) => (await cs.pods('team').create(pod('a'))).metadata.namespace, want: 'team' },
  {
    name: 'create fills apiVersion and kind',
    run: async (cs) => {
      const o = await cs.configMaps('default').create({ metadata: { name: 'c' }, data: { k: 'v' } } as never);
      return [o.apiVersion, o.kind];
    },
    want: ['v1', 'ConfigMap'],
  },
  { name: 'create refuses another namespace', run: (cs) => cs.pods('team').create(pod('a', 'other')), err: ['INVALID_ARGUMENT', /does not match the namespace/] },
  { name: 'create refuses another kind', run: (cs) => cs.services('x').create(pod('a') as never), err: ['INVALID_ARGUMENT', /Service client cannot write a Pod/] },
  { name: 'get', run: async (cs) => (await cs.pods('default').get('seeded')).metadata.name, want: 'seeded' },
  { name: 'get needs a namespace', run: (cs) => cs.pods().get('seeded'), err: ['INVALID_ARGUMENT', /needs a namespace/] },
  { name: 'list in a namespace', run: async (cs) => (await cs.pods('default').list()).items.map((p) => p.metadata.name), want: ['seeded'] },
  { name: 'list across namespaces', run: async (cs) => (await cs.pods().list()).items.map((p) => p.metadata.name), want: ['seeded', 'elsewhere'] },
  { name: 'list with a selector', run: async (cs) => (await cs.pods().list({ labelSelector: 'app=x' })).items.length, want: 0 },
  { name: 'cluster-scoped kinds ignore the namespace', run: async (cs) => (await cs.nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).metadata.namespace, want: undefined },
  {
    name: 'update with a stale resourceVersion is a conflict',
    run: async (cs) => {
      const p = await cs.pods('default').get('seeded');
      await cs.pods('default').update({ ...p, metadata: { ...p.metadata, labels: { a: 'b' } } });
      return cs.pods('default').update({ ...p, metadata: { ...p.metadata, labels: { a: 'c' } } });
    },
    err: ['ABORTED', /modified/],
  },
  {
    name: 'updateStatus',
    run: async (cs) => {
      const p = await cs.pods('default').get('seeded');
      return (await cs.pods('default').updateStatus({ ...p, status: { phase: 'Running' } })).status?.phase;
    },
    want: 'Running',
  },
  { name: 'patch', run: async (cs) => (await cs.pods('default').patch('seeded', { metadata: { labels: { x: 'y' } } })).metadata.labels, want: { x: 'y' } },
  { name: 'delete', run: async (cs, f) => [(await cs.pods('default').delete('seeded')).pending, f.find('pods', 'default', 'seeded')], want: [false, undefined] },
  {
    name: 'deleteCollection in the client namespace',
    run: async (cs, f) => [(await cs.pods('team2').deleteCollection()).map((r) => r.object.metadata.name), f.objects('pods').map((p) => p.metadata.name)],
    want: [['elsewhere'], ['seeded']],
  },
  {
    name: 'strategic merge patch',
    run: async (cs) =>
      (await cs.pods('default').patch('seeded', { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } }, { patchType: 'application/strategic-merge-patch+json' })).spec?.containers.map((c) => c.image),
    want: ['busybox:2'],
  },
  { name: 'bind', run: async (cs) => (await cs.pods('default').bind('seeded', 'n1')).spec?.nodeName, want: 'n1' },
  {
    name: 'bind twice fails its precondition',
    run: async (cs) => {
      await cs.pods('default').bind('seeded', 'n1');
      return cs.pods('default').bind('seeded', 'n2');
    },
    err: ['FAILED_PRECONDITION', /already assigned/],
  },
  {
    name: 'watch is scoped to the namespace',
    run: async (cs) => {
      const ac = new AbortController();
      for await (const b of cs.pods('team2').watch({ resourceVersion: '0' }, ac.signal)) {
        ac.abort();
        return b.events.map((e) => e.object?.metadata.name);
      }
      return undefined;
    },
    want: ['elsewhere'],
  },
];

for (const c of cases) {
  void test(`typed client: ${c.name}`, async () => {
    const f = new FakeClient({ objects: [pod('seeded', 'default'), pod('elsewhere', 'team2')] });
    const cs = new Clientset(f);
    if (c.err) {
      await assert.rejects(c.run(cs, f), (e) => isApiError(e, c.err![0]) && c.err![1].test(e.message));
      return;
    }
    assert.deepEqual(await c.run(cs, f), c.want);
  });
}
