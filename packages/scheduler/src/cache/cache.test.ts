import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import { FakeClock } from '@skiff/machinery';
import { Snapshot } from '../framework/snapshot.js';
import { makeNode, makePod } from '../testing/builders.js';
import { Cache, DEFAULT_ASSUMED_POD_TTL_MS } from './cache.js';

const onNode = (pod: Pod, node: string): Pod => ({ ...pod, spec: { ...pod.spec!, nodeName: node } });

function view(s: Snapshot): Record<string, { pods: string[]; cpu: number }> {
  return Object.fromEntries(s.nodeInfoList.map((n) => [n.name, { pods: n.pods.map((p) => p.pod.metadata.name ?? '').sort(), cpu: n.requested.milliCPU }]));
}

void test('Cache', async (t) => {
  const cases: { name: string; ops: (c: Cache, clock: FakeClock) => void; want: Record<string, { pods: string[]; cpu: number }> }[] = [
    {
      name: 'nodes and assigned pods',
      ops: (c) => {
        c.addNode(makeNode('a'));
        c.addNode(makeNode('b'));
        c.addPod(makePod('x', { nodeName: 'a', cpu: '1' }));
      },
      want: { a: { pods: ['x'], cpu: 1000 }, b: { pods: [], cpu: 0 } },
    },
    {
      name: 'an assumed pod counts at once; confirmation by the informer keeps it once',
      ops: (c) => {
        c.addNode(makeNode('a'));
        const p = makePod('x', { cpu: '1' });
        c.assumePod(onNode(p, 'a'));
        c.finishBinding(onNode(p, 'a'));
        c.addPod(onNode(p, 'a'));
      },
      want: { a: { pods: ['x'], cpu: 1000 } },
    },
    {
      name: 'forget undoes an assume',
      ops: (c) => {
        c.addNode(makeNode('a'));
        const p = onNode(makePod('x', { cpu: '1' }), 'a');
        c.assumePod(p);
        c.forgetPod(p);
      },
      want: { a: { pods: [], cpu: 0 } },
    },
    {
      name: 'an assumed pod bound elsewhere follows the apiserver',
      ops: (c) => {
        c.addNode(makeNode('a'));
        c.addNode(makeNode('b'));
        const p = makePod('x', { cpu: '1' });
        c.assumePod(onNode(p, 'a'));
        c.addPod(onNode(p, 'b'));
      },
      want: { a: { pods: [], cpu: 0 }, b: { pods: ['x'], cpu: 1000 } },
    },
    {
      name: 'an assumed pod expires after the TTL once its bind finished',
      ops: (c, clock) => {
        c.addNode(makeNode('a'));
        const p = onNode(makePod('x', { cpu: '1' }), 'a');
        const q = onNode(makePod('y', { cpu: '1' }), 'a');
        c.assumePod(p);
        c.assumePod(q);
        c.finishBinding(p);
        clock.advance(DEFAULT_ASSUMED_POD_TTL_MS);
        assert.deepEqual(c.cleanupExpiredAssumedPods(), ['default/x']);
      },
      want: { a: { pods: ['y'], cpu: 1000 } },
    },
    {
      name: 'a removed node leaves the snapshot; its pods can still be removed',
      ops: (c) => {
        c.addNode(makeNode('a'));
        c.addNode(makeNode('b'));
        const p = makePod('x', { nodeName: 'a' });
        c.addPod(p);
        c.removeNode(makeNode('a'));
        c.removePod(p);
      },
      want: { b: { pods: [], cpu: 0 } },
    },
    {
      name: 'a pod update moves its requests',
      ops: (c) => {
        c.addNode(makeNode('a'));
        const p = makePod('x', { nodeName: 'a', cpu: '1' });
        c.addPod(p);
        c.updatePod(p, makePod('x', { nodeName: 'a', cpu: '2' }));
      },
      want: { a: { pods: ['x'], cpu: 2000 } },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const clock = new FakeClock();
      const cache = new Cache({ clock });
      c.ops(cache, clock);
      const s = new Snapshot();
      cache.updateSnapshot(s);
      assert.deepEqual(view(s), c.want);
    });
  }

  await t.test('assuming a pod twice is refused', () => {
    const cache = new Cache();
    const p = onNode(makePod('x'), 'a');
    cache.assumePod(p);
    assert.throws(() => cache.assumePod(p), /can't be assumed/);
  });
});

