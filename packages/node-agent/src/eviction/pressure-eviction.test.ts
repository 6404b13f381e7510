import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '@skiff/api';
import { parseEvictionHard, parseEvictionSoft, type NodeFigures } from '../node/pressure.js';
import { binaryQuantity, PressureEviction, rankForEviction, type PodUsageFigures } from './pressure-eviction.js';

const Mi = 1024 * 1024;
const GiB = 1024 * Mi;

function pod(name: string, o: { memoryRequest?: string; priority?: number; phase?: string; deleting?: boolean; grace?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: name, ...(o.deleting ? { deletionTimestamp: '2026-12-03T12:00:00Z' } : {}) },
    spec: { ...(o.priority !== undefined ? { priority: o.priority } : {}), ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}), containers: [{ name: 'app', image: 'i', ...(o.memoryRequest ? { resources: { requests: { memory: o.memoryRequest } } } : {}) }] },
    status: { phase: o.phase ?? 'Running' },
  };
}

const figures = (o: Partial<NodeFigures> = {}): NodeFigures => ({
  memoryAvailableBytes: 4 * GiB,
  memoryCapacityBytes: 8 * GiB,
  nodefsAvailableBytes: 50 * GiB,
  nodefsCapacityBytes: 100 * GiB,
  nodefsInodesFree: 1_000_000,
  nodefsInodes: 2_000_000,
  ...o,
});

const mem = (entries: Record<string, number>) => new Map<string, PodUsageFigures>(Object.entries(entries).map(([uid, b]) => [uid, { containers: [{ name: 'app', memoryBytes: b }] }]));

void describe('binaryQuantity (as Go prints a BinarySI quantity)', () => {
  const cases: [number, string][] = [
    [100 * Mi, '100Mi'],
    [1536, '1536'],
    [0, '0'],
    [2 * GiB, '2Gi'],
    [1024, '1Ki'],
  ];
  for (const [b, want] of cases) void it(want, () => assert.equal(binaryQuantity(b), want));
});

void describe('rankForEviction (memory)', () => {
  const cases: { name: string; pods: Pod[]; usage: Map<string, PodUsageFigures>; want: string[] }[] = [
    { name: 'BestEffort over its (zero) request before a Burstable within its request', pods: [pod('within', { memoryRequest: '500Mi' }), pod('besteffort')], usage: mem({ within: 100 * Mi, besteffort: 10 * Mi }), want: ['besteffort', 'within'] },
    { name: 'among those exceeding: lower priority first', pods: [pod('high', { priority: 1000 }), pod('low', { priority: -5 })], usage: mem({ high: 900 * Mi, low: 10 * Mi }), want: ['low', 'high'] },
    { name: 'same priority: more usage above requests first', pods: [pod('a', { memoryRequest: '100Mi' }), pod('b', { memoryRequest: '10Mi' })], usage: mem({ a: 300 * Mi, b: 150 * Mi }), want: ['a', 'b'] },
    { name: 'a pod without figures counts as within its requests', pods: [pod('unknown'), pod('known')], usage: mem({ known: 1 }), want: ['known', 'unknown'] },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual(rankForEviction(c.pods, c.usage, 'memory').map((p) => p.metadata.name), c.want));
});

