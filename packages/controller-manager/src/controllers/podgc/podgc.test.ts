import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, Taint } from '@skiff/api';
import { until, withControllers } from '../test-env.js';
import { podGCController } from './index.js';
import { terminatedOverThreshold, terminatingOutOfService, unscheduledTerminating } from './select.js';

interface PodOpts {
  phase?: string;
  node?: string;
  created?: number;
  deleting?: boolean;
  reason?: string;
}

const pod = (name: string, o: PodOpts = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    creationTimestamp: new Date(o.created ?? Date.parse('2026-01-01T00:00:00Z')).toISOString(),
    ...(o.deleting ? { deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 30 } : {}),
  },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.node ? { nodeName: o.node } : {}) },
  status: { phase: o.phase ?? 'Running', ...(o.reason ? { reason: o.reason } : {}) },
});

const node = (name: string, ready: string, taints: Taint[] = []): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: { taints },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});

const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata.name!).sort();

describe('pod GC selection', () => {
  const t = (s: number) => Date.parse('2026-01-01T00:00:00Z') + s * 1000;
  const cases: { name: string; pods: Pod[]; threshold: number; want: string[] }[] = [
    { name: 'under the threshold: none', pods: [pod('a', { phase: 'Succeeded' })], threshold: 1, want: [] },
    { name: 'the oldest terminated beyond the threshold', pods: [pod('a', { phase: 'Succeeded', created: t(3) }), pod('b', { phase: 'Failed', created: t(1) }), pod('c', { phase: 'Succeeded', created: t(2) }), pod('r', { created: t(0) })], threshold: 1, want: ['b', 'c'] },
    { name: 'evicted pods first', pods: [pod('a', { phase: 'Failed', created: t(1) }), pod('b', { phase: 'Failed', created: t(5), reason: 'Evicted' })], threshold: 1, want: ['b'] },
    { name: 'threshold 0 disables', pods: [pod('a', { phase: 'Failed' })], threshold: 0, want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(names(terminatedOverThreshold(c.pods, c.threshold)), c.want));

  it('unscheduled pods being deleted', () => {
    assert.deepEqual(names(unscheduledTerminating([pod('a', { deleting: true }), pod('b', { deleting: true, node: 'n1' }), pod('c')])), ['a']);
  });

  it('pods being deleted on a not-ready out-of-service node', () => {
    const oos = [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }];
    const nodes = new Map([
      ['down', node('down', 'Unknown', oos)],
      ['up', node('up', 'True', oos)],
      ['plain', node('plain', 'Unknown')],
    ]);
    const pods = [pod('a', { deleting: true, node: 'down' }), pod('b', { deleting: true, node: 'up' }), pod('c', { deleting: true, node: 'plain' }), pod('d', { node: 'down' })];
    assert.deepEqual(names(terminatingOutOfService(pods, (n) => nodes.get(n))), ['a']);
  });
});

describe('podgc controller', () => {
  const fast = { podGCPeriodMs: 50, podGCOrphanQuarantineMs: 300, terminatedPodGCThreshold: 2 };
  it('deletes terminated pods over the threshold, orphans after the quarantine, unscheduled terminating pods', async () => {
    const t = (s: number) => Date.parse('2026-01-01T00:00:00Z') + s * 1000;
    const seeds = [
      node('n1', 'True'),
      pod('done-1', { phase: 'Succeeded', node: 'n1', created: t(1) }),
      pod('done-2', { phase: 'Succeeded', node: 'n1', created: t(2) }),
      pod('done-3', { phase: 'Failed', node: 'n1', created: t(3) }),
      pod('live', { node: 'n1' }),
      pod('orphan', { node: 'gone' }),
      pod('unscheduled', { deleting: true }),
    ];
    await withControllers([podGCController], seeds, async ({ client }) => {
      const exists = (n: string) => client.objects<Pod>('pods').some((p) => p.metadata.name === n);
      const start = Date.now();
      await until(() => !exists('done-1') && !exists('unscheduled'), 'the oldest terminated and the unscheduled pod deleted');
      assert.ok(exists('done-2') && exists('done-3') && exists('live'), 'the rest kept');
      await until(() => !exists('orphan'), 'the orphan deleted');
      assert.ok(Date.now() - start >= 250, 'the orphan waited for the quarantine');
      const gc = client.writes().find((w) => w.verb === 'updateStatus' && w.name === 'orphan');
      assert.equal((gc?.body as Pod | undefined)?.status?.phase, 'Failed');
      assert.ok(exists('live'));
    }, undefined, fast);
  });

  it('keeps the pods of a node that comes back within the quarantine', async () => {
    await withControllers([podGCController], [pod('p', { node: 'late' })], async ({ client }) => {
      await new Promise((r) => setTimeout(r, 100));
      client.seed(node('late', 'True'));
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(client.objects<Pod>('pods').some((p) => p.metadata.name === 'p'));
    }, undefined, fast);
  });
});
