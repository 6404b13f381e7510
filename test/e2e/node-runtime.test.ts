// The node agent's foundation on real engines: a 2-node lab of the test's own, the pod network set
// up on each node (bridge network on the pod CIDR, host-gw routes, SKIFF-PODNET chains), a pod (a
// pause sandbox plus a busybox httpd) per node through the Docker runtime, pod-to-pod and host-to-pod
// traffic by pod IP, a die event for a container killed from outside, and recovery by labels from a
// new runtime instance (an agent restart). Everything is removed afterwards, also on failure.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { totalmem } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ipv4CidrContains, ipv4ToNumber, parseIpv4Cidr, type Container } from '@skiff/api';
import { PAUSE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import {
  containerConfig,
  DockerRuntime,
  HostCommandRunner,
  HostPodNetwork,
  minOomScoreAdj,
  Pleg,
  type PodLifecycleEvent,
  type PodRef,
  type RuntimeEvent,
} from '@skiff/node-agent';
import { eventually, freeSubnet, inNode, labStatusJson, mustRun, run, testLab, type StatusJson, type TestLab } from '../harness/lab-env.js';
import { httpGet } from '../harness/http-get.js';

const NETWORK = 'skiff-pods';
const PORT = 8080;

interface TestNode {
  name: string;
  netns: string;
  address: string;
  podCIDR: string;
  runtime: DockerRuntime;
  net: HostPodNetwork;
  pod: PodRef;
  sandboxId?: string;
  podIP?: string;
  appId?: string;
}

const web: Container = {
  name: 'web',
  image: TESTBOX_IMAGE,
  command: ['sh', '-c'],
  args: [`mkdir -p /www && echo "$MESSAGE" > /www/index.html && exec httpd -f -v -p ${PORT} -h /www`],
  env: [
    { name: 'GREETING', value: 'hello' },
    { name: 'MESSAGE', value: '$(GREETING) from $(POD_NAME)' },
  ],
};

async function nodeIptables(n: TestNode): Promise<string> {
  return (await inNode(n.netns, 'iptables-save', [])).stdout;
}

void describe('node runtime and pod network on a 2-node lab', { timeout: 300_000 }, () => {
  let lab: TestLab | undefined;
  let status: StatusJson;
  let clusterCIDR: string;
  const nodes: TestNode[] = [];
  const hostRoutes: string[] = [];
  const extraSandboxes: { node: TestNode; id: string }[] = [];

  before(async () => {
    lab = await testLab();
    const up = await lab.cli('up', '--nodes', '2', '--subnet', lab.subnet, '--image-cache', lab.imageCache);
    assert.equal(up.code, 0, up.stderr);
    status = await labStatusJson(lab);
    // two pod CIDRs in 10.198.0.0/16 that collide with nothing on the machine
    const cidrs = [await freeSubnet(198), await freeSubnet(198)];
    clusterCIDR = '10.198.0.0/16';
    for (const [i, s] of status.nodes.entries()) {
      const runtime = new DockerRuntime({ dockerHost: s.dockerHost, infraImage: PAUSE_IMAGE, network: NETWORK });
      const podCIDR = cidrs[i]!;
      const net = new HostPodNetwork(runtime.docker, new HostCommandRunner(`/run/netns/${s.netns}`), { podCIDR, clusterCIDR, networkName: NETWORK, bridgeName: 'cbr0' });
      nodes.push({ name: s.name, netns: s.netns, address: s.address, podCIDR, runtime, net, pod: { uid: randomUUID(), namespace: 'default', name: `web-${i + 1}` } });
    }
  });

  after(async () => {
    for (const dst of hostRoutes) await run('ip', ['route', 'del', dst]);
    for (const x of extraSandboxes) await x.node.runtime.removePodSandbox(x.id).catch(() => undefined);
    for (const n of nodes) {
      if (n.sandboxId) await n.runtime.removePodSandbox(n.sandboxId).catch(() => undefined);
      await n.net.cleanUp().catch(() => undefined);
    }
    if (lab) {
      const down = await lab.cli('down');
      await rm(lab.dir, { recursive: true, force: true });
      assert.equal(down.code, 0, down.stderr);
    }
  });

  void it('sets up the pod network on each node and routes to the other', async () => {
    for (const n of nodes) {
      await n.net.setUp();
      await n.net.setUp(); // idempotent
      assert.equal(await n.net.check(), undefined);
      const peers = nodes.map((p) => ({ name: p.name, podCIDR: p.podCIDR, internalIP: p.address }));
      const changes = await n.net.syncRoutes(peers);
      const other = nodes.find((p) => p !== n)!;
      assert.deepEqual(changes, [{ action: 'add', destination: other.podCIDR, via: other.address }]);
      assert.deepEqual(await n.net.syncRoutes(peers), [], 'a second sync changes nothing');
      const rules = await nodeIptables(n);
      assert.match(rules, /-A DOCKER-USER -j SKIFF-PODNET-FWD/);
      assert.match(rules, /-A POSTROUTING -j SKIFF-PODNET-MASQ/);
      assert.doesNotMatch(rules, new RegExp(`-s ${n.podCIDR.replace(/\./g, '\\.')} ! -o cbr0 -j MASQUERADE`), "Docker's own masquerade is off");
    }
  });

  void it('runs a sandbox and an app container on each node', async () => {
    const image = await nodes[0]!.runtime.inspectImage(TESTBOX_IMAGE);
    assert.ok(image, `${TESTBOX_IMAGE} is on the node`);
    for (const n of nodes) {
      const sandbox = await n.runtime.runPodSandbox({ pod: n.pod, attempt: 0, hostname: n.pod.name, labels: { app: 'web' } });
      n.sandboxId = sandbox.id;
      assert.equal(sandbox.state, 'ready');
      assert.ok(sandbox.ip && ipv4CidrContains(parseIpv4Cidr(n.podCIDR)!, ipv4ToNumber(sandbox.ip)!), `pod IP ${sandbox.ip} in ${n.podCIDR}`);
      n.podIP = sandbox.ip;
      const config = containerConfig({
        pod: n.pod,
        spec: { containers: [web] },
        container: web,
        restartCount: 0,
        image,
        env: { env: [{ name: 'POD_NAME', value: n.pod.name, literal: false }, ...web.env!.map((e) => ({ name: e.name, value: e.value!, literal: true }))] },
        node: { memoryCapacityBytes: totalmem(), minOomScoreAdj: minOomScoreAdj() },
      });
      n.appId = await n.runtime.createContainer(sandbox.id, config);
      await n.runtime.startContainer(n.appId);
      const st = await n.runtime.containerStatus(n.appId);
      assert.equal(st.state, 'running');
      assert.equal(st.imageId, image.id);
      assert.equal(st.restartCount, 0);
    }
  });

  void it("node 2's pod reaches node 1's pod by its pod IP, and sees the other pod's own IP", async () => {
    const [n1, n2] = nodes as [TestNode, TestNode];
    const reply = await eventually('n1 pod from n2 pod', 30_000, async () => {
      const r = await n2.runtime.execSync(n2.appId!, ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${n1.podIP} ${PORT}`], 10_000);
      return r.stdout.includes('200 OK') ? r.stdout : undefined;
    });
    assert.equal(reply.trim().split('\n').pop()?.trim(), `hello from ${n1.pod.name}`);
    // busybox httpd -v logs each client's address: the pod's own IP, not its node's
    const logs = await eventually('the access log line', 10_000, async () => {
      let text = '';
      for await (const chunk of n1.runtime.logs(n1.appId!, {})) text += chunk.data.toString();
      return text.includes(n2.podIP!) ? text : undefined;
    });
    assert.doesNotMatch(logs, new RegExp(n2.address.replace(/\./g, '\\.')));
  });

  void it('exec: stdin, a tty, exit codes, a timeout', async () => {
    const n2 = nodes[1]!;
    const collect = async (cmd: string[], opts: { stdin?: string; tty?: boolean } = {}) => {
      const session = await n2.runtime.exec(n2.appId!, { cmd, tty: opts.tty, stdin: opts.stdin === undefined ? undefined : Readable.from([opts.stdin]) });
      const out = { stdout: '', stderr: '' };
      for await (const c of session.output) out[c.stream] += c.data.toString();
      return { ...out, exitCode: await session.exitCode() };
    };
    assert.deepEqual(await collect(['sh', '-c', 'cat; echo " done"; echo oops >&2; exit 3'], { stdin: 'from stdin' }), { stdout: 'from stdin done\n', stderr: 'oops\n', exitCode: 3 });
    const tty = await collect(['tty'], { tty: true });
    assert.match(tty.stdout, /^\/dev\/pts\/\d+\r?\n$/);
    assert.equal(tty.exitCode, 0);
    assert.deepEqual(await n2.runtime.execSync(n2.appId!, ['sh', '-c', 'echo $MESSAGE'], 5000), { exitCode: 0, stdout: `hello from ${n2.pod.name}\n`, stderr: '' });
    await assert.rejects(n2.runtime.execSync(n2.appId!, ['sleep', '5'], 300), /timed out after 300ms/);
  });

  void it("the host reaches node 1's pod once it routes the pod CIDR via node 1", async () => {
    const n1 = nodes[0]!;
    await mustRun('ip', ['route', 'add', n1.podCIDR, 'via', n1.address]);
    hostRoutes.push(n1.podCIDR);
    const body = await eventually('n1 pod from the host', 20_000, () => httpGet(n1.podIP!, PORT));
    assert.equal(body.trim(), `hello from ${n1.pod.name}`);
  });

  void it('a container killed from outside shows up as a die event and an exited status', async () => {
    const n1 = nodes[0]!;
    const ac = new AbortController();
    const events: RuntimeEvent[] = [];
    const since = Date.now();
    const listening = (async () => {
      for await (const e of n1.runtime.events(ac.signal, since)) {
        events.push(e);
        if (e.type === 'die' && e.containerId === n1.appId) break;
      }
    })();
    const lifecycle: PodLifecycleEvent[] = [];
    // only the event can make it relist in time; it reads events since its start, so opening late misses none
    const plegErrors: string[] = [];
    const pleg = new Pleg(n1.runtime, { relistPeriodMs: 60_000, onError: (what, err) => plegErrors.push(`${what}: ${String(err)}`) });
    const plegRun = pleg.run(ac.signal, (e) => lifecycle.push(e));
    try {
      const kill = await lab!.cli('docker', n1.name, '--', 'kill', n1.appId!);
      assert.equal(kill.code, 0, kill.stderr);
      await Promise.race([listening, new Promise((_, reject) => setTimeout(() => reject(new Error(`no die event; got ${JSON.stringify(events)}`)), 15_000))]);
      await eventually("the PLEG's ContainerDied", 5000, async () => lifecycle.some((e) => e.type === 'ContainerDied') || undefined).catch((e: Error) => {
        throw new Error(`${e.message}; PLEG events ${JSON.stringify(lifecycle)}, errors ${JSON.stringify(plegErrors)}`);
      });
    } finally {
      ac.abort();
    }
    await listening;
    await plegRun;
    assert.deepEqual(
      lifecycle.filter((e) => e.type === 'ContainerDied'),
      [{ podUid: n1.pod.uid, type: 'ContainerDied', containerId: n1.appId }],
      'the PLEG relisted on the die event',
    );
    const die = events.find((e) => e.type === 'die' && e.containerId === n1.appId)!;
    assert.deepEqual([die.pod, die.containerName, die.exitCode], [n1.pod, 'web', 137]);
    const st = await n1.runtime.containerStatus(n1.appId!);
    assert.deepEqual([st.state, st.exitCode, st.reason], ['exited', 137, 'Error']);
    assert.ok(st.finishedAt && st.startedAt);
  });

  void it('a new runtime instance recovers every pod by its labels and changes nothing', async () => {
    for (const n of nodes) {
      const before = await n.runtime.listContainers();
      const restarted = new DockerRuntime({ dockerHost: status.nodes.find((s) => s.name === n.name)!.dockerHost, infraImage: PAUSE_IMAGE, network: NETWORK });
      const pods = await restarted.recover();
      assert.equal(pods.length, 1);
      const p = pods[0]!;
      assert.deepEqual(p.pod, n.pod);
      assert.deepEqual(p.sandboxes.map((s) => [s.id, s.state, s.attempt, s.labels.app]), [[n.sandboxId, 'ready', 0, 'web']]);
      assert.deepEqual(p.containers.map((c) => [c.id, c.name, c.restartCount, c.sandboxId]), [[n.appId, 'web', 0, n.sandboxId]]);
      assert.equal((await restarted.podSandboxStatus(n.sandboxId!)).ip, n.podIP);
      assert.deepEqual(await n.runtime.listContainers(), before, 'recovering changed nothing');
    }
  });

  void it('limits reach the cgroups, a memory hog is OOMKilled, a missing command cannot run; logs tail and follow', async () => {
    const n1 = nodes[0]!;
    const pod: PodRef = { uid: randomUUID(), namespace: 'default', name: 'limits' };
    const limited: Container = {
      name: 'limited',
      image: TESTBOX_IMAGE,
      command: ['sh', '-c', 'cd /sys/fs/cgroup && cat cpu/cpu.cfs_quota_us cpu/cpu.shares memory/memory.limit_in_bytes; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done'],
      resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '250m', memory: '32Mi' } },
    };
    const hog: Container = { name: 'hog', image: TESTBOX_IMAGE, command: ['tail', '/dev/zero'], resources: { limits: { memory: '16Mi' } } };
    const missing: Container = { name: 'missing', image: TESTBOX_IMAGE, command: ['/no/such/binary'] };
    const spec = { containers: [limited, hog, missing] };
    const image = (await n1.runtime.inspectImage(TESTBOX_IMAGE))!;
    const sandbox = await n1.runtime.runPodSandbox({ pod, attempt: 0, hostname: pod.name });
    extraSandboxes.push({ node: n1, id: sandbox.id });
    const ids: Record<string, string> = {};
    for (const c of spec.containers) {
      const config = containerConfig({ pod, spec, container: c, restartCount: 0, image, env: {}, node: { memoryCapacityBytes: totalmem(), minOomScoreAdj: minOomScoreAdj() } });
      ids[c.name] = await n1.runtime.createContainer(sandbox.id, config);
    }
    await n1.runtime.startContainer(ids.limited!);
    await n1.runtime.startContainer(ids.hog!);
    await assert.rejects(n1.runtime.startContainer(ids.missing!), /no such file or directory|not found/);

    const text = async (o: { tail?: number }) => {
      let t = '';
      for await (const chunk of n1.runtime.logs(ids.limited!, o)) t += chunk.data.toString();
      return t;
    };
    const head = await eventually('the cgroup values in the log', 10_000, async () => {
      const t = await text({});
      return t.includes('tick 1') ? t : undefined;
    });
    assert.deepEqual(head.split('\n').slice(0, 3), ['25000', '256', String(32 * 1024 * 1024)], 'cpu quota (250m of a 100 ms period), shares, memory limit');
    assert.match(await text({ tail: 1 }), /^tick \d+\n$/);

    const ac = new AbortController();
    const followed: string[] = [];
    for await (const chunk of n1.runtime.logs(ids.limited!, { follow: true, tail: 0 }, ac.signal)) {
      followed.push(chunk.data.toString());
      if (followed.length === 3) ac.abort();
    }
    assert.equal(followed.length, 3, 'follow yields new lines and ends when aborted');
    assert.ok(followed.every((l) => /^tick \d+\n$/.test(l)), followed.join(''));

    const oom = await eventually('the hog OOM-killed', 30_000, async () => {
      const st = await n1.runtime.containerStatus(ids.hog!);
      return st.state === 'exited' ? st : undefined;
    });
    assert.deepEqual([oom.reason, oom.exitCode], ['OOMKilled', 137]);
    const cannot = await n1.runtime.containerStatus(ids.missing!);
    assert.deepEqual([cannot.state, cannot.reason, cannot.exitCode], ['exited', 'ContainerCannotRun', 127]);
    assert.match(cannot.message ?? '', /no such file or directory|not found/);

    await n1.runtime.stopPodSandbox(sandbox.id, 1);
    assert.equal((await n1.runtime.containerStatus(ids.limited!)).state, 'exited');
    await n1.runtime.removePodSandbox(sandbox.id);
    extraSandboxes.pop();
  });

  void it('removing the pods and cleaning up leaves no chain, route or network behind', async () => {
    for (const n of nodes) {
      await n.runtime.removePodSandbox(n.sandboxId!);
      assert.deepEqual(await n.runtime.recover(), []);
      delete n.sandboxId;
      await n.net.cleanUp();
      assert.doesNotMatch(await nodeIptables(n), /SKIFF-PODNET/);
      assert.equal((await inNode(n.netns, 'ip', ['-4', 'route', 'show', 'proto', '91'])).stdout.trim(), '');
      assert.equal((await lab!.cli('docker', n.name, '--', 'network', 'ls', '-q', '--filter', `name=${NETWORK}`)).stdout.trim(), '');
      assert.match(await n.net.check() ?? '', /missing/);
    }
  });
});