void describe('PressureEviction.check (hard thresholds, a fake stats source)', () => {
  const cases: { name: string; figures: NodeFigures; after?: NodeFigures; pods: Pod[]; usage: Map<string, PodUsageFigures>; spec?: string; want: { pod?: string; message?: string; reclaimed?: boolean } }[] = [
    { name: 'no pressure: nothing', figures: figures(), pods: [pod('a')], usage: mem({ a: GiB }), want: {} },
    {
      name: 'memory.available<100Mi: the BestEffort pod over its request goes, with the kubelet message',
      figures: figures({ memoryAvailableBytes: 50 * Mi }),
      pods: [pod('guaranteed', { memoryRequest: '1Gi' }), pod('hog')],
      usage: mem({ guaranteed: 512 * Mi, hog: 300 * Mi }),
      want: { pod: 'hog', message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 300Mi, request is 0, has larger consumption of memory. ' },
    },
    {
      name: 'ended and terminating pods are not candidates',
      figures: figures({ memoryAvailableBytes: 50 * Mi }),
      pods: [pod('done', { phase: 'Succeeded' }), pod('going', { deleting: true }), pod('left', { memoryRequest: '1Gi' })],
      usage: mem({ done: GiB, going: GiB, left: 10 * Mi }),
      want: { pod: 'left', message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. ' },
    },
    {
      name: 'nodefs.available<10%: the node reclaims first, and that was enough',
      figures: figures({ nodefsAvailableBytes: 5 * GiB }),
      after: figures(),
      pods: [pod('a')],
      usage: new Map(),
      want: { reclaimed: true },
    },
    {
      name: 'nodefs.available<10% after reclaiming: a pod is evicted for ephemeral-storage',
      figures: figures({ nodefsAvailableBytes: 5 * GiB }),
      pods: [pod('a')],
      usage: new Map([['a', { containers: [{ name: 'app', diskBytes: 2 * GiB }] }]]),
      want: { reclaimed: true, pod: 'a', message: 'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 5Gi. Container app was using 2Gi, request is 0, has larger consumption of ephemeral-storage. ' },
    },
    { name: 'no thresholds (--eviction-hard ""): nothing', spec: '', figures: figures({ memoryAvailableBytes: 0 }), pods: [pod('a')], usage: mem({ a: GiB }), want: {} },
  ];
  for (const c of cases)
    void it(c.name, async () => {
      const evicted: [string, string][] = [];
      let reclaimed = false;
      const m = new PressureEviction({
        thresholds: parseEvictionHard(c.spec ?? 'memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%'),
        figures: async () => (reclaimed && c.after ? c.after : c.figures),
        usage: async () => c.usage,
        pods: () => c.pods,
        evict: (p, message, grace) => {
          evicted.push([p.metadata.name ?? '', message]);
          assert.equal(grace, 1, 'a hard threshold: the kubelet immediate grace period');
        },
        reclaimDisk: async () => {
          reclaimed = true;
        },
      });
      await m.check();
      assert.equal(reclaimed, Boolean(c.want.reclaimed));
      assert.deepEqual(evicted, c.want.pod ? [[c.want.pod, c.want.message]] : []);
    });
});

void describe('PressureEviction.check (soft thresholds: grace periods over time)', () => {
  const low = figures({ memoryAvailableBytes: 500 * Mi });
  const roomy = figures();
  const soft = (grace = '1m') => parseEvictionSoft('memory.available<1Gi', `memory.available=${grace}`);
  const cases: {
    name: string;
    thresholds: ReturnType<typeof parseEvictionHard>;
    /** [seconds since start, figures] of each check */
    steps: [number, NodeFigures][];
    pods?: Pod[];
    max?: number;
    /** the check (index) that evicts, with the pod and its grace; none: no eviction at all */
    want?: { at: number; pod: string; grace: number };
  }[] = [
    { name: 'met, but not for the grace period yet: nothing', thresholds: soft(), steps: [[0, low], [30, low], [59, low]] },
    { name: 'met for the whole grace period: the pod goes with min(max, its own grace)', thresholds: soft(), max: 10, steps: [[0, low], [30, low], [60, low]], want: { at: 2, pod: 'hog', grace: 10 } },
    { name: 'a break starts the grace period over', thresholds: soft(), max: 10, steps: [[0, low], [30, roomy], [61, low], [100, low], [121, low]], want: { at: 4, pod: 'hog', grace: 10 } },
    { name: 'its own grace period when shorter than the max', thresholds: soft(), max: 60, pods: [pod('hog', { grace: 5 })], steps: [[0, low], [60, low]], want: { at: 1, pod: 'hog', grace: 5 } },
    { name: 'a negative max: the pod\'s own grace period', thresholds: soft(), max: -1, pods: [pod('hog', { grace: 45 })], steps: [[0, low], [60, low]], want: { at: 1, pod: 'hog', grace: 45 } },
    { name: 'the default max (0)', thresholds: soft(), steps: [[0, low], [60, low]], want: { at: 1, pod: 'hog', grace: 0 } },
    {
      name: 'a hard threshold met as well acts at once, with 1 s',
      thresholds: [...parseEvictionHard('memory.available<600Mi'), ...soft()],
      max: 10,
      steps: [[0, low]],
      want: { at: 0, pod: 'hog', grace: 1 },
    },
    {
      name: 'critical pods are never evicted: the next one goes',
      thresholds: soft(),
      pods: [pod('critical', { priority: 2_000_000_000 }), pod('hog', { priority: 5 })],
      steps: [[0, low], [60, low]],
      want: { at: 1, pod: 'hog', grace: 0 },
    },
    {
      name: 'a grace period of 0s makes a soft threshold hard (as the kubelet)',
      thresholds: soft('0s'),
      steps: [[0, low]],
      want: { at: 0, pod: 'hog', grace: 1 },
    },
  ];
  for (const c of cases)
    void it(c.name, async () => {
      let nowMs = 0;
      let current = c.steps[0]![1];
      const evicted: { at: number; pod: string; grace: number }[] = [];
      let step = 0;
      const m = new PressureEviction({
        thresholds: c.thresholds,
        figures: async () => current,
        usage: async () => mem({ hog: 900 * Mi, critical: 2 * GiB }),
        pods: () => c.pods ?? [pod('hog', { grace: 30 })],
        evict: (p, _message, grace) => evicted.push({ at: step, pod: p.metadata.name ?? '', grace }),
        now: () => nowMs,
        ...(c.max !== undefined ? { maxPodGracePeriodSeconds: c.max } : {}),
      });
      for (const [i, [seconds, f]] of c.steps.entries()) {
        step = i;
        nowMs = seconds * 1000;
        current = f;
        await m.check();
      }
      assert.deepEqual(evicted, c.want ? [c.want] : []);
    });
});
