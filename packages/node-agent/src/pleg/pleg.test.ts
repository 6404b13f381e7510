import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, flushMicrotasks } from '@skiff/machinery';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import type { ContainerConfig, ContainerSummary } from '../runtime/runtime.js';
import { Pleg } from './pleg.js';
import type { PodLifecycleEvent } from './relist.js';

const pod = { uid: 'u1', namespace: 'default', name: 'web' };
const app: ContainerConfig = { pod, name: 'app', restartCount: 0, image: 'skiff/testbox:0.1', entrypoint: [], cmd: ['sh'], env: [] };

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await flushMicrotasks();
}

void describe('Pleg', () => {
  void it('hears a runtime event at once, and catches a silent change at the next relist', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    const pleg = new Pleg(rt, { clock, relistPeriodMs: 1000 });
    const seen: PodLifecycleEvent[] = [];
    const pairs = (): string[][] => seen.map((e) => [e.type, e.containerId]);
    const ac = new AbortController();
    const running = pleg.run(ac.signal, (e) => seen.push(e));
    await settle();
    assert.ok(pleg.healthy());
    assert.equal(rt.eventListeners, 1);

    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    const id = await rt.createContainer(sb.id, app);
    await rt.startContainer(id);
    await settle();
    assert.deepEqual(pairs(), [['ContainerStarted', sb.id], ['ContainerStarted', id]], 'no clock advance needed');

    seen.length = 0;
    rt.exitContainer(id, 1);
    await settle();
    assert.deepEqual(seen.map((e) => [e.type, e.containerId, e.podUid]), [['ContainerDied', id, 'u1']]);

    // a created container removed before it ran: the runtime reports nothing, the relist does
    seen.length = 0;
    const quiet = await rt.createContainer(sb.id, { ...app, restartCount: 1 });
    await rt.removeContainer(quiet);
    await settle();
    assert.equal(seen.length, 0);
    await clock.tick(1000);
    await settle();
    assert.equal(seen.length, 0, 'created and removed between two relists: nothing to tell');

    const another = await rt.createContainer(sb.id, { ...app, restartCount: 2 });
    await clock.tick(1000);
    await settle();
    assert.deepEqual(pairs(), [['ContainerChanged', another]]);

    ac.abort();
    await running;
    assert.equal(rt.eventListeners, 0);
    assert.equal(clock.pending(), 0, 'no timer left behind');
  });

  void it("retries soon while the runtime's list lags its own event (as Docker's does)", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    const list = rt.listContainers.bind(rt);
    let stale: ContainerSummary[] | undefined;
    rt.listContainers = async (f) => {
      const s = stale;
      stale = undefined;
      return s ?? list(f);
    };
    const seen: PodLifecycleEvent[] = [];
    const ac = new AbortController();
    const running = new Pleg(rt, { clock, relistPeriodMs: 60_000 }).run(ac.signal, (e) => seen.push(e));
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    const id = await rt.createContainer(sb.id, app);
    await rt.startContainer(id);
    await settle();
    stale = await list(); // the next list still shows it running
    rt.exitContainer(id, 137);
    await settle();
    assert.equal(seen.filter((e) => e.type === 'ContainerDied').length, 0);
    await clock.tick(50);
    await settle();
    assert.deepEqual(seen.filter((e) => e.type === 'ContainerDied').map((e) => e.containerId), [id]);
    ac.abort();
    await running;
    assert.equal(clock.pending(), 0);
  });

  void it('is unhealthy when relists fail for longer than the threshold', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime();
    const errors: string[] = [];
    const pleg = new Pleg(rt, { clock, relistThresholdMs: 5000, onError: (what) => errors.push(what) });
    assert.equal(pleg.healthy(), false, 'never relisted');
    await pleg.relist();
    assert.ok(pleg.healthy());
    rt.listContainers = async () => {
      throw new Error('dockerd is gone');
    };
    const ac = new AbortController();
    const running = pleg.run(ac.signal, () => undefined);
    await clock.tick(6000);
    assert.equal(pleg.healthy(), false);
    assert.ok(errors.includes('relist'));
    ac.abort();
    await running;
  });
});
