// The Node's Ready condition against a real apiserver, with the fake runtime and pod network: an agent
// started without --pod-cidr stays NotReady until a podCIDR is assigned to its Node; Ready goes False
// with the kubelet's reason and a message when the runtime stops answering or the pod network is gone,
// and True again when they are back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '@skiff/api';
import { Clientset } from '@skiff/machinery';
import { FakePodNetwork, FakeRuntime } from '@skiff/node-agent';
import { startCluster, type TestCluster } from '../harness/index.js';
import { poll } from '../harness/eventually.js';
import { FAKE_CLUSTER_CIDR, FAKE_POD_CIDR, startFakeAgent, type FakeAgent } from '../harness/fake-agent.js';

const NODE = 'ready-node-1';
const CIDR = FAKE_POD_CIDR;

describe('node agent: the Ready condition (fake runtime, real apiserver)', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let cs: Clientset;
  const runtime = new FakeRuntime({ podCIDR: CIDR });
  const network = new FakePodNetwork({ podCIDR: CIDR, clusterCIDR: FAKE_CLUSTER_CIDR });
  let agent: FakeAgent | undefined;

  const ready = async () => (await cs.nodes().get(NODE)).status?.conditions?.find((c) => c.type === 'Ready');
  const readyBecomes = (status: string, what: string) =>
    poll(`Ready=${status} (${what})`, 20_000, async () => {
      const c = await ready();
      return c?.status === status ? c : undefined;
    }, { intervalMs: 100 });

  before(async () => {
    cluster = await startCluster();
    cs = new Clientset(cluster.client);
    agent = await startFakeAgent(cluster, {
      nodeName: NODE,
      nodeIP: '192.0.2.9',
      containerRuntime: runtime,
      podNetwork: network,
      podCIDR: null, // the controller-manager has not assigned one yet
      nodeStatusUpdateMs: 300,
      leaseRenewMs: 1000,
    });
  });
  after(async () => {
    await agent?.stop();
    await cluster?.close();
  });

  it('stays NotReady without a pod CIDR, then Ready once the Node gets spec.podCIDR', async () => {
    const c = await readyBecomes('False', 'no pod CIDR');
    assert.equal(c.reason, 'KubeletNotReady');
    assert.match(c.message ?? '', /network is not ready: the node has no pod CIDR/);
    // still NotReady a few status syncs later, and no network was set up
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await ready())?.status, 'False');
    assert.equal(network.setUpCalls, 0);
    const node: Node = await cs.nodes().get(NODE);
    await cs.nodes().update({ ...node, spec: { ...node.spec, podCIDR: CIDR, podCIDRs: [CIDR] } });
    const r = await readyBecomes('True', 'podCIDR assigned');
    assert.equal(r.reason, 'KubeletReady');
    assert.equal(network.setUpCalls, 1);
  });

  it('goes NotReady while the runtime does not answer, Ready again when it does', async () => {
    await readyBecomes('True', 'before');
    runtime.unreachable = true;
    try {
      const c = await readyBecomes('False', 'runtime unreachable');
      assert.equal(c.reason, 'KubeletNotReady');
      assert.match(c.message ?? '', /^container runtime is down: .*docker\.sock/);
    } finally {
      runtime.unreachable = false;
    }
    await readyBecomes('True', 'runtime back');
  });

  it('goes NotReady while the pod network is gone, Ready again when it is back', async () => {
    await readyBecomes('True', 'before');
    await network.cleanUp();
    try {
      const c = await readyBecomes('False', 'network gone');
      assert.match(c.message ?? '', /^network is not ready: the pod network is not set up/);
    } finally {
      await network.setUp();
    }
    await readyBecomes('True', 'network back');
  });

  it("MemoryPressure and DiskPressure from this machine's real figures against --eviction-hard", async () => {
    // thresholds no machine meets (more memory than any has, all of the disk) and none it misses
    const tight = await startFakeAgent(cluster, { nodeName: 'pressed-node', podCIDR: '10.244.10.0/24', nodeStatusUpdateMs: 300, evictionHard: 'memory.available<1Pi,nodefs.available<99.99%' });
    const loose = await startFakeAgent(cluster, { nodeName: 'calm-node', podCIDR: '10.244.11.0/24', nodeStatusUpdateMs: 300, evictionHard: 'memory.available<1Ki,nodefs.available<0.01%' });
    try {
      const conditions = (node: string, want: string[]) =>
        poll(`${node}: ${want.join(' ')}`, 20_000, async () => {
          const got = ((await cs.nodes().get(node)).status?.conditions ?? []).filter((c) => c.type.endsWith('Pressure') && c.type !== 'PIDPressure').map((c) => `${c.type}=${c.status} ${c.reason ?? ''}`);
          return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
        }, { intervalMs: 100 });
      await conditions('pressed-node', ['MemoryPressure=True KubeletHasInsufficientMemory', 'DiskPressure=True KubeletHasDiskPressure']);
      await conditions('calm-node', ['MemoryPressure=False KubeletHasSufficientMemory', 'DiskPressure=False KubeletHasNoDiskPressure']);
    } finally {
      await tight.stop();
      await loose.stop();
    }
  });
});
