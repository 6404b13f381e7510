import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import type { ContainerConfig } from '../runtime/runtime.js';
import { PodStateCache, readPodState, type PodRuntimeState } from './pod-state.js';

const pod = { uid: 'u1', namespace: 'default', name: 'web' };
const app = (restartCount = 0): ContainerConfig => ({ pod, name: 'app', restartCount, image: 'skiff/testbox:0.1', entrypoint: [], cmd: ['sh'], env: [] });

/** a fake runtime that counts inspections */
class CountingRuntime extends FakeRuntime {
  inspections = 0;
  override containerStatus(id: string) {
    this.inspections++;
    return super.containerStatus(id);
  }
  override podSandboxStatus(id: string) {
    this.inspections++;
    return super.podSandboxStatus(id);
  }
}

async function runningPod(rt: FakeRuntime): Promise<{ sandbox: string; container: string }> {
  const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
  const id = await rt.createContainer(sb.id, app());
  await rt.startContainer(id);
  return { sandbox: sb.id, container: id };
}

void describe('readPodState with a PodStateCache', () => {
  const cases: {
    name: string;
    /** what happens between the first and the second read */
    between: (rt: CountingRuntime, ids: { sandbox: string; container: string }) => Promise<void> | void;
    /** inspections of the second read */
    inspections: number;
    want: (s: Awaited<ReturnType<typeof readPodState>>) => void;
  }[] = [
    {
      name: 'a steady pod is not inspected again',
      between: () => undefined,
      inspections: 0,
      want: (s) => assert.deepEqual([s.sandboxes[0]?.state, s.containers[0]?.state], ['ready', 'running']),
    },
    {
      name: 'a container that exited is inspected again and shows its exit',
      between: (rt, ids) => rt.exitContainer(ids.container, 3),
      inspections: 1,
      want: (s) => assert.deepEqual([s.containers[0]?.state, s.containers[0]?.exitCode, s.containers[0]?.reason], ['exited', 3, 'Error']),
    },
    {
      name: 'a new instance is inspected, the exited one is not again',
      between: async (rt, ids) => {
        rt.exitContainer(ids.container, 1);
        await readPodState(rt, pod.uid, cache);
        rt.inspections = 0;
        await rt.startContainer(await rt.createContainer(ids.sandbox, app(1)));
      },
      inspections: 1,
      want: (s) => assert.deepEqual(s.containers.map((c) => [c.restartCount, c.state]), [[1, 'running'], [0, 'exited']]),
    },
    {
      name: 'a removed container leaves the state',
      between: async (rt, ids) => {
        await rt.stopContainer(ids.container, 0);
        await rt.removeContainer(ids.container);
      },
      inspections: 0,
      want: (s) => assert.deepEqual(s.containers, []),
    },
  ];
  let cache = new PodStateCache();
  for (const c of cases) {
    void it(c.name, async () => {
      cache = new PodStateCache();
      const rt = new CountingRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
      const ids = await runningPod(rt);
      rt.inspections = 0;
      const first = await readPodState(rt, pod.uid, cache);
      assert.equal(rt.inspections, 2);
      assert.equal(first.containers[0]?.state, 'running');
      rt.inspections = 0;
      await c.between(rt, ids);
      rt.inspections = 0;
      const second = await readPodState(rt, pod.uid, cache);
      assert.equal(rt.inspections, c.inspections);
      c.want(second);
    });
  }

  void it('hands out copies: a change to a returned status does not reach the next read', async () => {
    const rt = new CountingRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    await runningPod(rt);
    const c = new PodStateCache();
    (await readPodState(rt, pod.uid, c)).containers[0]!.message = 'changed';
    assert.equal((await readPodState(rt, pod.uid, c)).containers[0]!.message, undefined);
  });
});

void describe('PodStateCache: steady states', () => {
  const state: PodRuntimeState = { sandboxes: [], containers: [{ id: 'c1', sandboxId: 's1', pod, name: 'app', restartCount: 0, image: 'i', imageId: 'sha256:1', state: 'running' as const, createdAt: '2026-01-01T00:00:00Z' }] };
  const cases: { name: string; act: (c: PodStateCache) => void; nowMs: number; kept: boolean }[] = [
    { name: 'kept, then handed out', act: (c) => c.keepState('u1', c.generation('u1'), 0, state), nowMs: 1000, kept: true },
    { name: 'too old: read again', act: (c) => c.keepState('u1', c.generation('u1'), 0, state), nowMs: 60_001, kept: false },
    {
      name: 'a PLEG event drops it',
      act: (c) => {
        c.keepState('u1', c.generation('u1'), 0, state);
        c.invalidate('u1');
      },
      nowMs: 1000,
      kept: false,
    },
    {
      name: 'a read that overlapped an event is not kept',
      act: (c) => {
        const gen = c.generation('u1');
        c.invalidate('u1');
        c.keepState('u1', gen, 0, state);
      },
      nowMs: 1000,
      kept: false,
    },
    {
      name: 'forgotten with the pod',
      act: (c) => {
        c.keepState('u1', c.generation('u1'), 0, state);
        c.forget('u1');
      },
      nowMs: 1000,
      kept: false,
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const cache = new PodStateCache();
      c.act(cache);
      const got = cache.steady('u1', c.nowMs, 60_000);
      assert.equal(got !== undefined, c.kept);
      if (got) {
        assert.deepEqual(got, state);
        got.containers[0]!.message = 'x';
        assert.equal(cache.steady('u1', c.nowMs, 60_000)?.containers[0]?.message, undefined, 'a copy');
      }
    });
  }
});
