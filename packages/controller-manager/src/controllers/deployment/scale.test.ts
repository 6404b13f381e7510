// Proportional scaling: the cases of Kubernetes' TestScale (pkg/controller/deployment/sync_test.go).
// Each ReplicaSet carries the desired/max-replicas annotations of the Deployment's previous size
// (and surge); scale() spreads the difference to the new size over the active ReplicaSets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { scale } from './scale.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './replica-sets.js';

const stamps = { newer: '2016-05-20T02:00:00Z', old: '2016-05-20T01:00:00Z', older: '2016-05-20T00:00:00Z' } as const;

function deployment(replicas: number, maxSurge = 0): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', namespace: 'default', uid: 'd-uid' },
    spec: {
      replicas,
      selector: { matchLabels: { foo: 'bar' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: 0 } },
      template: { metadata: { labels: { foo: 'bar' } }, spec: { containers: [{ name: 'c', image: 'img' }] } },
    },
  };
}

interface RS {
  name: string;
  replicas: number;
  at: keyof typeof stamps;
}

interface Case {
  name: string;
  /** the Deployment's size (and surge) before and after */
  from: [number, number?];
  to: [number, number?];
  newRS?: RS;
  oldRSs: RS[];
  /** every ReplicaSet's size after scale() */
  want: Record<string, number>;
}

const cases: Case[] = [
  { name: 'normal scaling event: 10 -> 12', from: [10], to: [12], newRS: { name: 'foo-v1', replicas: 10, at: 'newer' }, oldRSs: [], want: { 'foo-v1': 12 } },
  { name: 'normal scaling event: 10 -> 5', from: [10], to: [5], newRS: { name: 'foo-v1', replicas: 10, at: 'newer' }, oldRSs: [], want: { 'foo-v1': 5 } },
  { name: 'proportional scaling: 5 -> 10', from: [5], to: [10], newRS: { name: 'foo-v2', replicas: 2, at: 'newer' }, oldRSs: [{ name: 'foo-v1', replicas: 3, at: 'old' }], want: { 'foo-v2': 4, 'foo-v1': 6 } },
  { name: 'proportional scaling: 5 -> 3', from: [5], to: [3], newRS: { name: 'foo-v2', replicas: 2, at: 'newer' }, oldRSs: [{ name: 'foo-v1', replicas: 3, at: 'old' }], want: { 'foo-v2': 1, 'foo-v1': 2 } },
  { name: 'proportional scaling: 9 -> 4', from: [9], to: [4], newRS: { name: 'foo-v2', replicas: 8, at: 'newer' }, oldRSs: [{ name: 'foo-v1', replicas: 1, at: 'old' }], want: { 'foo-v2': 4, 'foo-v1': 0 } },
  {
    name: 'proportional scaling: 7 -> 10',
    from: [7],
    to: [10],
    newRS: { name: 'foo-v3', replicas: 2, at: 'newer' },
    oldRSs: [
      { name: 'foo-v2', replicas: 3, at: 'old' },
      { name: 'foo-v1', replicas: 2, at: 'older' },
    ],
    want: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 },
  },
  {
    name: 'proportional scaling: 13 -> 8',
    from: [13],
    to: [8],
    newRS: { name: 'foo-v3', replicas: 2, at: 'newer' },
    oldRSs: [
      { name: 'foo-v2', replicas: 8, at: 'old' },
      { name: 'foo-v1', replicas: 3, at: 'older' },
    ],
    want: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 },
  },
  {
    name: 'leftover distribution: 3 -> 4 (the new ReplicaSet grows)',
    from: [3],
    to: [4],
    newRS: { name: 'foo-v3', replicas: 1, at: 'newer' },
    oldRSs: [
      { name: 'foo-v2', replicas: 1, at: 'old' },
      { name: 'foo-v1', replicas: 1, at: 'older' },
    ],
    want: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 },
  },
  {
    name: 'leftover distribution: 3 -> 2 (the oldest shrinks)',
    from: [3],
    to: [2],
    newRS: { name: 'foo-v3', replicas: 1, at: 'newer' },
    oldRSs: [
      { name: 'foo-v2', replicas: 1, at: 'old' },
      { name: 'foo-v1', replicas: 1, at: 'older' },
    ],
    want: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 },
  },
  {
    name: 'no new ReplicaSet: 4 -> 5 (the latest grows first)',
    from: [4],
    to: [5],
    oldRSs: [
      { name: 'foo-v2', replicas: 2, at: 'old' },
      { name: 'foo-v1', replicas: 2, at: 'older' },
    ],
    want: { 'foo-v2': 3, 'foo-v1': 2 },
  },
  {
    name: 'scales down to zero: 6 -> 0',
    from: [6],
    to: [0],
    newRS: { name: 'foo-v3', replicas: 3, at: 'newer' },
    oldRSs: [
      { name: 'foo-v2', replicas: 2, at: 'old' },
      { name: 'foo-v1', replicas: 1, at: 'older' },
    ],
    want: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 },
  },
  {
    name: 'scales up from zero: 0 -> 6 (only the new ReplicaSet)',
    from: [6],
    to: [6],
    newRS: { name: 'foo-v3', replicas: 0, at: 'newer' },
    oldRSs: [
      { name: 'foo-v2', replicas: 0, at: 'old' },
      { name: 'foo-v1', replicas: 0, at: 'older' },
    ],
    want: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 },
  },
  { name: 'with surge pods: 10 -> 20, surge 2', from: [10, 2], to: [20, 2], newRS: { name: 'foo-v2', replicas: 6, at: 'newer' }, oldRSs: [{ name: 'foo-v1', replicas: 6, at: 'old' }], want: { 'foo-v2': 11, 'foo-v1': 11 } },
  { name: 'surge and size both change: 10/3 -> 50/6', from: [10, 3], to: [50, 6], newRS: { name: 'foo-v2', replicas: 5, at: 'newer' }, oldRSs: [{ name: 'foo-v1', replicas: 8, at: 'old' }], want: { 'foo-v2': 22, 'foo-v1': 34 } },
  {
    name: 'size and template both change: 10 -> 14 (no new ReplicaSet yet)',
    from: [10],
    to: [14],
    oldRSs: [
      { name: 'foo-v2', replicas: 7, at: 'newer' },
      { name: 'foo-v1', replicas: 3, at: 'old' },
    ],
    want: { 'foo-v2': 10, 'foo-v1': 4 },
  },
];

describe('deployment proportional scaling (Kubernetes TestScale)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const [desired, surge = 0] = c.from;
      const client = new FakeClient();
      const seed = (r: RS): ReplicaSet =>
        client.seed<ReplicaSet>({
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: r.name,
            namespace: 'default',
            creationTimestamp: stamps[r.at],
            annotations: { [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(desired + surge) },
          },
          spec: { replicas: r.replicas, selector: { matchLabels: { foo: 'bar' } }, template: deployment(desired).spec!.template },
        });
      const newRS = c.newRS ? seed(c.newRS) : undefined;
      const oldRSs = c.oldRSs.map(seed);
      const env = { client, recorder: { event: () => {} }, now: () => Date.parse(stamps.newer) };
      await scale(env, deployment(c.to[0], c.to[1] ?? 0), newRS, oldRSs);
      const got = Object.fromEntries(client.objects<ReplicaSet>('replicasets').map((rs) => [rs.metadata.name!, rs.spec!.replicas!]));
      assert.deepEqual(got, c.want);
    });
  }
});
