import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Pod, type ReplicaSet, labelSelectorFromObject, objectKey } from '@skiff/api';
import { type Lister, newControllerRef } from '@skiff/machinery';
import { isPodActive } from '../../pod-util.js';
import { calculateStatus } from './status.js';
import { PodTallies } from './tally.js';

const ns = 'default';
const web: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: ns, uid: 'uid-web', generation: 1 },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'web' } }, spec: { containers: [] } } },
};
const other: ReplicaSet = { ...web, metadata: { ...web.metadata, name: 'other', uid: 'uid-other' } };

function pod(name: string, o: { owner?: ReplicaSet; labels?: Record<string, string>; ready?: boolean; phase?: string; deleting?: boolean; namespace?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? ns,
      uid: `uid-${name}`,
      labels: o.labels ?? { app: 'web', tier: 'web' },
      ...(o.owner ? { ownerReferences: [newControllerRef(o.owner)] } : {}),
      ...(o.deleting ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { containers: [] },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

/** A pod cache with the one lookup the tally uses. */
function cache(): { pods: Map<string, Pod>; lister: Lister<Pod> } {
  const pods = new Map<string, Pod>();
  const lister = { get: (namespace: string, name: string) => pods.get(`${namespace}/${name}`) } as unknown as Lister<Pod>;
  return { pods, lister };
}

/** What claim + calculateStatus give from the cache: undefined when a controlled active pod is to be released. */
function reference(pods: Iterable<Pod>, rs: ReplicaSet): ReturnType<PodTallies['counts']> {
  const selector = labelSelectorFromObject(rs.spec!.selector);
  const controlled = [...pods].filter((p) => p.metadata.namespace === ns && p.metadata.ownerReferences?.some((r) => r.controller && r.uid === rs.metadata.uid) && isPodActive(p));
  if (controlled.some((p) => !selector.matches(p.metadata.labels))) return undefined;
  const s = calculateStatus(rs, controlled, undefined, Date.now());
  return { replicas: s.replicas!, fullyLabeledReplicas: s.fullyLabeledReplicas!, readyReplicas: s.readyReplicas!, availableReplicas: s.availableReplicas! };
}

describe('replicaset pod tally', () => {
  it('follows every kind of pod change as the full claim and status would count it', () => {
    const { pods, lister } = cache();
    const tallies = new PodTallies(lister);
    const selector = labelSelectorFromObject(web.spec!.selector);
    const put = (p: Pod): void => {
      const old = pods.get(objectKey(p));
      pods.set(objectKey(p), p);
      if (old) tallies.touched(old);
      tallies.touched(p);
    };
    for (let i = 0; i < 40; i++) pods.set(`${ns}/p${i}`, pod(`p${i}`, { owner: i % 10 === 9 ? other : web, ready: i % 3 !== 0 }));
    pods.set('elsewhere/p0', pod('p0', { owner: web, namespace: 'elsewhere' }));
    tallies.rebuild(web, selector, [...pods.values()]);
    assert.deepEqual(tallies.counts(web, selector), reference(pods.values(), web));
    // A deterministic walk over the changes a pod can go through, checked after each.
    const changes: ((name: string, cur: Pod | undefined) => void)[] = [
      (n, cur) => put(pod(n, { owner: web, ready: cur?.status?.conditions?.[0]?.status !== 'True' })), // readiness flips
      (n) => put(pod(n, { owner: web, phase: 'Failed' })), // terminal
      (n) => put(pod(n, { owner: web, deleting: true })), // being deleted
      (n) => put(pod(n, { owner: web, labels: { app: 'web' } })), // not fully labeled
      (n) => put(pod(n, { owner: other })), // another controller's
      (n) => put(pod(n, { labels: { app: 'web', tier: 'web' } })), // orphaned
      (n) => put(pod(n, { owner: web })), // back, ready
      (n, cur) => {
        // deleted
        pods.delete(`${ns}/${n}`);
        if (cur) tallies.touched(cur);
      },
    ];
    for (let step = 0; step < 600; step++) {
      const name = `p${(step * 2654435761) % 47}`;
      changes[(step * 7 + (step >> 3)) % changes.length]!(name, pods.get(`${ns}/${name}`));
      assert.deepEqual(tallies.counts(web, selector), reference(pods.values(), web), `step ${step} (${name})`);
    }
    // A controlled pod the selector stops matching: the claim has to release it, the tally cannot stand for it.
    put(pod('p1', { owner: web, labels: { app: 'other' } }));
    assert.equal(tallies.counts(web, selector), undefined);
    put(pod('p1', { owner: web }));
    assert.deepEqual(tallies.counts(web, selector), reference(pods.values(), web));
  });

  it('stands for nothing once the selector or the template labels changed, or with minReadySeconds', () => {
    const { pods, lister } = cache();
    const tallies = new PodTallies(lister);
    pods.set(`${ns}/a`, pod('a', { owner: web }));
    const selector = labelSelectorFromObject(web.spec!.selector);
    tallies.rebuild(web, selector, [...pods.values()]);
    assert.equal(tallies.counts(web, selector)?.replicas, 1);
    const relabeled: ReplicaSet = { ...web, spec: { ...web.spec!, template: { ...web.spec!.template, metadata: { labels: { app: 'web', tier: 'db' } } } } };
    assert.equal(tallies.counts(relabeled, selector), undefined, 'template labels changed');
    assert.equal(tallies.size, 0, 'and the tally is dropped');
    tallies.rebuild(web, selector, [...pods.values()]);
    const reselected: ReplicaSet = { ...web, spec: { ...web.spec!, selector: { matchLabels: { app: 'web', tier: 'web' } } } };
    assert.equal(tallies.counts(reselected, labelSelectorFromObject(reselected.spec!.selector)), undefined, 'selector changed');
    const slow: ReplicaSet = { ...web, spec: { ...web.spec!, minReadySeconds: 5 } };
    tallies.rebuild(slow, selector, [...pods.values()]);
    assert.equal(tallies.size, 0, 'availability depends on time: no tally');
    tallies.rebuild(web, selector, [...pods.values()]);
    tallies.forget(objectKey(web));
    assert.equal(tallies.counts(web, selector), undefined, 'forgotten');
  });
});
