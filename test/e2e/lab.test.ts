// skiff-lab end to end, through the CLI binary: one 3-node lab shared by the cases of this file.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NODE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import { eventually, freeSubnet, httpGetFromNode, inNode, labStatusJson, mustRun, repoRoot, run, testLab, type StatusJson, type TestLab } from '../harness/lab-env.js';
import { httpGet } from '../harness/http-get.js';

/** The founding document's Dockerfile, verbatim. */
const SEED_DOCKERFILE = `FROM node:latest
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install
COPY . .
EXPOSE 3000
CMD ["npm", "start"]
`;

async function dockerdPids(lab: TestLab): Promise<Record<string, string>> {
  const pids: Record<string, string> = {};
  for (const n of ['n1', 'n2', 'n3']) pids[n] = (await readFile(join(lab.stateDir, 'nodes', n, 'dockerd.pid'), 'utf8')).trim();
  return pids;
}

void describe('skiff-lab with 3 nodes', { timeout: 240_000 }, () => {
  let lab: TestLab;
  let status: StatusJson;
  const hostRoutes: string[] = [];

  before(async () => {
    lab = await testLab();
    const r = await lab.cli('up', '--nodes', '3', '--subnet', lab.subnet, '--image-cache', lab.imageCache);
    assert.equal(r.code, 0, r.stderr);
    status = await labStatusJson(lab);
  });

  after(async () => {
    for (const dst of hostRoutes) await run('ip', ['route', 'del', dst]);
    if (lab) {
      const r = await lab.cli('down');
      await rm(lab.dir, { recursive: true, force: true });
      assert.equal(r.code, 0, r.stderr);
    }
  });

  void it('status -o json shows 3 ready nodes', () => {
    assert.equal(status.nodes.length, 3);
    for (const [i, n] of status.nodes.entries()) {
      assert.equal(n.name, `n${i + 1}`);
      assert.equal(n.ready, true);
      assert.equal(n.netns, `skiff-${lab.name}-n${i + 1}`);
      assert.match(n.dockerHost, /^unix:\/\//);
      assert.ok(n.address.startsWith(lab.subnet.replace('0/24', '')), n.address);
    }
  });

  void it('every node pings every other, and the host pings each', async () => {
    for (const from of status.nodes) {
      for (const to of status.nodes) {
        if (from === to) continue;
        const r = await inNode(from.netns, 'busybox', ['ping', '-c', '1', '-W', '2', to.address]);
        assert.equal(r.code, 0, `${from.name} -> ${to.name}: ${r.stdout}${r.stderr}`);
      }
      const r = await run('busybox', ['ping', '-c', '1', '-W', '2', from.address]);
      assert.equal(r.code, 0, `host -> ${from.name}: ${r.stdout}`);
    }
  });

  void it('runs a container on a node through skiff-lab docker', async () => {
    const r = await lab.cli('docker', 'n1', '--', 'run', '--rm', TESTBOX_IMAGE, 'echo', 'hi');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'hi');
  });

  void it('up on a running lab changes nothing', async () => {
    const before = await dockerdPids(lab);
    const r = await lab.cli('up', '--nodes', '3', '--image-cache', lab.imageCache);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /nothing to change/);
    assert.deepEqual(await dockerdPids(lab), before);
  });

  void it("builds the seed's Dockerfile on a node; the app answers from another node and the host", async () => {
    const app = join(repoRoot, 'examples/node-app');
    assert.equal(await readFile(join(app, 'Dockerfile'), 'utf8'), SEED_DOCKERFILE, "examples/node-app/Dockerfile is the founding document's, unchanged");
    const build = await lab.cli('docker', 'n2', '--', 'build', '-q', '-t', 'skiff-e2e/node-app:1', app);
    assert.equal(build.code, 0, build.stderr);
    const inspect = await lab.cli('docker', 'n2', '--', 'image', 'inspect', '--format', '{{.Id}}', NODE_IMAGE);
    assert.equal(inspect.code, 0, inspect.stderr);

    // What the node agent will do: a bridge network on the node's pod subnet, routes via the node.
    const podSubnet = await freeSubnet(198);
    const podIp = podSubnet.replace('0/24', '5');
    const n2 = status.nodes[1]!;
    const n3 = status.nodes[2]!;
    const net = await lab.cli('docker', 'n2', '--', 'network', 'create', '--subnet', podSubnet, '-o', 'com.docker.network.bridge.enable_ip_masquerade=false', '-o', 'com.docker.network.bridge.name=cbr0', 'podnet');
    assert.equal(net.code, 0, net.stderr);
    await mustRun('nsenter', [`--net=/run/netns/${n2.netns}`, 'iptables', '-w', '-I', 'DOCKER-USER', '-d', podSubnet, '-j', 'ACCEPT']);
    const started = await lab.cli('docker', 'n2', '--', 'run', '-d', '--name', 'app', '--network', 'podnet', '--ip', podIp, 'skiff-e2e/node-app:1');
    assert.equal(started.code, 0, started.stderr);
    const hostname = (await lab.cli('docker', 'n2', '--', 'inspect', '--format', '{{.Config.Hostname}}', 'app')).stdout.trim();
    await mustRun('ip', ['-n', n3.netns, 'route', 'add', podSubnet, 'via', n2.address]);
    hostRoutes.push(podSubnet);
    await mustRun('ip', ['route', 'add', podSubnet, 'via', n2.address]);

    const fromNode = await eventually('the app from n3', 30_000, async () => {
      const out = await httpGetFromNode(n3.netns, podIp, 3000);
      return out.includes('200 OK') ? out : undefined;
    });
    assert.equal(fromNode.trim().split('\n').pop(), hostname);
    assert.equal((await httpGet(podIp, 3000)).trim(), hostname);
  });

  void it('kill -9 of one engine: up brings it back and restarts no other', async () => {
    const before = await dockerdPids(lab);
    process.kill(Number(before.n1), 'SIGKILL');
    await eventually('n1 not ready', 10_000, async () => ((await labStatusJson(lab)).nodes[0]!.ready ? undefined : true));
    const r = await lab.cli('up', '--nodes', '3', '--image-cache', lab.imageCache);
    assert.equal(r.code, 0, r.stderr);
    const now = await dockerdPids(lab);
    assert.notEqual(now.n1, before.n1);
    assert.equal(now.n2, before.n2);
    assert.equal(now.n3, before.n3);
    assert.ok((await labStatusJson(lab)).nodes.every((n) => n.ready));
    const hi = await lab.cli('docker', 'n1', '--', 'run', '--rm', TESTBOX_IMAGE, 'echo', 'hi');
    assert.equal(hi.stdout.trim(), 'hi', hi.stderr);
  });

  void it('a namespace removed by hand: up restores that node only', async () => {
    const before = await dockerdPids(lab);
    const n3 = status.nodes[2]!;
    await mustRun('ip', ['netns', 'del', n3.netns]);
    const r = await lab.cli('up', '--nodes', '3', '--image-cache', lab.imageCache);
    assert.equal(r.code, 0, r.stderr);
    const now = await dockerdPids(lab);
    assert.notEqual(now.n3, before.n3);
    assert.equal(now.n1, before.n1);
    assert.equal(now.n2, before.n2);
    const ping = await inNode(n3.netns, 'busybox', ['ping', '-c', '1', '-W', '2', status.nodes[0]!.address]);
    assert.equal(ping.code, 0, ping.stdout);
    const hi = await lab.cli('docker', 'n3', '--', 'run', '--rm', TESTBOX_IMAGE, 'echo', 'hi');
    assert.equal(hi.stdout.trim(), 'hi', hi.stderr);
  });
});
