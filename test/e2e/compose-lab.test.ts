// The docker-compose lab (deploy/compose/, skiff-compose) end to end, on an engine of its own: a
// one-node skiff-lab machine whose dockerd plays "the machine's Docker" (its networks, iptables and
// images stay inside the lab node and go with it). `skiff-compose up --nodes 2` builds the images
// without a registry and brings up etcd, the control plane, the registry and two node containers;
// both nodes go Ready; an image pushed to the lab registry runs on both nodes with
// `imagePullPolicy: Always` (each node's dockerd pulls it) and its Service answers by ClusterIP from
// every node and by NodePort from outside; the seed's Flask example (its Dockerfile on the offline
// python:3, its manifests unchanged) is pulled by every node through the registry mirror and
// answers. `down --images --purge`, then the lab's down, leave no container, volume, network,
// image, cgroup or namespace behind (also when a check failed).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_IMAGE_CACHE, ensureImage, HostRunner, pythonRecipe, TESTBOX_IMAGE } from '@skiff/lab';
import { eventually, labStatusJson, mustRun, repoRoot, run, testLab, type Run, type TestLab } from '../harness/lab-env.js';

const composeCli = join(repoRoot, 'packages/compose/dist/main.js');
const skiffctlMain = join(repoRoot, 'packages/skiffctl/dist/main.js');

interface PodJson {
  metadata: { name: string };
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string };
}

interface ServiceJson {
  spec: { clusterIP: string; ports: { port: number; nodePort?: number }[] };
}

const HELLO = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 4
  selector:
    matchLabels: {app: hello}
  template:
    metadata:
      labels: {app: hello}
    spec:
      containers:
      - name: hello
        image: registry:5000/e2e/hello:1
        imagePullPolicy: Always
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: hello
spec:
  type: NodePort
  selector: {app: hello}
  ports:
  - port: 80
    targetPort: 8080
