// The whole node agent on a lab node with Docker: a 1-node lab of the test's own, an apiserver on
// the lab bridge's gateway (a private etcd), and `skiff-node-agent` run in the node's network
// namespace as on a real VM (nsenter --net, --docker-host of the node). Checked through the API and
// the node's dockerd: ConfigMap and Secret values as env and the pod's resolv.conf, a failing
// readiness probe (httpGet from the agent to the pod IP) marks the pod not Ready, a failing liveness
// probe restarts the container, a crashing one goes to CrashLoopBackOff, a hostPort that a process
// outside Skiff holds on the node gives Docker's error in a FailedCreatePodSandBox event (the pod
// Pending until the port is free), and deleting a pod runs its preStop hook, gives SIGTERM, and the
// object and its containers are gone after. restartPolicy Never and OnFailure end in Succeeded or
// Failed, with init containers too; an image that does not exist (ErrImagePull, then
// ImagePullBackOff) and a command that is not in the image (RunContainerError, ContainerCannotRun)
// leave the node's other pods untouched; CrashLoopBackOff's delay grows (10 s, then 20 s); the
// managed /etc/hosts; a hostNetwork pod with runAsUser and readOnlyRootFilesystem.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isApiError, type Event, type Pod } from '@skiff/api';
import { run as runApiServer, type RunningApiServer } from '@skiff/apiserver';
import { TESTBOX_IMAGE } from '@skiff/lab';
import { Clientset, createClient, discardLogger, type Client } from '@skiff/machinery';
import { DockerRuntime, parseMountInfo, pointsUnder, type RuntimeEvent } from '@skiff/node-agent';
import { killOnExit, startEtcd, type TestEtcd } from '../harness/etcd.js';
import { eventually, freeSubnet, labStatusJson, mustRun, repoRoot, run, testLab, type TestLab } from '../harness/lab-env.js';

const CLUSTER_DNS = '10.96.0.10';

