// The node agent against a real apiserver (private etcd) with the in-memory runtime: the node
// registers and goes Ready with its Lease, a bound pod runs with a pod IP and is Ready, an exited
// container is restarted with restartCount rising, restartPolicy Never ends Succeeded or Failed,
// deletion is graceful and the object goes away, orphans are removed, and an agent restart
// restarts nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type Event, type Lease, type Node, type Pod } from '@skiff/api';
import { Clientset } from '@skiff/machinery';
import { FakeRuntime } from '@skiff/node-agent';
import { startCluster, type TestCluster } from '../harness/index.js';
import { poll } from '../harness/eventually.js';
import { startFakeAgent, type FakeAgent } from '../harness/fake-agent.js';

const NODE = 'agent-node-1';

/** Polls `probe` every 100 ms until it returns a value other than undefined or false (errors count as "not yet"). */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> =>
  poll(what, timeoutMs, async () => {
    const v = await probe();
    return v === false ? undefined : v;
  }, { intervalMs: 100 });

function pod(name: string, spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'busybox:1.36' }], ...spec },
  };
}

describe('node agent (fake runtime, real apiserver)', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let cs: Clientset;
  const runtime = new FakeRuntime({ podCIDR: '10.244.7.0/24', pullable: ['busybox:1.36', 'busybox:latest'] });
  let agent: FakeAgent | undefined;

  const start = async () => {
    agent = await startFakeAgent(cluster, {
      nodeName: NODE,
      nodeIP: '192.0.2.7',
      containerRuntime: runtime,
      podCIDR: '10.244.7.0/24',
      healthPort: 0,
      resyncPeriodMs: 2000,
      nodeStatusUpdateMs: 1000,
      leaseRenewMs: 1000,
      plegRelistMs: 500,
      housekeepingPeriodMs: 500,
      containerGCPeriodMs: 1000,
    });
  };
  const stop = async () => {
    const a = agent;
    agent = undefined;
    await a?.stop();
  };

  before(async () => {
    cluster = await startCluster();
    cs = new Clientset(cluster.client);
    await start();
  });
  after(async () => {
    await stop();
    await cluster?.close();
  });

  const getPod = (name: string) => cs.pods('default').get(name);
  const containersOf = async (p: Pod) => runtime.listContainers({ podUid: p.metadata.uid ?? '' });

  it('registers the Node, goes Ready and renews its Lease', async () => {
    const node = await until('Ready node', async () => {
      const n: Node = await cs.nodes().get(NODE);
      return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? n : undefined;
    });
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], NODE);
    assert.equal(node.metadata.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(node.spec?.podCIDR, '10.244.7.0/24');
    assert.equal(node.status?.capacity?.pods, '110');
    assert.ok(node.status?.capacity?.cpu && node.status.capacity.memory && node.status.capacity['ephemeral-storage']);
    assert.deepEqual(node.status?.addresses, [
      { type: 'InternalIP', address: '192.0.2.7' },
      { type: 'Hostname', address: NODE },
    ]);
    assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, 'fake://0.1.0');
    const first: Lease = await until('the lease', () => cs.leases('kube-node-lease').get(NODE));
    assert.equal(first.spec?.holderIdentity, NODE);
    assert.equal(first.spec?.leaseDurationSeconds, 40);
    await until('a renewed lease', async () => ((await cs.leases('kube-node-lease').get(NODE)).spec?.renewTime !== first.spec?.renewTime ? true : undefined));
  });

  it('runs a bound pod: Running, pod IP, Ready, events', async () => {
    await cs.pods('default').create(pod('web'));
    const p = await until('web Running and Ready', async () => {
      const x = await getPod('web');
      return x.status?.phase === 'Running' && x.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? x : undefined;
    });
    assert.match(p.status?.podIP ?? '', /^10\.244\.7\./);
    assert.equal(p.status?.hostIP, '192.0.2.7');
    assert.equal(p.status?.qosClass, 'BestEffort');
    assert.ok(p.status?.startTime);
    const cs0 = p.status?.containerStatuses?.[0];
    assert.equal(cs0?.ready, true);
    assert.ok(cs0?.state?.running);
    assert.match(cs0?.containerID ?? '', /^fake:\/\//);
    for (const t of ['Initialized', 'ContainersReady', 'PodScheduled']) assert.equal(p.status?.conditions?.find((c) => c.type === t)?.status, 'True', t);
    const reasons = await until('events', async () => {
      const evs = (await cs.events('default').list()).items as Event[];
      const r = new Set(evs.filter((e) => e.involvedObject?.name === 'web').map((e) => e.reason));
      return ['Pulled', 'Created', 'Started'].every((x) => r.has(x)) ? r : undefined;
    });
    assert.ok(reasons.has('Pulled'));
  });

  it('restarts a container that exits, with restartCount rising', async () => {
    const p = await getPod('web');
    const [c] = (await containersOf(p)).filter((x) => x.state === 'running');
    assert.ok(c);
    runtime.exitContainer(c.id, 1);
    const after1 = await until('restart 1', async () => {
      const x = await getPod('web');
      const s = x.status?.containerStatuses?.[0];
      return s?.restartCount === 1 && s.state?.running ? x : undefined;
    });
    assert.equal(after1.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
    assert.equal(after1.status?.containerStatuses?.[0]?.lastState?.terminated?.reason, 'Error');
    // the second exit falls into the crash-loop back-off (10 s) before it restarts
    const [c2] = (await containersOf(p)).filter((x) => x.state === 'running');
    assert.ok(c2);
    runtime.exitContainer(c2.id, 2);
    await until('CrashLoopBackOff', async () => ((await getPod('web')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? true : undefined));
    const restarted = await until('restart 2', async () => {
      const s = (await getPod('web')).status?.containerStatuses?.[0];
      return s?.restartCount === 2 && s.state?.running ? s : undefined;
    });
    assert.equal(restarted.lastState?.terminated?.exitCode, 2);
    // the container GC (every second here) removes the older dead instance and keeps the last one for --previous
    const left = await until('the GC kept the last dead instance only', async () => {
      const mains = (await containersOf(p)).filter((x) => x.name === 'main').map((x) => `${x.restartCount} ${x.state}`).sort();
      return mains.length === 2 ? mains : undefined;
    });
    assert.deepEqual(left, ['1 exited', '2 running']);
  });

  const table: { name: string; exitCode: number; phase: string; reason: string }[] = [
    { name: 'once-ok', exitCode: 0, phase: 'Succeeded', reason: 'Completed' },
    { name: 'once-bad', exitCode: 3, phase: 'Failed', reason: 'Error' },
  ];
  for (const t of table) {
    it(`restartPolicy Never: exit ${t.exitCode} ends ${t.phase}`, async () => {
      await cs.pods('default').create(pod(t.name, { restartPolicy: 'Never' }));
      const p = await until(`${t.name} Running`, async () => {
        const x = await getPod(t.name);
        return x.status?.phase === 'Running' ? x : undefined;
      });
      const [c] = await containersOf(p);
      assert.ok(c);
      runtime.exitContainer(c.id, t.exitCode);
      const done = await until(`${t.name} ${t.phase}`, async () => {
        const x = await getPod(t.name);
        return x.status?.phase === t.phase ? x : undefined;
      });
      const s = done.status?.containerStatuses?.[0];
      assert.equal(s?.state?.terminated?.exitCode, t.exitCode);
      assert.equal(s?.state?.terminated?.reason, t.reason);
      assert.equal(s?.restartCount, 0);
      assert.equal(done.status?.conditions?.find((c2) => c2.type === 'Ready')?.status, 'False');
      assert.equal((await containersOf(p)).length, 1, 'not restarted');
    });
  }

  it('an agent restart restarts nothing and keeps the pods', async () => {
    const p = await getPod('web');
    const before = (await runtime.listContainers()).map((c) => `${c.id}:${c.state}`).sort();
    const sandboxes = (await runtime.listPodSandboxes()).map((s) => s.id).sort();
    await stop();
    await start();
    // let the new agent sync every pod (its resync runs every 2 s) and look again
    await until('node Ready again', async () => ((await cs.nodes().get(NODE)).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? true : undefined));
    await new Promise((r) => setTimeout(r, 5000));
    await agent!.agent.workers.idle();
    assert.deepEqual((await runtime.listContainers()).map((c) => `${c.id}:${c.state}`).sort(), before);
    assert.deepEqual((await runtime.listPodSandboxes()).map((s) => s.id).sort(), sandboxes);
    const again = await getPod('web');
    assert.equal(again.status?.containerStatuses?.[0]?.restartCount, p.status?.containerStatuses?.[0]?.restartCount);
    assert.equal(again.status?.phase, 'Running');
  });

  it('deletes gracefully: containers stopped, then the object goes away', async () => {
    const p = await getPod('web');
    const uid = p.metadata.uid ?? '';
    await cs.pods('default').delete('web');
    await until('web gone', async () => {
      try {
        await getPod('web');
        return undefined;
      } catch (e) {
        return isApiError(e) && e.code === 'NOT_FOUND' ? true : undefined;
      }
    });
    await until('runtime objects removed', async () => ((await runtime.listContainers({ podUid: uid })).length === 0 && (await runtime.listPodSandboxes({ podUid: uid })).length === 0 ? true : undefined));
    const evs = (await cs.events('default').list()).items as Event[];
    assert.ok(evs.some((e) => e.involvedObject?.name === 'web' && e.reason === 'Killing'));
  });

  it('removes orphans: runtime objects of a pod that does not exist', async () => {
    const sandbox = await runtime.runPodSandbox({ pod: { uid: 'no-such-uid', namespace: 'default', name: 'ghost' }, attempt: 0, hostname: 'ghost' });
    await until('orphan removed', async () => ((await runtime.listPodSandboxes({ podUid: 'no-such-uid' })).length === 0 ? true : undefined));
    assert.ok(sandbox.id);
  });
});