`;

void describe('the docker-compose lab with 2 nodes and its registry', { timeout: 900_000 }, () => {
  const project = `e2ecmp${randomBytes(3).toString('hex')}`;
  let lab: TestLab | undefined;
  let dir = '';
  let stateDir = '';
  let dockerHost = '';
  let outerNetns = '';
  let outerAddress = '';
  const started = performance.now();
  const env = () => [`DOCKER_HOST=${dockerHost}`];
  const docker = (...args: string[]) => run('env', [...env(), 'docker', ...args]);
  const composeCmd = (...args: string[]) => run('env', [...env(), process.execPath, composeCli, '--state-dir', stateDir, ...args]);
  const skiffctl = (...args: string[]) => run('env', [`SKIFFCONFIG=${join(stateDir, 'skiffctl.yaml')}`, process.execPath, skiffctlMain, ...args]);
  const ok = (r: Run, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
  const pods = async (label: string): Promise<PodJson[]> => {
    const r = await skiffctl('get', 'pods', '-l', label, '-o', 'json');
    ok(r, 'get pods');
    return (JSON.parse(r.stdout) as { items: PodJson[] }).items;
  };
  const service = async (name: string): Promise<ServiceJson> => {
    const r = await skiffctl('get', 'service', name, '-o', 'json');
    ok(r, `get service ${name}`);
    return JSON.parse(r.stdout) as ServiceJson;
  };
  /** An HTTP GET with busybox nc from inside a node container; the body's last line. */
  const getFromNode = async (node: string, ip: string, port: number): Promise<string | undefined> => {
    const r = await docker('exec', `${project}_${node}_1`, 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port}`);
    return r.stdout.includes(' 200 ') ? r.stdout.trim().split('\n').pop()!.trim() : undefined;
  };
  const runningOn = async (label: string, count: number): Promise<PodJson[] | undefined> => {
    const list = await pods(label);
    return list.length === count && list.every((p) => p.status?.phase === 'Running' && p.status.podIP) ? list : undefined;
  };
  /** Waits for `count` Running pods; on a timeout the error shows the pods and their events. */
  const waitRunning = async (label: string, count: number): Promise<PodJson[]> => {
    try {
      return await eventually(`${count} pods ${label} Running`, 240_000, () => runningOn(label, count));
    } catch (e) {
      const table = await skiffctl('get', 'pods', '-o', 'wide');
      const events = await skiffctl('get', 'events');
      throw new Error(`${(e as Error).message}\n${table.stdout}${table.stderr}\n${events.stdout.split('\n').slice(-30).join('\n')}`);
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-e2e-compose-'));
    stateDir = join(dir, 'compose');
    lab = await testLab(DEFAULT_IMAGE_CACHE);
    const labUp = await lab.cli('up', '--nodes', '1', '--subnet', lab.subnet, '--image-cache', lab.imageCache);
    ok(labUp, 'skiff-lab up');
    const node = (await labStatusJson(lab)).nodes[0]!;
    dockerHost = node.dockerHost;
    outerNetns = node.netns;
    outerAddress = node.address;
    const up = await composeCmd('up', '--project', project, '--nodes', '2', '--api-address', outerAddress, '--image-cache', lab.imageCache, '--timeout', '300', '--json');
    ok(up, 'skiff-compose up');
    const result = JSON.parse(up.stdout.trim().split('\n').pop()!) as { timings: { step: string; seconds: number }[] };
    process.stderr.write(`compose lab up in ${((performance.now() - started) / 1000).toFixed(1)} s: ${result.timings.map((t) => `${t.step} ${t.seconds.toFixed(1)}`).join(', ')}\n`);
  });

  after(async () => {
    const traces: string[] = [];
    if (stateDir && dockerHost) {
      const down = await composeCmd('down', '--images', '--purge');
      if (down.code !== 0) traces.push(`skiff-compose down: ${down.stderr}`);
      const left = await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`);
      if (left.stdout.trim()) traces.push(`containers: ${left.stdout.trim()}`);
      const vols = await docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`);
      if (vols.stdout.trim()) traces.push(`volumes: ${vols.stdout.trim()}`);
      const nets = await docker('network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`);
      if (nets.stdout.trim()) traces.push(`networks: ${nets.stdout.trim()}`);
      const imgs = await docker('images', '-q', `skiff/compose:${project}`);
      if (imgs.stdout.trim()) traces.push(`image skiff/compose:${project}`);
      for (const c of readdirSync('/sys/fs/cgroup')) {
        try {
          for (const d of readdirSync(join('/sys/fs/cgroup', c))) if (d.startsWith(`skiff-compose-${project}-`)) traces.push(`cgroup ${c}/${d}`);
        } catch {}
      }
      if (existsSync(stateDir)) traces.push(`state folder ${stateDir} left`);
    }
    if (lab) {
      const labDown = await lab.cli('down');
      if (labDown.code !== 0) traces.push(`skiff-lab down: ${labDown.stderr}`);
      if ((await mustRun('ip', ['netns', 'list'])).includes(`skiff-${lab.name}-`)) traces.push('lab namespace left');
      await rm(lab.dir, { recursive: true, force: true });
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    process.stderr.write(`compose lab test, up to down: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    assert.deepEqual(traces, [], 'down leaves nothing behind');
  });

  void it('both nodes are Ready, each a container with its own dockerd', async () => {
    const r = await skiffctl('get', 'nodes', '-o', 'json');
    ok(r, 'get nodes');
    const nodes = (JSON.parse(r.stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { containerRuntimeVersion?: string } } }[] }).items;
    assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['node1', 'node2']);
    for (const n of nodes) {
      assert.ok(n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), `${n.metadata.name} Ready`);
      assert.match(n.status?.nodeInfo?.containerRuntimeVersion ?? '', /^docker:\/\//);
    }
    for (const node of ['node1', 'node2']) ok(await docker('exec', `${project}_${node}_1`, 'docker', 'info', '-f', '{{.ServerVersion}}'), `dockerd in ${node}`);
  });

  void it('an image pushed to the lab registry runs on both nodes with imagePullPolicy Always, and its Service answers', async () => {
    const pushed = await composeCmd('push', TESTBOX_IMAGE, 'e2e/hello:1');
    ok(pushed, 'skiff-compose push');
    assert.equal(pushed.stdout.trim(), 'registry:5000/e2e/hello:1');
    const manifest = join(dir, 'hello.yaml');
    await writeFile(manifest, HELLO);
    ok(await skiffctl('apply', '-f', manifest), 'apply hello');
    const list = await waitRunning('app=hello', 4);
    assert.deepEqual([...new Set(list.map((p) => p.spec.nodeName))].sort(), ['node1', 'node2'], 'pods on both nodes');
    // every node's dockerd pulled it from the registry (no node had it before)
    const events = await skiffctl('get', 'events', '-o', 'json');
    ok(events, 'get events');
    const pulledOn = new Set(
      (JSON.parse(events.stdout) as { items: { reason?: string; message?: string; source?: { host?: string } }[] }).items
        .filter((e) => e.reason === 'Pulled' && e.message?.includes('Successfully pulled image "registry:5000/e2e/hello:1"'))
        .map((e) => e.source?.host),
    );
    assert.deepEqual([...pulledOn].sort(), ['node1', 'node2'], 'Pulled events from both nodes');
    for (const node of ['node1', 'node2']) {
      const img = await docker('exec', `${project}_${node}_1`, 'docker', 'image', 'inspect', '-f', '{{.Id}}', 'registry:5000/e2e/hello:1');
      ok(img, `the image on ${node}`);
    }
    const svc = await service('hello');
    const names = new Set(list.map((p) => p.metadata.name));
    for (const node of ['node1', 'node2']) {
      const seen = new Set<string>();
      for (let i = 0; i < 40 && seen.size < names.size; i++) {
        const body = await getFromNode(node, svc.spec.clusterIP, 80);
        if (body) seen.add(body);
      }
      assert.ok(seen.size >= 2 && [...seen].every((s) => names.has(s)), `ClusterIP from ${node} reached ${[...seen].join(' ')}`);
    }
    // the NodePort of a node container, from outside the compose network (the engine's machine)
    const nodeIp = (await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `${project}_node1_1`)).stdout.trim();
    const body = await eventually('the NodePort from the engine', 20_000, async () => {
      const r = await run('nsenter', [`--net=/run/netns/${outerNetns}`, 'busybox', 'nc', '-w', '3', nodeIp, String(svc.spec.ports[0]!.nodePort)], 'GET / HTTP/1.0\r\n\r\n');
      return r.stdout.includes(' 200 ') ? r.stdout.trim().split('\n').pop()!.trim() : undefined;
    });
    assert.ok(names.has(body), `NodePort answered ${body}`);
  });

  void it("the seed's Flask example: its Dockerfile on the offline python:3, its manifests unchanged, pulled by every node and answering", async () => {
    const python = await ensureImage(new HostRunner(), lab!.imageCache, pythonRecipe);
    ok(await docker('load', '-q', '-i', python.tarball), 'load python:3');
    ok(await docker('build', '-q', '-t', 'my-flask', join(repoRoot, 'examples/seed/flask')), 'docker build my-flask');
    // `image: my-flask` is docker.io/library/my-flask: the nodes' dockerd find it through the registry mirror
    ok(await composeCmd('push', 'my-flask', 'library/my-flask:latest'), 'push my-flask');
    ok(await skiffctl('apply', '-f', join(repoRoot, 'examples/seed/flask/deployment.yaml'), '-f', join(repoRoot, 'examples/seed/flask/service.yaml')), 'apply the seed manifests');
    const list = await waitRunning('app=my-flask', 3);
    assert.equal(list.length, 3);
    const svc = await service('my-flask');
    for (const node of ['node1', 'node2']) {
      const body = await eventually(`my-flask from ${node}`, 30_000, () => getFromNode(node, svc.spec.clusterIP, 80));
      assert.equal(body, 'Hello, World!');
    }
    ok(await docker('rmi', 'my-flask', 'python:3'), 'remove the test images');
  });
});
