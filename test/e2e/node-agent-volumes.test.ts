// The whole node agent with volumes on a real engine: a 1-node lab of the test's own, an apiserver
// on the lab's bridge address, and `skiff-node-agent` run in the node's network namespace with
// `--docker-host` and a `--root-dir` of the test. A pod mounts a ConfigMap, a Secret, a downward API
// volume, a projected volume, a ConfigMap key by subPath, a subPathExpr and an emptyDir shared by
// two containers; a ConfigMap update
// reaches the mounted file; a pod naming a ConfigMap that does not exist yet waits in
// ContainerCreating with FailedMount and starts once it exists; a hostPath DirectoryOrCreate is the
// node's directory and outlives the pod, an emptyDir of medium Memory is a tmpfs of its sizeLimit; a pod writing more than its
// emptyDir's sizeLimit is evicted; after the pods are deleted no
// container, directory or tmpfs of theirs is left on the node. Everything is removed afterwards.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '@skiff/api';
import { run as runApiServer, type RunningApiServer } from '@skiff/apiserver';
import { PAUSE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import { Clientset, createClient, discardLogger, type Client } from '@skiff/machinery';
import { DockerRuntime, parseMountInfo, pointsUnder } from '@skiff/node-agent';
import { startEtcd, type TestEtcd } from '../harness/etcd.js';
import { eventually, freeSubnet, labStatusJson, repoRoot, run, testLab, type TestLab } from '../harness/lab-env.js';

const agentMain = join(repoRoot, 'packages/node-agent/dist/main.js');
const NS = 'default';

async function hostMountsUnder(dir: string): Promise<string[]> {
  return pointsUnder(parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8')), dir);
}

void describe('node agent volumes on a 1-node lab', { timeout: 300_000 }, () => {
  let lab: TestLab | undefined;
  let etcd: TestEtcd | undefined;
  let server: RunningApiServer | undefined;
  const serverAbort = new AbortController();
  let client: Client | undefined;
  let cs: Clientset;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  let runtime: DockerRuntime;
  let rootDir: string;
  let nodeName: string;

  const getPod = (name: string) => cs.pods(NS).get(name);
  async function containerId(pod: Pod, name: string): Promise<string> {
    const c = (await runtime.listContainers({ podUid: pod.metadata.uid ?? '' })).find((x) => x.name === name && x.state === 'running');
    assert.ok(c, `container ${name} of ${pod.metadata.name} runs`);
    return c.id;
  }
  async function sh(pod: Pod, container: string, script: string): Promise<{ exitCode: number; out: string }> {
    const r = await runtime.execSync(await containerId(pod, container), ['sh', '-c', script], 10_000);
    return { exitCode: r.exitCode, out: (r.stdout + r.stderr).trim() };
  }
  async function running(name: string): Promise<Pod> {
    return eventually(`pod ${name} Running`, 90_000, async () => {
      const p = await getPod(name);
      return p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.state?.running) ? p : undefined;
    });
  }
  async function deleted(name: string): Promise<void> {
    await cs.pods(NS).delete(name, { gracePeriodSeconds: 1 });
    await eventually(`pod ${name} gone`, 60_000, async () => {
      try {
        await getPod(name);
        return undefined;
      } catch {
        return true;
      }
    });
  }

  before(async () => {
    lab = await testLab();
    const up = await lab.cli('up', '--nodes', '1', '--subnet', lab.subnet, '--image-cache', lab.imageCache);
    assert.equal(up.code, 0, up.stderr);
    const status = await labStatusJson(lab);
    const node = status.nodes[0];
    assert.ok(node);
    nodeName = node.name;
    runtime = new DockerRuntime({ dockerHost: node.dockerHost, infraImage: PAUSE_IMAGE, network: 'skiff-pods' });
    rootDir = join(lab.dir, 'agent-root');
    await mkdir(rootDir);
    // the apiserver listens on the lab bridge's address: the agent runs in the node's namespace
    const gateway = lab.subnet.replace(/0\/24$/, '1');
    const token = randomBytes(16).toString('hex');
    const tokenFile = join(lab.dir, 'tokens.csv');
    await writeFile(tokenFile, `${token},system:node:${nodeName},,system:nodes\n`, { mode: 0o600 });
    etcd = await startEtcd();
    server = await runApiServer({ etcdServers: [etcd.endpoint], listen: `${gateway}:0`, httpListen: '127.0.0.1:0', tokenFile }, serverAbort.signal, discardLogger());
    client = createClient({ server: server.address, token });
    cs = new Clientset(client);
    const podCIDR = await freeSubnet(198);
    agent = spawn(
      'nsenter',
      [
        `--net=/run/netns/${node.netns}`,
        process.execPath,
        agentMain,
        '--server',
        server.address,
        '--token',
        token,
        '--node-name',
        nodeName,
        '--node-ip',
        node.address,
        '--docker-host',
        node.dockerHost,
        '--pod-cidr',
        podCIDR,
        '--cluster-cidr',
        '10.198.0.0/16',
        '--infra-image',
        PAUSE_IMAGE,
        '--root-dir',
        rootDir,
        '--health-port',
        '-1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent.stdout?.on('data', (b: Buffer) => (agentLog += b.toString()));
    agent.stderr?.on('data', (b: Buffer) => (agentLog += b.toString()));
    await eventually('node Ready', 60_000, async () => {
      try {
        const n = await cs.nodes().get(nodeName);
        return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? n : undefined;
      } catch {
        return undefined;
      }
    }).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\nagent log:\n${agentLog.slice(-4000)}`);
    });
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent?.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    if (rootDir) {
      for (const p of await hostMountsUnder(rootDir)) await run('umount', [p]);
    }
    client?.close();
    serverAbort.abort();
    await server?.stopped;
    await etcd?.stop();
    if (lab) {
      const down = await lab.cli('down');
      await rm(lab.dir, { recursive: true, force: true });
      assert.equal(down.code, 0, down.stderr);
    }
  });

  void it('reports the pressure conditions from real figures', async () => {
    const n = await cs.nodes().get(nodeName);
    const types = (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`);
    assert.ok(types.includes('MemoryPressure=False') || types.includes('MemoryPressure=True'), types.join(' '));
    assert.ok(types.some((t) => t.startsWith('DiskPressure=')));
  });

  void it('mounts ConfigMap, Secret, downward API, subPath and a shared emptyDir; a ConfigMap update reaches the file', async () => {
    await cs.configMaps(NS).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { greeting: 'hello', 'app.conf': 'color=blue' } });
    await cs.secrets(NS).create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret' }, data: { password: Buffer.from('s3cret').toString('base64') } });
    await cs.pods(NS).create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'vol', labels: { app: 'vol' } },
      spec: {
        nodeName,
        terminationGracePeriodSeconds: 1,
        volumes: [
          { name: 'config', configMap: { name: 'app-config' } },
          { name: 'secret', secret: { secretName: 'app-secret', defaultMode: 0o400 } },
          { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          { name: 'shared', emptyDir: {} },
          {
            name: 'all-in-one',
            projected: { sources: [{ configMap: { name: 'app-config', items: [{ key: 'greeting', path: 'cfg/greeting' }] } }, { secret: { name: 'app-secret' } }, { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] },
          },
        ],
        containers: [
          { name: 'writer', image: TESTBOX_IMAGE, command: ['sh', '-c', 'echo shared-data > /shared/msg && exec sleep 3600'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
          {
            name: 'reader',
            image: TESTBOX_IMAGE,
            command: ['sleep', '3600'],
            env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            volumeMounts: [
              { name: 'shared', mountPath: '/shared' },
              { name: 'shared', mountPath: '/mine', subPathExpr: 'per-pod/$(POD_NAME)' },
              { name: 'all-in-one', mountPath: '/etc/all' },
              { name: 'config', mountPath: '/etc/config' },
              { name: 'secret', mountPath: '/etc/secret' },
              { name: 'podinfo', mountPath: '/etc/podinfo' },
              { name: 'config', mountPath: '/etc/app.conf', subPath: 'app.conf' },
            ],
          },
        ],
      },
    });
    const pod = await running('vol');
    assert.deepEqual(await sh(pod, 'reader', 'cat /etc/config/greeting'), { exitCode: 0, out: 'hello' });
    assert.deepEqual(await sh(pod, 'reader', 'cat /etc/secret/password'), { exitCode: 0, out: 's3cret' });
    assert.deepEqual(await sh(pod, 'reader', 'cat /etc/podinfo/labels'), { exitCode: 0, out: 'app="vol"' });
    assert.deepEqual(await sh(pod, 'reader', 'cat /etc/app.conf'), { exitCode: 0, out: 'color=blue' });
    assert.deepEqual(await eventually('the writer wrote', 10_000, async () => ((await sh(pod, 'reader', 'cat /shared/msg')).out === 'shared-data' ? true : undefined)), true);
    assert.notEqual((await sh(pod, 'reader', 'echo x > /etc/config/new')).exitCode, 0, 'configMap volumes are read-only');
    assert.deepEqual(await sh(pod, 'reader', 'cat /etc/all/cfg/greeting /etc/all/password /etc/all/name'), { exitCode: 0, out: 'hellos3cretvol' });
    assert.deepEqual(await sh(pod, 'reader', 'echo mine > /mine/f && cat /shared/per-pod/vol/f'), { exitCode: 0, out: 'mine' }, 'subPathExpr binds shared/per-pod/<pod name>');

    const uid = pod.metadata.uid ?? '';
    const secretDir = join(rootDir, 'pods', uid, 'volumes/kubernetes.io~secret/secret');
    assert.ok((await hostMountsUnder(join(rootDir, 'pods', uid))).includes(secretDir), 'the secret volume is a tmpfs');

    const cm = await cs.configMaps(NS).get('app-config');
    await cs.configMaps(NS).update({ ...cm, data: { greeting: 'bonjour', 'app.conf': 'color=red' } });
    const t0 = Date.now();
    await eventually('the updated greeting in the file', 60_000, async () => ((await sh(pod, 'reader', 'cat /etc/config/greeting')).out === 'bonjour' ? true : undefined));
    await eventually('the updated greeting in the projected file', 30_000, async () => ((await sh(pod, 'reader', 'cat /etc/all/cfg/greeting')).out === 'bonjour' ? true : undefined));
    process.stdout.write(`# ConfigMap update reached the mounted file in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    assert.deepEqual(await sh(pod, 'reader', 'cat /etc/app.conf'), { exitCode: 0, out: 'color=blue' }, 'a subPath mount keeps the version it started with, as in Kubernetes');
  });

  void it('a missing ConfigMap keeps the pod in ContainerCreating with FailedMount, until it exists', async () => {
    await cs.pods(NS).create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'waits' },
      spec: { nodeName, terminationGracePeriodSeconds: 1, volumes: [{ name: 'later', configMap: { name: 'later' } }], containers: [{ name: 'app', image: TESTBOX_IMAGE, command: ['sleep', '3600'], volumeMounts: [{ name: 'later', mountPath: '/etc/later' }] }] },
    });
    await eventually('FailedMount event', 30_000, async () => {
      const events = await cs.events(NS).list();
      return events.items.find((e) => e.reason === 'FailedMount' && e.involvedObject?.name === 'waits' && e.message === 'MountVolume.SetUp failed for volume "later" : configmap "later" not found');
    });
    // the status write follows the event by a batch (10 ms)
    const p = await eventually('ContainerCreating', 10_000, async () => ((await getPod('waits')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating' ? getPod('waits') : undefined));
    assert.deepEqual(await runtime.listPodSandboxes({ podUid: p.metadata.uid ?? '' }), [], 'no sandbox before the volumes');
    await cs.configMaps(NS).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later' }, data: { k: 'v' } });
    const up = await running('waits');
    assert.deepEqual(await sh(up, 'app', 'cat /etc/later/k'), { exitCode: 0, out: 'v' });
  });

  void it('hostPath DirectoryOrCreate is the node\'s directory; emptyDir medium Memory is a tmpfs of its sizeLimit', async () => {
    const hostDir = join(lab!.dir, 'host-data', 'made-by-agent');
    await cs.pods(NS).create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hosty' },
      spec: {
        nodeName,
        terminationGracePeriodSeconds: 1,
        volumes: [
          { name: 'host', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } },
          { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '2Mi' } },
        ],
        containers: [{ name: 'app', image: TESTBOX_IMAGE, command: ['sleep', '3600'], volumeMounts: [{ name: 'host', mountPath: '/host' }, { name: 'mem', mountPath: '/mem' }] }],
      },
    });
    const pod = await running('hosty');
    assert.equal(((await stat(hostDir)).mode & 0o777).toString(8), '755', 'made 0755 on the node');
    assert.deepEqual(await sh(pod, 'app', 'echo from-pod > /host/f && cat /host/f'), { exitCode: 0, out: 'from-pod' });
    assert.equal(await readFile(join(hostDir, 'f'), 'utf8'), 'from-pod\n', "the pod's write is on the node");
    const memDir = join(rootDir, 'pods', pod.metadata.uid ?? '', 'volumes/kubernetes.io~empty-dir/mem');
    assert.ok((await hostMountsUnder(join(rootDir, 'pods', pod.metadata.uid ?? ''))).includes(memDir), 'a tmpfs on the node');
    const mounts = (await sh(pod, 'app', 'grep " /mem " /proc/mounts; df -k /mem | tail -1')).out;
    assert.match(mounts, /^tmpfs \/mem tmpfs /m);
    assert.match(mounts, /\s2048\s/, `a tmpfs of 2Mi: ${mounts}`);
    await deleted('hosty');
    await eventually('the tmpfs unmounted', 30_000, async () => ((await hostMountsUnder(join(rootDir, 'pods', pod.metadata.uid ?? ''))).length === 0 ? true : undefined));
    assert.equal(await readFile(join(hostDir, 'f'), 'utf8'), 'from-pod\n', 'a hostPath outlives the pod');
  });

  void it('evicts a pod whose emptyDir grows above its sizeLimit', async () => {
    await cs.pods(NS).create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hog' },
      spec: {
        nodeName,
        terminationGracePeriodSeconds: 1,
        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Mi' } }],
        containers: [{ name: 'app', image: TESTBOX_IMAGE, command: ['sh', '-c', 'dd if=/dev/zero of=/scratch/fill bs=1024 count=3072 && exec sleep 3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
      },
    });
    const p = await eventually('hog evicted', 60_000, async () => {
      const x = await getPod('hog');
      return x.status?.phase === 'Failed' ? x : undefined;
    });
    assert.equal(p.status?.reason, 'Evicted');
    assert.equal(p.status?.message, 'Usage of EmptyDir volume "scratch" exceeds the limit "1Mi". ');
    assert.deepEqual((await runtime.listContainers({ podUid: p.metadata.uid ?? '' })).filter((c) => c.state === 'running'), []);
  });

  void it('leaves no container, directory or tmpfs of a deleted pod on the node', async () => {
    const uids = [(await getPod('vol')).metadata.uid ?? '', (await getPod('waits')).metadata.uid ?? '', (await getPod('hog')).metadata.uid ?? ''];
    await deleted('vol');
    await deleted('waits');
    await deleted('hog');
    for (const uid of uids) {
      await eventually(`nothing of ${uid} left`, 30_000, async () => {
        const left = [...(await runtime.listContainers({ podUid: uid })).map((c) => c.id), ...(await runtime.listPodSandboxes({ podUid: uid })).map((s) => s.id)];
        return left.length === 0 ? true : undefined;
      });
      // the volumes are unmounted right after the runtime's objects are removed
      await eventually(`no mount of ${uid} left`, 30_000, async () => ((await hostMountsUnder(join(rootDir, 'pods', uid))).length === 0 ? true : undefined));
    }
    await eventually('no pod directory left', 30_000, async () => ((await readdir(join(rootDir, 'pods')).catch(() => [])).length === 0 ? true : undefined));
  });
});
