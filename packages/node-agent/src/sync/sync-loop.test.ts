import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '@skiff/api';
import type { Lister } from '@skiff/machinery';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { PodWorkers } from './pod-workers.js';
import { SyncLoop, type SyncLoopEvent } from './sync-loop.js';

const pod = (uid: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'default', uid }, spec: { containers: [] } });

const cases: { name: string; pods: string[]; held?: string[]; events: SyncLoopEvent[]; want: string[] }[] = [
  { name: 'a pod added: synced', pods: ['a'], events: [{ source: 'pods', op: 'add', pod: pod('a') }], want: ['sync a'] },
  { name: 'a pod deleted: killed', pods: [], events: [{ source: 'pods', op: 'delete', pod: pod('a') }], want: ['kill a'] },
  { name: 'a PLEG event of a known pod: synced', pods: ['a'], events: [{ source: 'pleg', event: { podUid: 'a', type: 'ContainerDied', containerId: 'x' } }], want: ['sync a'] },
  { name: 'a PLEG event of an unknown pod: killed', pods: [], events: [{ source: 'pleg', event: { podUid: 'z', type: 'ContainerDied', containerId: 'x' } }], want: ['kill z'] },
  { name: 'resync: every pod synced, orphans killed', pods: ['a', 'b'], held: ['a', 'ghost'], events: [{ source: 'resync' }], want: ['kill ghost', 'sync a', 'sync b'] },
];
for (const c of cases) {
  void test(`SyncLoop: ${c.name}`, async () => {
    const runtime = new FakeRuntime();
    for (const uid of c.held ?? []) await runtime.runPodSandbox({ pod: { uid, namespace: 'default', name: uid }, attempt: 0, hostname: uid });
    const done: string[] = [];
    const workers = new PodWorkers({
      sync: async (p) => (done.push(`sync ${p.metadata.uid ?? ''}`), {}),
      kill: async (uid) => void done.push(`kill ${uid}`),
      latest: () => undefined,
      onError: () => {},
    });
    const lister = { list: () => c.pods.map(pod) } as unknown as Lister<Pod>;
    const loop = new SyncLoop(lister, runtime, workers, { resyncPeriodMs: 3_600_000 });
    const ac = new AbortController();
    const running = loop.run(ac.signal);
    await new Promise((r) => setTimeout(r, 20));
    await workers.idle();
    done.splice(0); // what the run's first resync did
    for (const e of c.events) loop.push(e);
    await new Promise((r) => setTimeout(r, 20));
    await workers.idle();
    ac.abort();
    await running;
    workers.stop();
    assert.deepEqual(done.sort(), c.want);
  });
}