void test('Cache snapshot is incremental', async (t) => {
  await t.test('only changed NodeInfos are copied, in place: every NodeInfo and its arrays keep their objects', () => {
    const cache = new Cache();
    for (let i = 0; i < 100; i++) cache.addNode(makeNode(`n${i}`, { labels: { zone: `z${i % 3}` } }));
    const s = new Snapshot();
    cache.updateSnapshot(s);
    const before = new Map(s.nodeInfoList.map((n) => [n.name, n]));
    const podsBefore = new Map([...s.nodeInfoMap].map(([k, v]) => [k, v.pods]));
    const generationsBefore = new Map([...s.nodeInfoMap].map(([k, v]) => [k, v.generation]));
    cache.addPod(makePod('x', { nodeName: 'n7', cpu: '1' }));
    cache.updateSnapshot(s);
    assert.equal(s.nodeInfoList.length, 100);
    // The list entries are the same objects (updated in place), so the lists need no rebuild.
    for (const n of s.nodeInfoList) assert.equal(n, before.get(n.name));
    for (const [k, v] of s.nodeInfoMap) assert.equal(v.pods, podsBefore.get(k));
    const changed = [...s.nodeInfoMap].filter(([k, v]) => v.generation !== generationsBefore.get(k)).map(([k]) => k);
    assert.deepEqual(changed, ['n7']);
    assert.deepEqual(s.get('n7')?.pods.map((p) => p.pod.metadata.name), ['x']);
    assert.equal(s.get('n7')?.requested.milliCPU, 1000);
    // The cache's own NodeInfo is not the snapshot's: removing the pod changes the snapshot only on update.
    cache.removePod(makePod('x', { nodeName: 'n7', cpu: '1' }));
    assert.equal(s.get('n7')?.pods.length, 1);
    cache.updateSnapshot(s);
    assert.equal(s.get('n7')?.pods.length, 0);
    assert.equal(s.get('n7')?.requested.milliCPU, 0);
  });
  await t.test('the snapshot does not see later cache changes until updated', () => {
    const cache = new Cache();
    cache.addNode(makeNode('a'));
    const s = new Snapshot();
    cache.updateSnapshot(s);
    cache.addPod(makePod('x', { nodeName: 'a', cpu: '1' }));
    assert.equal(s.get('a')?.requested.milliCPU, 0);
    cache.updateSnapshot(s);
    assert.equal(s.get('a')?.requested.milliCPU, 1000);
  });
  await t.test('affinity lists follow pods with affinity', () => {
    const cache = new Cache();
    cache.addNode(makeNode('a'));
    cache.addNode(makeNode('b'));
    const s = new Snapshot();
    cache.updateSnapshot(s);
    const anti = makePod('x', { nodeName: 'b', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: {} }] } } });
    cache.addPod(anti);
    cache.updateSnapshot(s);
    assert.deepEqual(s.havePodsWithRequiredAntiAffinityList.map((n) => n.name), ['b']);
    cache.removePod(anti);
    cache.updateSnapshot(s);
    assert.deepEqual(s.havePodsWithRequiredAntiAffinityList, []);
  });
  await t.test('image counts follow nodes', () => {
    const cache = new Cache();
    cache.addNode(makeNode('a', { images: [{ names: ['nginx:1'], sizeBytes: 1 }] }));
    cache.addNode(makeNode('b', { images: [{ names: ['nginx:1'], sizeBytes: 1 }] }));
    const s = new Snapshot();
    cache.updateSnapshot(s);
    assert.equal(s.imageNodeCount.get('nginx:1'), 2);
    cache.removeNode(makeNode('a'));
    cache.updateSnapshot(s);
    assert.equal(s.imageNodeCount.get('nginx:1'), 1);
  });
});
