import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRuntimeError } from '../../errors.js';
import { logTarget } from '../recover.js';
import type { ContainerConfig, RuntimeEvent } from '../runtime.js';
import { FakeRuntime } from './fake-runtime.js';

const pod = { uid: 'u1', namespace: 'default', name: 'web' };
const app = (restartCount = 0): ContainerConfig => ({ pod, name: 'app', restartCount, image: 'skiff/testbox:0.1', entrypoint: [], cmd: ['sh'], env: [] });

async function take(it: AsyncIterable<RuntimeEvent>, n: number): Promise<RuntimeEvent[]> {
  const out: RuntimeEvent[] = [];
  for await (const e of it) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

void describe('FakeRuntime', () => {
  void it('runs a sandbox with a pod IP and a container joined to it', async () => {
    const rt = new FakeRuntime({ podCIDR: '10.244.3.0/24', images: [{ ref: 'skiff/testbox:0.1' }] });
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    assert.equal(sb.ip, '10.244.3.2');
    assert.equal(sb.state, 'ready');
    const id = await rt.createContainer(sb.id, app());
    assert.equal((await rt.containerStatus(id)).state, 'created');
    await rt.startContainer(id);
    const st = await rt.containerStatus(id);
    assert.equal(st.state, 'running');
    assert.ok(st.startedAt);
    assert.match(st.imageId, /^sha256:/);
    const second = await rt.runPodSandbox({ pod: { ...pod, uid: 'u2', name: 'other' }, attempt: 0, hostname: 'other' });
    assert.equal(second.ip, '10.244.3.3');
  });

  void it('reports die and oom events and the termination reason', async () => {
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    const ac = new AbortController();
    const events = rt.events(ac.signal);
    const got = take(events, 4);
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    const id = await rt.createContainer(sb.id, app());
    await rt.startContainer(id);
    rt.exitContainer(id, 137, { oomKilled: true });
    const evs = await got;
    ac.abort();
    assert.deepEqual(
      evs.map((e) => [e.type, e.containerName, e.exitCode]),
      [['start', undefined, undefined], ['start', 'app', undefined], ['oom', 'app', undefined], ['die', 'app', 137]],
    );
    const st = await rt.containerStatus(id);
    assert.deepEqual([st.state, st.exitCode, st.reason], ['exited', 137, 'OOMKilled']);
    assert.equal(rt.eventListeners, 0);

    // a reader that comes late asks for the events since a time and gets them first
    const late = new AbortController();
    const replayed = await take(rt.events(late.signal, 0), 4);
    late.abort();
    assert.deepEqual(replayed.map((e) => e.type), ['start', 'start', 'oom', 'die']);
  });

  void it('a new instance over the same records would recover; recover groups by pod', async () => {
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    const first = await rt.createContainer(sb.id, app(0));
    await rt.startContainer(first);
    rt.exitContainer(first, 1);
    const second = await rt.createContainer(sb.id, app(1));
    await rt.startContainer(second);
    const other = await rt.runPodSandbox({ pod: { uid: 'u0', namespace: 'default', name: 'aaa' }, attempt: 0, hostname: 'aaa' });
    const pods = await rt.recover();
    assert.deepEqual(pods.map((p) => p.pod.name), ['aaa', 'web']);
    assert.deepEqual(pods[0]!.sandboxes.map((s) => s.id), [other.id]);
    assert.deepEqual(pods[1]!.containers.map((c) => [c.id, c.restartCount, c.state]), [[second, 1, 'running'], [first, 0, 'exited']]);
    const all = await rt.listContainers();
    assert.equal(logTarget(all, 'u1', 'app', false)?.id, second);
    assert.equal(logTarget(all, 'u1', 'app', true)?.id, first);
    assert.equal(logTarget(all, 'u1', 'nope', false), undefined);
  });

  void it('refuses a second container of the same name and restart count', async () => {
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    await rt.createContainer(sb.id, app(0));
    await assert.rejects(rt.createContainer(sb.id, app(0)), (e) => isRuntimeError(e, 'AlreadyExists'));
  });

  void it('stopping a sandbox stops its containers; removing removes them', async () => {
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    const id = await rt.createContainer(sb.id, app());
    await rt.startContainer(id);
    await rt.stopPodSandbox(sb.id);
    assert.equal((await rt.containerStatus(id)).state, 'exited');
    assert.equal((await rt.podSandboxStatus(sb.id)).ip, undefined);
    await rt.removePodSandbox(sb.id);
    await rt.removePodSandbox(sb.id);
    assert.deepEqual(await rt.recover(), []);
    await assert.rejects(rt.containerStatus(id), (e) => isRuntimeError(e, 'NotFound'));
  });

  void it('images: inspect, pull from the pretend registry, or fail', async () => {
    const rt = new FakeRuntime({ pullable: ['registry.local/app:1'] });
    assert.equal(await rt.inspectImage('registry.local/app:1'), undefined);
    const id = await rt.pullImage('registry.local/app:1');
    assert.equal((await rt.inspectImage('registry.local/app:1'))?.id, id);
    await assert.rejects(rt.pullImage('nope:1'), (e) => isRuntimeError(e, 'ImagePull'));
    assert.ok(await rt.inspectImage('skiff/pause:0.1'), 'the infra image is present');
  });

  void it('logs: tail, since, timestamps', async () => {
    let now = 1_000_000;
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }], now: () => now });
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    const id = await rt.createContainer(sb.id, app());
    for (const l of ['one', 'two', 'three']) {
      rt.writeLog(id, l === 'two' ? 'stderr' : 'stdout', l);
      now += 1000;
    }
    const read = async (o: Parameters<FakeRuntime['logs']>[1]) => {
      const out: string[] = [];
      for await (const c of rt.logs(id, o)) out.push(`${c.stream}:${c.data.toString().trim()}`);
      return out;
    };
    assert.deepEqual(await read({}), ['stdout:one', 'stderr:two', 'stdout:three']);
    assert.deepEqual(await read({ tail: 1 }), ['stdout:three']);
    assert.deepEqual(await read({ sinceMs: 1_001_000 }), ['stderr:two', 'stdout:three']);
    assert.deepEqual(await read({ tail: 1, timestamps: true }), [`stdout:${new Date(1_002_000).toISOString()} three`]);
  });

  void it('exec runs the handler in a running container only', async () => {
    const rt = new FakeRuntime({ images: [{ ref: 'skiff/testbox:0.1' }] });
    rt.execHandler = (_id, cmd) => ({ exitCode: cmd[0] === 'false' ? 1 : 0, stdout: cmd.join(' '), stderr: '' });
    const sb = await rt.runPodSandbox({ pod, attempt: 0, hostname: 'web' });
    const id = await rt.createContainer(sb.id, app());
    await assert.rejects(rt.execSync(id, ['true'], 1000), (e) => isRuntimeError(e, 'InvalidArgument'));
    await rt.startContainer(id);
    assert.deepEqual(await rt.execSync(id, ['echo', 'hi'], 1000), { exitCode: 0, stdout: 'echo hi', stderr: '' });
    const s = await rt.exec(id, { cmd: ['false'] });
    assert.equal(await s.exitCode(), 1);
  });
});
