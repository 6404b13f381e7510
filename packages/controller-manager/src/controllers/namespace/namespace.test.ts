import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type Condition, type KObject, type Namespace } from '@skiff/api';
import type { FakeClient } from '@skiff/machinery/testing';
import { until, withControllers } from '../test-env.js';
import { type DeletionPass, NamespaceConditions, namespaceConditions } from './conditions.js';
import { namespaceController } from './index.js';

const namespace = (name: string): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
const inNs = (ns: string, kind: string, name: string, extra: Record<string, unknown> = {}, finalizers?: string[]): KObject => {
  const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
  return { apiVersion, kind, metadata: { name, namespace: ns, ...(finalizers ? { finalizers } : {}) }, ...extra } as KObject;
};
const deployment = (ns: string, name: string): KObject =>
  inNs(ns, 'Deployment', name, { spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
const service = (ns: string, name: string): KObject => inNs(ns, 'Service', name, { spec: { selector: { app: name }, ports: [{ port: 80 }] } });
const configMap = (ns: string, name: string, finalizers?: string[]): KObject => inNs(ns, 'ConfigMap', name, { data: { k: 'v' } }, finalizers);

const condition = (ns: Namespace | undefined, type: string): Condition | undefined => ns?.status?.conditions?.find((c) => c.type === type);
const statusWrites = (c: FakeClient): Namespace[] => c.calls.filter((x) => x.verb === 'updateStatus' && x.resource === 'Namespace').map((x) => x.body as Namespace);

interface NsCase {
  name: string;
  objects: KObject[];
  act: (c: FakeClient) => Promise<unknown>;
  /** Holds once the case has played out. */
  done: (c: FakeClient) => boolean;
  check: (c: FakeClient) => void | Promise<void>;
}

const cases: NsCase[] = [
  {
    name: 'a Terminating namespace is emptied, then its kubernetes finalizer removed and it is gone; others are untouched',
    objects: [namespace('team'), namespace('other'), deployment('team', 'web'), service('team', 'web'), configMap('team', 'cfg'), configMap('team', 'made-to-orphan', ['orphan']), configMap('other', 'cfg')],
    act: (c) => c.delete('namespaces', '', 'team'),
    done: (c) => !c.find('namespaces', '', 'team'),
    check: (c) => {
      for (const r of ['deployments', 'services', 'configmaps']) assert.deepEqual(c.objects(r).filter((o) => o.metadata.namespace === 'team'), [], r);
      assert.ok(c.find('configmaps', 'other', 'cfg'));
      assert.equal(c.find<Namespace>('namespaces', '', 'other')?.status?.phase, 'Active');
    },
  },
  {
    name: 'content held by a finalizer keeps it Terminating, with conditions saying what remains; released, it goes',
    objects: [namespace('team'), configMap('team', 'held', ['example.com/hold']), configMap('team', 'free')],
    act: (c) => c.delete('namespaces', '', 'team'),
    done: (c) => condition(c.find<Namespace>('namespaces', '', 'team'), NamespaceConditions.FinalizersRemaining)?.status === 'True',
    check: async (c) => {
      const ns = c.find<Namespace>('namespaces', '', 'team')!;
      assert.equal(ns.status?.phase, 'Terminating');
      assert.deepEqual(condition(ns, NamespaceConditions.ContentRemaining), {
        type: 'NamespaceContentRemaining',
        status: 'True',
        lastTransitionTime: condition(ns, NamespaceConditions.ContentRemaining)!.lastTransitionTime,
        reason: 'SomeResourcesRemain',
        message: 'Some resources are remaining: configmaps. has 1 resource instances',
      });
      assert.equal(condition(ns, NamespaceConditions.FinalizersRemaining)?.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
      assert.equal(condition(ns, NamespaceConditions.ContentFailure)?.status, 'False');
      assert.equal(c.find('configmaps', 'team', 'free'), undefined);
      await c.patch('configmaps', 'team', 'held', { metadata: { finalizers: null } });
      await until(() => !c.find('namespaces', '', 'team'), 'the namespace to go once its content is released');
    },
  },
  {
    name: 'a failed DeleteCollection is reported as NamespaceDeletionContentFailure and retried',
    objects: [namespace('team'), configMap('team', 'cfg')],
    act: async (c) => {
      c.injectError('deleteCollection', new ApiError('UNAVAILABLE', 'etcd is down'), 1);
      return c.delete('namespaces', '', 'team');
    },
    done: (c) => !c.find('namespaces', '', 'team'),
    check: (c) => {
      const failed = statusWrites(c).map((n) => condition(n, NamespaceConditions.ContentFailure)).find((x) => x?.status === 'True');
      assert.equal(failed?.reason, 'ContentDeletionFailed');
      assert.equal(failed?.message, 'Failed to delete all resource types, 1 remaining: pods.: etcd is down');
    },
  },
  {
    name: 'a namespace not being deleted, or whose kubernetes finalizer is gone, is left alone',
    objects: [namespace('live'), configMap('live', 'cfg'), { ...namespace('done'), metadata: { name: 'done', finalizers: ['example.com/other'] }, spec: { finalizers: [] } }, configMap('done', 'cfg')],
    act: (c) => c.delete('namespaces', '', 'done'),
    done: () => true,
    check: async (c) => {
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(c.find('configmaps', 'live', 'cfg'));
      assert.ok(c.find('configmaps', 'done', 'cfg'));
      assert.ok(c.find('namespaces', '', 'done')?.metadata.deletionTimestamp);
    },
  },
];

describe('namespace controller', () => {
  for (const c of cases) {
    it(c.name, async () => {
      await withControllers([namespaceController], c.objects, async ({ client }) => {
        await c.act(client);
        await until(() => c.done(client), 'the namespace controller to finish');
        await c.check(client);
      });
    });
  }
});

describe('namespace conditions', () => {
  const pass = (p: Partial<DeletionPass>): DeletionPass => ({ errors: [], remaining: new Map(), finalizers: new Map(), ...p });
  const cases: { name: string; current?: Condition[]; pass: DeletionPass; want: Record<string, [string, string]>; keptTime?: string }[] = [
    {
      name: 'nothing blocks: every condition False with its ok reason',
      pass: pass({}),
      want: {
        NamespaceDeletionDiscoveryFailure: ['False', 'ResourcesDiscovered'],
        NamespaceDeletionGroupVersionParsingFailure: ['False', 'ParsedGroupVersions'],
        NamespaceDeletionContentFailure: ['False', 'ContentDeleted'],
        NamespaceContentRemaining: ['False', 'ContentRemoved'],
        NamespaceFinalizersRemaining: ['False', 'ContentHasNoFinalizers'],
      },
    },
    {
      name: 'remaining content sorted by resource',
      pass: pass({ remaining: new Map([['pods.', 2], ['deployments.apps', 1]]) }),
      want: { NamespaceContentRemaining: ['True', 'SomeResourcesRemain'], NamespaceFinalizersRemaining: ['False', 'ContentHasNoFinalizers'] },
    },
    {
      name: 'an unchanged status keeps its transition time',
      current: [{ type: 'NamespaceContentRemaining', status: 'True', lastTransitionTime: 'earlier', reason: 'SomeResourcesRemain', message: 'old' }],
      pass: pass({ remaining: new Map([['pods.', 1]]) }),
      want: { NamespaceContentRemaining: ['True', 'SomeResourcesRemain'] },
      keptTime: 'earlier',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = namespaceConditions(c.current, c.pass, 'now');
      assert.equal(got.length, 5);
      for (const [type, [status, reason]] of Object.entries(c.want)) {
        const cond = got.find((x) => x.type === type);
        assert.deepEqual([cond?.status, cond?.reason], [status, reason], type);
      }
      if (c.keptTime) assert.equal(got.find((x) => x.type === 'NamespaceContentRemaining')?.lastTransitionTime, c.keptTime);
      const remaining = got.find((x) => x.type === 'NamespaceContentRemaining')!;
      if (remaining.status === 'True' && !c.keptTime) assert.equal(remaining.message, 'Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances');
    });
  }
});