async function hostMountsUnder(dir: string): Promise<string[]> {
  return pointsUnder(parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8')), dir);
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

function pod(name: string, spec: Partial<NonNullable<Pod['spec']>>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { terminationGracePeriodSeconds: 10, containers: [], ...spec } };
}

const httpd = (pre: string) => ['sh', '-c', `mkdir -p /www && ${pre} exec httpd -f -p 8080 -h /www`];

void describe('skiff-node-agent on a lab node (Docker)', { timeout: 600_000 }, () => {
  let lab: TestLab | undefined;
  let etcd: TestEtcd | undefined;
  let apiAbort: AbortController | undefined;
  let api: RunningApiServer | undefined;
  let client: Client | undefined;
  let cs: Clientset;
  let agent: ChildProcess | undefined;
  let runtime: DockerRuntime;
  let nodeName = '';
  let netns = '';
  let nodeAddress = '';
  let logPath = '';
  let rootDir = '';
  let dockerHost = '';
  let startAgent: () => ChildProcess = () => {
    throw new Error('no lab');
  };

  before(async () => {
    lab = await testLab();
    const up = await lab.cli('up', '--nodes', '1', '--subnet', lab.subnet, '--image-cache', lab.imageCache);
    assert.equal(up.code, 0, up.stderr);
    const node = (await labStatusJson(lab)).nodes[0]!;
    nodeName = node.name;
    netns = node.netns;
    nodeAddress = node.address;
    const gateway = lab.subnet.replace(/\.0\/24$/, '.1');
    etcd = await startEtcd();
    apiAbort = new AbortController();
    // off loopback the apiserver wants a token file; the agent and the test use the token
    const token = randomBytes(16).toString('hex');
    const tokenFile = join(lab.dir, 'tokens');
    await writeFile(tokenFile, `${token},admin\n`);
    api = await runApiServer({ etcdServers: [etcd.endpoint], listen: `${gateway}:0`, httpListen: '127.0.0.1:0', bookmarkIntervalMs: 1000, tokenFile }, apiAbort.signal, discardLogger());
    client = createClient({ server: api.address, token });
    cs = new Clientset(client);
    runtime = new DockerRuntime({ dockerHost: node.dockerHost, infraImage: 'skiff/pause:0.1', network: 'skiff-pods' });
    logPath = join(lab.dir, 'agent.log');
    // the pods' directories in the test's own place (another agent's housekeeping never sees them)
    rootDir = join(lab.dir, 'agent-root');
    await mkdir(rootDir);
    dockerHost = node.dockerHost;
    const podCIDR = await freeSubnet(198);
    const agentArgs = [
      `--net=/run/netns/${node.netns}`,
      process.execPath,
      join(repoRoot, 'packages/node-agent/dist/main.js'), // skiff-node-agent
      '--server', api.address,
      '--token', token,
      '--node-name', nodeName,
      '--node-ip', node.address,
      '--docker-host', node.dockerHost,
      '--pod-cidr', podCIDR,
      '--cluster-cidr', '10.198.0.0/16',
      '--cluster-dns', CLUSTER_DNS,
      '--health-port', '-1',
      '--root-dir', rootDir,
    ];
    startAgent = () => {
      const log = createWriteStream(logPath, { flags: 'a' });
      const proc = spawn('nsenter', agentArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      killOnExit(proc);
      proc.stdout?.pipe(log);
      proc.stderr?.pipe(log);
      if (process.env.SKIFF_E2E_AGENT_LOG) proc.stderr?.on('data', (b: Buffer) => process.stderr.write(b));
      if (process.env.SKIFF_E2E_AGENT_LOG) proc.stdout?.on('data', (b: Buffer) => process.stderr.write(b));
      return proc;
    };
    agent = startAgent();
    await eventually('the node Ready', 60_000, async () => {
      const n = await cs.nodes().get(nodeName).catch(() => undefined);
      return n?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? n : undefined;
    }).catch(async (e: unknown) => {
      await new Promise((r) => setTimeout(r, 200)); // the log stream's last writes
      throw new Error(`${(e as Error).message} (agent exit code ${String(agent?.exitCode)})\nagent log:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
    });
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await new Promise((r) => agent?.once('exit', r));
    }
    // the agent leaves pods running when it stops, as the kubelet does: the lab's dockerd goes with the lab
    if (rootDir) {
      for (const p of await hostMountsUnder(rootDir)) await run('umount', [p]);
    }
    client?.close();
    apiAbort?.abort();
    await api?.stopped;
    await etcd?.stop();
    if (lab) {
      const down = await lab.cli('down');
      await rm(lab.dir, { recursive: true, force: true });
      assert.equal(down.code, 0, down.stderr);
    }
  });

  const get = (name: string) => cs.pods('default').get(name);
  /** the endpoints on the pod network, by container id (Docker's view of the bridge) */
  const endpoints = async (): Promise<string[]> =>
    Object.keys(JSON.parse(await mustRun('docker', ['-H', dockerHost, 'network', 'inspect', 'skiff-pods', '--format', '{{json .Containers}}'])) as Record<string, unknown> ?? {});
  const gone = (name: string) => eventually(`the pod object ${name} gone`, 60_000, async () => get(name).then(() => undefined, (e: unknown) => (isApiError(e) && e.code === 'NOT_FOUND' ? true : undefined)));
  const bind = (p: Pod): Pod => ({ ...p, spec: { ...p.spec!, nodeName } });
  const containerId = (p: Pod) => (p.status?.containerStatuses?.[0]?.containerID ?? '').replace(/^docker:\/\//, '');
  const reasons = async (name: string) => new Set(((await cs.events('default').list()).items as Event[]).filter((e) => e.involvedObject?.name === name).map((e) => e.reason));
  const running = (name: string) => eventually(`${name} Running`, 60_000, async () => ((await get(name)).status?.containerStatuses?.[0]?.state?.running ? get(name) : undefined));
  const events = async (name: string) => ((await cs.events('default').list()).items as Event[]).filter((e) => e.involvedObject?.name === name);
  /** the steady pod of this file ('env'): its containers, their states, its restart counts and whether it answers */
  const steady = async () => {
    const p = await get('env');
    const containers = (await runtime.listContainers({ podUid: p.metadata.uid ?? '' })).map((c) => `${c.id} ${c.state}`).sort();
    const answers = (await runtime.execSync(containerId(p), ['true'], 5000)).exitCode === 0;
    return { containers, restarts: (p.status?.containerStatuses ?? []).map((c) => c.restartCount), phase: p.status?.phase, answers };
  };

  void it('gives ConfigMap and Secret values as env, and a ClusterFirst resolv.conf', async () => {
    await cs.configMaps('default').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast', LEVEL: '3' } });
    await cs.secrets('default').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } });
    await cs.pods('default').create(
      bind(
        pod('env', {
          hostAliases: [{ ip: '10.0.0.5', hostnames: ['db', 'db.local'] }],
          containers: [
            {
              name: 'main',
              image: TESTBOX_IMAGE,
              command: ['sleep', '3600'],
              envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
              env: [
                { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
                { name: 'URL', value: 'db://$(PASSWORD)@$(MY_POD)' },
                { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
            },
          ],
        }),
      ),
    );
    const p = await running('env');
    const env = (await runtime.execSync(containerId(p), ['env'], 5000)).stdout.split('\n');
    for (const want of ['MODE=fast', 'PASSWORD=s3cret', 'CFG_mode=fast', 'CFG_LEVEL=3', 'MY_POD=env', 'URL=db://s3cret@$(MY_POD)']) assert.ok(env.includes(want), `${want} in ${env.join(' ')}`);
    const resolv = (await runtime.execSync(containerId(p), ['cat', '/etc/resolv.conf'], 5000)).stdout;
    assert.match(resolv, new RegExp(`^nameserver ${CLUSTER_DNS.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    assert.match(resolv, /^options ndots:5$/m);
    // the agent's managed hosts file, as the kubelet writes it
    const hosts = (await runtime.execSync(containerId(p), ['cat', '/etc/hosts'], 5000)).stdout;
    assert.ok(hosts.startsWith('# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n'), hosts);
    assert.ok(hosts.endsWith(`\n${p.status?.podIP ?? 'x'}\tenv\n\n# Entries added by HostAliases.\n10.0.0.5\tdb\tdb.local\n`), hosts);
  });

  void it('kill -9 of the agent while pods run, then a restart: no container restarted, statuses unchanged', async () => {
    await cs.pods('default').create(
      bind(pod('steady', { containers: ['one', 'two'].map((name) => ({ name, image: TESTBOX_IMAGE, command: ['sleep', '3600'] })) })),
    );
    await cs.pods('default').create(bind(pod('done', { restartPolicy: 'Never', containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', 'exit 0'] }] })));
    await eventually('steady Running and Ready', 60_000, async () => ((await get('steady')).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? true : undefined));
    await eventually('done Succeeded', 60_000, async () => ((await get('done')).status?.phase === 'Succeeded' ? true : undefined));
    const names = ['env', 'steady', 'done'];
    // let the last status writes land, then take what the API and the node hold
    await new Promise((r) => setTimeout(r, 2000));
    const before = await Promise.all(names.map(get));
    const runtimeIds = async () => (await runtime.listContainers()).filter((c) => before.some((p) => p.metadata.uid === c.pod.uid)).map((c) => `${c.id} ${c.state}`).sort();
    const containersBefore = await runtimeIds();
    assert.equal(containersBefore.length, 4);

    agent?.kill('SIGKILL');
    await new Promise((r) => agent?.once('exit', r));
    assert.deepEqual(await runtimeIds(), containersBefore, 'nothing stops with the agent');
    agent = startAgent();
    // the restarted agent re-adopts the containers: its first resync runs at once; wait two more periods
    await eventually('the node Ready again', 60_000, async () => {
      const n = await cs.nodes().get(nodeName);
      return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 22_000));
    assert.equal(agent.exitCode, null, 'the agent runs');
    assert.deepEqual(await runtimeIds(), containersBefore, 'no container created, restarted or removed');
    const after = await Promise.all(names.map(get));
    for (const [i, p] of after.entries()) {
      assert.deepEqual(p.status, before[i]!.status, `${names[i]}: status unchanged`);
      assert.equal(p.metadata.resourceVersion, before[i]!.metadata.resourceVersion, `${names[i]}: no write`);
      for (const c of p.status?.containerStatuses ?? []) assert.equal(c.restartCount, 0, `${names[i]}/${c.name}`);
    }
    await Promise.all(['steady', 'done'].map((n) => cs.pods('default').delete(n, { gracePeriodSeconds: 0 })));
  });

  void it('a missing ConfigMap key is CreateContainerConfigError in status and a Failed event; the agent serves other pods; the pod starts once the key exists', async () => {
    const before = await steady();
    await cs.pods('default').create(bind(pod('nokey', { containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'absent' } } }] }] })));
    const w = await eventually('CreateContainerConfigError', 60_000, async () => (await get('nokey')).status?.containerStatuses?.[0]?.state?.waiting);
    assert.deepEqual(w, { reason: 'CreateContainerConfigError', message: "couldn't find key absent in ConfigMap default/settings" });
    assert.equal((await get('nokey')).status?.phase, 'Pending');
    const failed = await eventually('a Failed event', 30_000, async () => (await events('nokey')).find((e) => e.reason === 'Failed'));
    assert.deepEqual([failed.type, failed.message], ['Warning', "Error: couldn't find key absent in ConfigMap default/settings"]);
    const uid = (await get('nokey')).metadata.uid ?? '';
    assert.deepEqual((await runtime.listContainers({ podUid: uid })).map((c) => c.name), [], 'no container made');
    // meanwhile the agent serves the node's other pods: a new one starts, the steady one is untouched
    await cs.pods('default').create(bind(pod('meanwhile', { containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sleep', '3600'] }] })));
    await running('meanwhile');
    assert.deepEqual(await steady(), before, 'the steady pod: same containers, still running, no restart, answering');
    // the key appears: the pod's next sync (a resync within 10 s) starts the container with it
    const settings = await cs.configMaps('default').get('settings');
    await cs.configMaps('default').update({ ...settings, data: { ...settings.data, absent: 'here now' } });
    const p = await running('nokey');
    assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal((await runtime.execSync(containerId(p), ['sh', '-c', 'echo "$X"'], 5000)).stdout, 'here now\n');
    await Promise.all(['nokey', 'meanwhile'].map((n) => cs.pods('default').delete(n, { gracePeriodSeconds: 0 })));
  });

  void it('a hostPort held by a process outside Skiff: FailedCreatePodSandBox with Docker\'s error, Pending; the pod runs once the port is free', async (t) => {
    // the node's other running containers (exited ones of ended pods may be collected meanwhile)
    const others = async () => (await runtime.listContainers()).filter((c) => c.pod.name !== 'hostport' && c.state === 'running').map((c) => c.id).sort();
    const before = await others();
    // a listener in the node's network namespace, not a container
    const holder = spawn('nsenter', [`--net=/run/netns/${netns}`, process.execPath, '-e', "require('net').createServer().listen(18080, '0.0.0.0', () => console.log('listening'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    killOnExit(holder);
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout?.on('data', (b: Buffer) => b.toString().includes('listening') && resolve());
        holder.once('exit', (code) => reject(new Error(`the port holder exited with ${String(code)}`)));
      });
      await cs.pods('default').create(bind(pod('hostport', { containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sleep', '3600'], ports: [{ containerPort: 8080, hostPort: 18080 }] }] })));
      const ev = await eventually('a FailedCreatePodSandBox event', 60_000, async () =>
        ((await cs.events('default').list()).items as Event[]).find((e) => e.involvedObject?.name === 'hostport' && e.reason === 'FailedCreatePodSandBox'),
      );
      assert.equal(ev.type, 'Warning');
      t.diagnostic(`event: ${ev.message ?? ''}`);
      assert.match(ev.message ?? '', /^Failed to create pod sandbox: start sandbox skiff_POD_hostport_default_.*: driver failed programming external connectivity on endpoint .*0\.0\.0\.0:18080.*address already in use/);
      const p = await eventually('the status written', 30_000, async () => ((await get('hostport')).status?.containerStatuses ? get('hostport') : undefined));
      assert.equal(p.status?.phase, 'Pending');
      assert.deepEqual(p.status?.containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
      // a retry may be between its create and its removal: none may run
      assert.deepEqual((await runtime.listPodSandboxes({ podUid: p.metadata.uid ?? '' })).filter((s) => s.state === 'ready'), [], 'no sandbox of the pod runs');
      assert.deepEqual(await others(), before, "the node's other containers untouched");
    } finally {
      holder.kill();
      if (holder.exitCode === null) await new Promise((r) => holder.once('exit', r));
    }
    // the worker retries with back-off (at most 30 s apart)
    const p = await eventually('hostport Running', 90_000, async () => ((await get('hostport')).status?.phase === 'Running' ? get('hostport') : undefined));
    assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal((await runtime.listPodSandboxes({ podUid: p.metadata.uid ?? '' })).length, 1, 'the sandboxes that could not start were removed');
    await cs.pods('default').delete('hostport', { gracePeriodSeconds: 0 });
  });

  void it('terminationMessagePolicy File: what the container wrote to /dev/termination-log is its message', async () => {
    await cs.pods('default').create(bind(pod('says-bye', { restartPolicy: 'Never', containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', 'echo bye > /dev/termination-log; exit 3'] }] })));
    const t = await eventually('terminated', 60_000, async () => (await get('says-bye')).status?.containerStatuses?.[0]?.state?.terminated);
    assert.deepEqual([t.exitCode, t.reason, t.message], [3, 'Error', 'bye\n']);
    assert.equal((await get('says-bye')).status?.phase, 'Failed');
  });

  void it('restartPolicy Never and OnFailure end in Succeeded or Failed, with init containers too', async (t) => {
    // each step of "fails once, then succeeds" keeps a marker in an emptyDir
    const once = (dir: string) => ['sh', '-c', `if [ -f ${dir}/once ]; then exit 0; fi; touch ${dir}/once; exit 1`];
    const scratch = { volumes: [{ name: 'scratch', emptyDir: {} }] };
    const mount = [{ name: 'scratch', mountPath: '/scratch' }];
    const pods = [
      pod('never-init-fails', { restartPolicy: 'Never', initContainers: [{ name: 'init', image: TESTBOX_IMAGE, command: ['sh', '-c', 'exit 2'] }], containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sleep', '3600'] }] }),
      pod('never-init-ok', { restartPolicy: 'Never', initContainers: [{ name: 'init', image: TESTBOX_IMAGE, command: ['true'] }], containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', 'exit 0'] }] }),
      pod('onfailure-init', { ...scratch, restartPolicy: 'OnFailure', initContainers: [{ name: 'init', image: TESTBOX_IMAGE, command: once('/scratch'), volumeMounts: mount }], containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', 'exit 0'] }] }),
      pod('onfailure-main', { ...scratch, restartPolicy: 'OnFailure', containers: [{ name: 'main', image: TESTBOX_IMAGE, command: once('/scratch'), volumeMounts: mount }] }),
      pod('onfailure-exit', { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', 'exit 0'] }] }),
    ];
    const t0 = Date.now();
    await Promise.all(pods.map((p) => cs.pods('default').create(bind(p))));
    const want: Record<string, 'Succeeded' | 'Failed'> = { 'never-init-fails': 'Failed', 'never-init-ok': 'Succeeded', 'onfailure-init': 'Succeeded', 'onfailure-main': 'Succeeded', 'onfailure-exit': 'Succeeded' };
    const ended = await Promise.all(
      Object.entries(want).map(async ([name, phase]) => {
        const p = await eventually(`${name} ${phase}`, 60_000, async () => ((await get(name)).status?.phase === phase ? get(name) : undefined));
        t.diagnostic(`${name} ${phase} after ${Date.now() - t0} ms`);
        return p;
      }),
    );
    const byName = new Map(ended.map((p) => [p.metadata.name ?? '', p]));
    const failedInit = byName.get('never-init-fails')!.status?.initContainerStatuses?.[0];
    assert.deepEqual([failedInit?.state?.terminated?.exitCode, failedInit?.state?.terminated?.reason, failedInit?.restartCount], [2, 'Error', 0], 'Never: the failed init container fails the pod, not restarted');
    const uid = byName.get('never-init-fails')!.metadata.uid ?? '';
    assert.deepEqual((await runtime.listContainers({ podUid: uid })).map((c) => c.name), ['init'], 'the app container never started');
    assert.equal(byName.get('onfailure-init')!.status?.initContainerStatuses?.[0]?.restartCount, 1, 'OnFailure: the failed init container ran again');
    assert.equal(byName.get('onfailure-init')!.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 0);
    assert.equal(byName.get('onfailure-main')!.status?.containerStatuses?.[0]?.restartCount, 1, 'OnFailure: restarted after its failure');
    assert.equal(byName.get('onfailure-exit')!.status?.containerStatuses?.[0]?.restartCount, 0, 'OnFailure: not restarted after success');
    assert.equal(byName.get('never-init-ok')!.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    // nothing runs again once the pod ended
    await new Promise((r) => setTimeout(r, 2000));
    for (const p of ended) {
      const now = await get(p.metadata.name ?? '');
      assert.equal(now.status?.phase, p.status?.phase, `${p.metadata.name ?? ''} stays ${p.status?.phase ?? ''}`);
      assert.ok((await runtime.listContainers({ podUid: p.metadata.uid ?? '' })).every((c) => c.state === 'exited'), `${p.metadata.name ?? ''}: no container runs`);
    }
    await Promise.all(Object.keys(want).map((n) => cs.pods('default').delete(n, { gracePeriodSeconds: 0 })));
  });

  void it('an image that does not exist and a command not in the image: the reasons in status and events; the other pods keep running', async (t) => {
    const before = await steady();
    assert.ok(before.answers && before.containers.every((c) => c.endsWith(' running')), JSON.stringify(before));
    await cs.pods('default').create(bind(pod('no-image', { containers: [{ name: 'main', image: 'skiff/no-such-image:0.1', command: ['sleep', '3600'] }] })));
    await cs.pods('default').create(bind(pod('no-command', { containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['/no/such/binary'] }] })));
    // ErrImagePull after a failed pull, ImagePullBackOff while the pull backs off (10 s, then 20 s)
    const seen = new Set<string>();
    const pulls = eventually('ErrImagePull and ImagePullBackOff', 90_000, async () => {
      const reason = (await get('no-image')).status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason) seen.add(reason);
      return seen.has('ErrImagePull') && seen.has('ImagePullBackOff') ? true : undefined;
    });
    const cannotRun = eventually('ContainerCannotRun, then CrashLoopBackOff', 60_000, async () => {
      const c = (await get('no-command')).status?.containerStatuses?.[0];
      return c?.state?.waiting?.reason === 'CrashLoopBackOff' && c.lastState?.terminated ? c : undefined;
    });
    const [, c] = await Promise.all([pulls, cannotRun]);
    const image = await get('no-image');
    assert.equal(image.status?.phase, 'Pending');
    const pullEvents = await events('no-image');
    t.diagnostic(`pull: ${pullEvents.map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`).join(' | ')}`);
    assert.ok(pullEvents.some((e) => e.reason === 'Pulling' && e.message === 'Pulling image "skiff/no-such-image:0.1"'));
    assert.ok(pullEvents.some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message?.startsWith('Failed to pull image "skiff/no-such-image:0.1": ')));
    assert.ok(pullEvents.some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message === 'Error: ErrImagePull'));
    assert.ok(pullEvents.some((e) => e.reason === 'BackOff' && e.message === 'Back-off pulling image "skiff/no-such-image:0.1"'));
    t.diagnostic(`no-command: ${JSON.stringify(c.lastState?.terminated)}`);
    assert.equal(c.lastState?.terminated?.reason, 'ContainerCannotRun');
    assert.equal(c.lastState?.terminated?.exitCode, 127);
    assert.match(c.lastState?.terminated?.message ?? '', /\/no\/such\/binary.*no such file or directory/);
    const runEvents = await events('no-command');
    assert.ok(runEvents.some((e) => e.type === 'Warning' && e.reason === 'Failed' && /^Error: .*\/no\/such\/binary.*no such file or directory/.test(e.message ?? '')), runEvents.map((e) => e.message).join(' | '));
    assert.ok(runEvents.some((e) => e.reason === 'BackOff'));
    assert.deepEqual(await steady(), before, 'the other pod: same containers, still running, no restart, answering');
    await Promise.all(['no-image', 'no-command'].map((n) => cs.pods('default').delete(n, { gracePeriodSeconds: 0 })));
  });

  void it('a hostNetwork pod sees the node\'s interfaces; runAsUser and readOnlyRootFilesystem hold', async () => {
    await cs.pods('default').create(
      bind(pod('host-net', { hostNetwork: true, containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sleep', '3600'], securityContext: { runAsUser: 1234, readOnlyRootFilesystem: true } }] })),
    );
    const p = await running('host-net');
    assert.equal(p.status?.podIP, nodeAddress, "the pod's IP is the node's");
    const id = containerId(p);
    const addrs = (await runtime.execSync(id, ['ip', '-4', '-o', 'addr'], 5000)).stdout;
    assert.match(addrs, new RegExp(`inet ${nodeAddress.replace(/\./g, '\\.')}/`), addrs);
    assert.equal((await runtime.execSync(id, ['id', '-u'], 5000)).stdout.trim(), '1234');
    const write = await runtime.execSync(id, ['touch', '/written'], 5000);
    assert.notEqual(write.exitCode, 0);
    assert.match(write.stderr, /Read-only file system/);
    const hosts = (await runtime.execSync(id, ['cat', '/etc/hosts'], 5000)).stdout;
    assert.equal(hosts, await readFile('/etc/hosts', 'utf8'), "a hostNetwork pod gets the node's hosts file");
    await cs.pods('default').delete('host-net', { gracePeriodSeconds: 0 });
  });

  void it('securityContext capabilities and privileged reach the container', async (t) => {
    await cs.pods('default').create(
      bind(
        pod('caps', {
          containers: [
            { name: 'caps', image: TESTBOX_IMAGE, command: ['sleep', '3600'], securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['CHOWN'] } } },
            { name: 'plain', image: TESTBOX_IMAGE, command: ['sleep', '3600'] },
            { name: 'priv', image: TESTBOX_IMAGE, command: ['sleep', '3600'], securityContext: { privileged: true } },
          ],
        }),
      ),
    );
    const uid = (await get('caps')).metadata.uid ?? '';
    // caps and plain run; priv is created (this VM refuses a privileged start: runc "unable to apply caps")
    const ids = await eventually('caps and plain running, priv created', 60_000, async () => {
      const all = await runtime.listContainers({ podUid: uid });
      const byName = (n: string) => all.filter((c) => c.name === n).sort((x, y) => y.restartCount - x.restartCount)[0];
      const [caps, plain, priv] = [byName('caps'), byName('plain'), byName('priv')];
      return caps?.state === 'running' && plain?.state === 'running' && priv ? { caps: caps.id, plain: plain.id, priv: priv.id } : undefined;
    });
    const effective = async (id: string): Promise<bigint> => {
      const status = (await runtime.execSync(id, ['cat', '/proc/1/status'], 5000)).stdout;
      return BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? 'x'}`);
    };
    const bit = (caps: bigint, n: number) => (caps >> BigInt(n)) & 1n;
    const [CHOWN, NET_ADMIN, SYS_ADMIN] = [0, 12, 21];
    const [caps, plain] = [await effective(ids.caps), await effective(ids.plain)];
    assert.deepEqual([bit(plain, CHOWN), bit(plain, NET_ADMIN), bit(plain, SYS_ADMIN)], [1n, 0n, 0n], "Docker's default set");
    assert.deepEqual([bit(caps, CHOWN), bit(caps, NET_ADMIN), bit(caps, SYS_ADMIN)], [0n, 1n, 0n], 'CHOWN dropped, NET_ADMIN added');
    assert.equal(caps | 1n, plain | (1n << BigInt(NET_ADMIN)) | 1n, 'nothing else changed');
    const inspect = async (id: string) => (await mustRun('docker', ['-H', dockerHost, 'inspect', '--format', '{{.HostConfig.Privileged}} {{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}}', id])).trim();
    assert.equal(await inspect(ids.caps), 'false ["NET_ADMIN"] ["CHOWN"]');
    assert.equal(await inspect(ids.priv), 'true null null', 'the privileged container as Docker holds it');
    const priv = (await get('caps')).status?.containerStatuses?.find((c) => c.name === 'priv');
    t.diagnostic(`priv: ${JSON.stringify(priv?.state)}`);
    await cs.pods('default').delete('caps', { gracePeriodSeconds: 0 });
  });

  void it('a failing readiness probe marks the pod not Ready', async () => {
    await cs.pods('default').create(
      bind(
        pod('ready', {
          containers: [{ name: 'web', image: TESTBOX_IMAGE, command: httpd('echo ok > /www/ready &&'), ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1, failureThreshold: 1 } }],
        }),
      ),
    );
    const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const p = await eventually('Ready True', 60_000, async () => (ready(await get('ready')) === 'True' ? get('ready') : undefined));
    await runtime.execSync(containerId(p), ['rm', '/www/ready'], 5000);
    const after = await eventually('Ready False', 30_000, async () => (ready(await get('ready')) === 'False' ? get('ready') : undefined));
    assert.equal(after.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status, 'False');
    assert.equal(after.status?.containerStatuses?.[0]?.ready, false);
    assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0, 'readiness never restarts');
    assert.ok((await reasons('ready')).has('Unhealthy'));
  });

  void it('a failing liveness probe restarts the container', async () => {
    await cs.pods('default').create(
      bind(pod('live', { containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sleep', '3600'], livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 } }] })),
    );
    const s = await eventually('a restart', 60_000, async () => {
      const c = (await get('live')).status?.containerStatuses?.[0];
      return c && c.restartCount >= 1 ? c : undefined;
    });
    assert.ok(s.lastState?.terminated, 'the killed instance is the last state');
    const r = await reasons('live');
    assert.ok(r.has('Unhealthy') && r.has('Killing'), [...r].join(','));
  });

  void it('a crashing container goes to CrashLoopBackOff, its back-off growing from 10 s to 20 s', async () => {
    await cs.pods('default').create(bind(pod('crash', { containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', 'exit 3'] }] })));
    const backoff = (c: { state?: { waiting?: { reason?: string; message?: string } } } | undefined) =>
      c?.state?.waiting?.reason === 'CrashLoopBackOff' ? /^back-off (\d+)s restarting failed container=main pod=crash_default\(/.exec(c.state.waiting.message ?? '')?.[1] : undefined;
    const first = await eventually('CrashLoopBackOff (10 s)', 60_000, async () => {
      const c = (await get('crash')).status?.containerStatuses?.[0];
      return backoff(c) === '10' ? c : undefined;
    });
    assert.ok(first.restartCount >= 1);
    assert.equal(first.lastState?.terminated?.exitCode, 3);
    assert.ok((await reasons('crash')).has('BackOff'));
    const second = await eventually('the back-off doubled (20 s)', 40_000, async () => {
      const c = (await get('crash')).status?.containerStatuses?.[0];
      return backoff(c) === '20' ? c : undefined;
    });
    assert.equal(second.restartCount, first.restartCount + 1, 'one restart after the 10 s back-off');
    // the restart waited out the back-off: the new instance started at least 10 s after the last one ended
    const gap = Date.parse(second.lastState?.terminated?.startedAt ?? '') - Date.parse(first.lastState?.terminated?.finishedAt ?? '');
    assert.ok(gap >= 9_000, `restarted ${gap} ms after the crash`);
  });

  void it('deleting a pod runs preStop, gives SIGTERM, then the object is gone, and no container, network endpoint or volume of it is left', async () => {
    await cs.pods('default').create(
      bind(
        pod('graceful', {
          terminationGracePeriodSeconds: 20,
          volumes: [{ name: 'scratch', emptyDir: {} }],
          containers: [
            {
              name: 'main',
              image: TESTBOX_IMAGE,
              command: ['sh', '-c', "trap 'echo got-SIGTERM; exit 0' TERM; echo started; while true; do sleep 1; done"],
              lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop-ran > /proc/1/fd/1'] } } },
              volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
            },
          ],
        }),
      ),
    );
    const p = await running('graceful');
    const id = containerId(p);
    const uid = p.metadata.uid ?? '';
    const podDir = join(rootDir, 'pods', uid);
    const [sandbox] = await runtime.listPodSandboxes({ podUid: uid });
    assert.ok(sandbox, 'the sandbox');
    assert.ok((await endpoints()).includes(sandbox.id), "the sandbox's endpoint on the pod network");
    assert.ok(await exists(join(podDir, 'volumes/kubernetes.io~empty-dir/scratch')), 'the emptyDir on the node');
    let output = '';
    const ac = new AbortController();
    const reading = (async () => {
      for await (const chunk of runtime.logs(id, { follow: true }, ac.signal)) output += chunk.data.toString();
    })().catch(() => undefined);
    await eventually('the first line', 10_000, async () => (output.includes('started') ? true : undefined));
    await cs.pods('default').delete('graceful');
    await gone('graceful');
    ac.abort();
    await reading;
    assert.match(output, /started\n[\s\S]*prestop-ran\n[\s\S]*got-SIGTERM/, 'preStop ran, then SIGTERM');
    // the agent deletes the object, then removes the pod's containers, sandbox and directory
    await eventually('no container, sandbox, endpoint or directory of the pod', 30_000, async () => {
      const left = [...(await runtime.listContainers({ podUid: uid })), ...(await runtime.listPodSandboxes({ podUid: uid }))];
      return left.length === 0 && !(await endpoints()).includes(sandbox.id) && !(await exists(podDir)) ? true : undefined;
    });
    assert.deepEqual(await hostMountsUnder(podDir), [], 'no mount of the pod left');
  });

  void it('terminationGracePeriodSeconds 3 and a container ignoring SIGTERM: Killing, then SIGKILL no earlier than 3 s after the deletion', async (t) => {
    await cs.pods('default').create(
      bind(pod('stubborn', { terminationGracePeriodSeconds: 3, containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', "trap '' TERM; echo started; while true; do sleep 1; done"] }] })),
    );
    const p = await running('stubborn');
    const id = containerId(p);
    // the container's end as Docker reports it (the object and the container are removed right after)
    const ac = new AbortController();
    const deletedAt = Date.now();
    const died = (async (): Promise<RuntimeEvent | undefined> => {
      for await (const e of runtime.events(ac.signal, deletedAt)) if (e.type === 'die' && e.containerId === id) return e;
      return undefined;
    })();
    try {
      await cs.pods('default').delete('stubborn');
      const e = await Promise.race([died, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000).unref())]);
      assert.ok(e, 'the container died');
      const after = e.timeMs - deletedAt;
      t.diagnostic(`killed ${after} ms after the deletion, exit code ${String(e.exitCode)}`);
      assert.equal(e.exitCode, 137, 'SIGKILL');
      assert.ok(after >= 2_900, `killed ${after} ms after the deletion`);
      assert.ok(after < 10_000, `killed ${after} ms after the deletion`);
    } finally {
      ac.abort();
    }
    const killing = (await events('stubborn')).find((ev) => ev.reason === 'Killing');
    assert.equal(killing?.message, 'Stopping container main');
    await gone('stubborn');
  });
});
