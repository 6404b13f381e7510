import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '@skiff/api';
import { parseEvictionHard, type NodeFigures } from '../node/pressure.js';
import { binaryQuantity, PressureEviction, rankForEviction, type PodUsageFigures } from './pressure-eviction.js';

const Mi = 1024 * 1024;
const GiB = 1024 * Mi;

function pod(name: string, o: { memoryRequest?: string; priority?: number; phase?: string; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: name, ...(o.deleting ? { deletionTimestamp: '2026-12-03T12:00:00Z' } : {}) },
    spec: { ...(o.priority !== undefined ? { priority: o.priority } : {}), containers: [{ name: 'app', image: 'i', ...(o.memoryRequest ? { resources: { requests: { memory: o.memoryRequest } } } : {}) }] },
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
        evict: (p, message) => evicted.push([p.metadata.name ?? '', message]),
        reclaimDisk: async () => {
          reclaimed = true;
        },
      });
      await m.check();
      assert.equal(reclaimed, Boolean(c.want.reclaimed));
      assert.deepEqual(evicted, c.want.pod ? [[c.want.pod, c.want.message]] : []);
    });
});
