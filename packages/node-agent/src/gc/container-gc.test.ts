import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerSummary, PodSandbox } from '../runtime/runtime.js';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { collectContainers, planContainerGC } from './container-gc.js';

const t = (s: number) => new Date(Date.parse('2026-12-03T12:00:00Z') + s * 1000).toISOString();
const pod = (uid: string) => ({ uid, namespace: 'ns', name: `p-${uid}` });
const ctr = (id: string, uid: string, name: string, state: ContainerSummary['state'], at: number, sandboxId = `sb-${uid}`): ContainerSummary => ({
  id,
  sandboxId,
  pod: pod(uid),
  name,
  restartCount: 0,
  image: 'i',
  imageId: 'sha256:i',
  state,
  createdAt: t(at),
});
const sb = (id: string, uid: string, state: PodSandbox['state'], at: number): PodSandbox => ({ id, pod: pod(uid), attempt: 0, state, createdAt: t(at), labels: {} });

const cases: { name: string; containers: ContainerSummary[]; sandboxes: PodSandbox[]; exists: string[]; minAgeMs?: number; want: { containers: string[]; sandboxes: string[] } }[] = [
  {
    name: 'the newest dead instance per container is kept for --previous',
    containers: [ctr('c3', 'a', 'app', 'running', 30), ctr('c2', 'a', 'app', 'exited', 20), ctr('c1', 'a', 'app', 'exited', 10), ctr('c0', 'a', 'app', 'exited', 5)],
    sandboxes: [sb('sb-a', 'a', 'ready', 0)],
    exists: ['a'],
    want: { containers: ['c1', 'c0'], sandboxes: [] },
  },
  {
    name: 'containers are counted per name',
    containers: [ctr('i1', 'a', 'init', 'exited', 1), ctr('c1', 'a', 'app', 'exited', 10), ctr('c2', 'a', 'app', 'exited', 20)],
    sandboxes: [sb('sb-a', 'a', 'ready', 0)],
    exists: ['a'],
    want: { containers: ['c1'], sandboxes: [] },
  },
  {
    name: 'a pod that no longer exists: every dead container and its stopped sandbox',
    containers: [ctr('c1', 'gone', 'app', 'exited', 10), ctr('c2', 'gone', 'app', 'created', 20)],
    sandboxes: [sb('sb-gone', 'gone', 'notready', 0)],
    exists: [],
    want: { containers: ['c2', 'c1'], sandboxes: ['sb-gone'] },
  },
  {
    name: 'running objects of a gone pod are left to the sync loop',
    containers: [ctr('c1', 'gone', 'app', 'running', 10)],
    sandboxes: [sb('sb-gone', 'gone', 'ready', 0)],
    exists: [],
    want: { containers: [], sandboxes: [] },
  },
  {
    name: 'an old stopped sandbox goes once empty; the newest stays',
    containers: [ctr('c2', 'a', 'app', 'running', 30, 'sb-new'), ctr('c1', 'a', 'app', 'exited', 10, 'sb-old')],
    sandboxes: [sb('sb-old', 'a', 'notready', 0), sb('sb-new', 'a', 'ready', 25), sb('sb-older', 'a', 'notready', -10)],
    exists: ['a'],
    want: { containers: [], sandboxes: ['sb-older'] },
  },
  {
    name: 'the newest sandbox of an existing pod stays even when stopped and empty',
    containers: [],
    sandboxes: [sb('sb-a', 'a', 'notready', 0)],
    exists: ['a'],
    want: { containers: [], sandboxes: [] },
  },
  {
    name: 'minAge keeps young dead containers',
    containers: [ctr('c2', 'gone', 'app', 'exited', 3590), ctr('c1', 'gone', 'app', 'exited', 0)],
    sandboxes: [],
    exists: [],
    minAgeMs: 60_000,
    want: { containers: ['c1'], sandboxes: [] },
  },
];
for (const c of cases) {
  void test(`planContainerGC: ${c.name}`, () => {
    const got = planContainerGC(c.containers, c.sandboxes, (uid) => c.exists.includes(uid), Date.parse(t(3600)), { maxPerPodContainer: 1, minAgeMs: c.minAgeMs ?? 0 });
    assert.deepEqual(got, c.want);
  });
}

void test('collectContainers: on the fake runtime, the last dead instance survives and a gone pod is emptied', async () => {
  let now = Date.parse('2026-12-03T12:00:00Z');
  const rt = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }], now: () => now });
  const made: Record<string, string[]> = {};
  for (const uid of ['keep', 'gone']) {
    const s = await rt.runPodSandbox({ pod: pod(uid), attempt: 0, hostname: 'h' });
    made[uid] = [];
    for (let i = 0; i < 3; i++) {
      now += 1000;
      const id = await rt.createContainer(s.id, { pod: pod(uid), name: 'app', restartCount: i, image: 'busybox:1.36', entrypoint: [], cmd: [], env: [] });
      await rt.startContainer(id);
      rt.exitContainer(id, 1);
      made[uid]?.push(id);
    }
    if (uid === 'gone') await rt.stopPodSandbox(s.id);
  }
  await collectContainers(rt, (uid) => uid === 'keep', now);
  assert.deepEqual((await rt.listContainers({ podUid: 'keep' })).map((c) => c.id), [made['keep']?.[2]]);
  assert.deepEqual(await rt.listContainers({ podUid: 'gone' }), []);
  assert.deepEqual(await rt.listPodSandboxes({ podUid: 'gone' }), []);
  assert.equal((await rt.listPodSandboxes({ podUid: 'keep' })).length, 1);
});
