// Service traffic through skiff-proxy on a 2-node lab of the test's own: the pod network of
// @skiff/node-agent on each node, three web pods (two on node 1, one on node 2; busybox httpd
// answering with the pod's name), a real apiserver the proxies reach through a unix socket relay,
// and `skiff-proxy` itself in each node's namespace. Requests to a ClusterIP from a node spread
// over every endpoint and none fails; a removed endpoint gets no traffic a second later (requests
// from a pod); a NodePort answers from the other node and from the host; ClientIP
// affinity keeps one endpoint; cluster DNS answers a pod on 169.254.20.10. Everything is removed
// afterwards (proxies stopped and cleaned up, pods, pod network, lab), also on failure.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, encode, type DecodedPacket, type RecordType } from 'dns-packet';
import type { Container, Endpoints, Service } from '@skiff/api';
import { PAUSE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import { containerConfig, DockerRuntime, HostCommandRunner, HostPodNetwork, minOomScoreAdj, type PodRef } from '@skiff/node-agent';
import { startCluster, type TestCluster } from '../harness/index.js';
import { httpGet } from '../harness/http-get.js';
import { eventually, freeSubnet, inNode, labStatusJson, repoRoot, run, testLab, type TestLab } from '../harness/lab-env.js';

const NETWORK = 'skiff-pods';
const PORT = 8080;
const DNS_IP = '169.254.20.10';
const MAIN = join(repoRoot, 'packages/proxy/dist/main.js');
const CLUSTER_CIDR = '10.198.0.0/16';

const web: Container = { name: 'web', image: TESTBOX_IMAGE, command: ['sh', '-c'], args: [`mkdir -p /www && echo "$POD_NAME" > /www/index.html && exec httpd -f -p ${PORT} -h /www`] };

interface TestNode {
  name: string;
  netns: string;
  address: string;
  podCIDR: string;
  runtime: DockerRuntime;
  net: HostPodNetwork;
  proxy?: ChildProcess;
  output: string;
}

interface TestPod {
  node: TestNode;
  ref: PodRef;
  sandboxId: string;
  ip: string;
  appId: string;
}

/** A DNS query run by the host's node inside a network namespace (`nsenter -t PID -n`). */
const DNS_CLIENT = `
const [host, hex] = process.argv.slice(1);
const s = (await import('node:dgram')).createSocket('udp4');
setTimeout(() => { process.stderr.write('no answer'); process.exit(1); }, 3000);
s.on('message', (b) => { process.stdout.write(b.toString('hex')); process.exit(0); });
s.send(Buffer.from(hex, 'hex'), 53, host);`;

function relay(path: string, target: string): Promise<Server> {
  const i = target.lastIndexOf(':');
  const server = createServer((c) => {
    const up = connect(Number(target.slice(i + 1)), target.slice(0, i));
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  return new Promise((ok) => server.listen(path, () => ok(server)));
}

void describe('service traffic through skiff-proxy on a 2-node lab', { timeout: 420_000 }, () => {
  let lab: TestLab | undefined;
  let cluster: TestCluster | undefined;
  let sock: Server | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-proxy-'));
  const nodes: TestNode[] = [];
  const pods: TestPod[] = [];
  let svc: Service;
  let sticky: Service;
  let hairpin: Service;

  /** `n` requests from a pod's app container to ip:port, one after the other; the bodies (pod names). */
  const requests = async (from: TestPod, ip: string, port: number, n: number): Promise<string[]> => {
    const loop = `i=0; while [ $i -lt ${n} ]; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port} | tail -n 1; i=$((i+1)); done`;
    const r = await from.node.runtime.execSync(from.appId, ['sh', '-c', loop], 120_000);
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  };
  const count = (names: string[]): Record<string, number> => names.reduce<Record<string, number>>((m, n) => ({ ...m, [n]: (m[n] ?? 0) + 1 }), {});
  const endpointsOf = (name: string, ps: TestPod[]): Endpoints => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace: 'default', name },
    subsets: [{ addresses: ps.map((p) => ({ ip: p.ip, nodeName: p.node.name, hostname: p.ref.name })), ports: [{ name: 'http', port: PORT }] }],
  });

  /** skiff-proxy in the node's namespace (`nsenter --net` execs node: the pid is the proxy's). */
  const startProxy = (n: TestNode): void => {
    const args = [`--net=/run/netns/${n.netns}`, process.execPath, MAIN, '--server', `unix:${join(dir, 'api.sock')}`, '--hostname-override', n.name, '--cluster-cidr', CLUSTER_CIDR];
    args.push('--iptables-min-sync-period', '100ms', '--health-port', '-1', '--cluster-dns-ip', DNS_IP, '--resolv-conf', join(dir, 'resolv.conf'));
    const proxy = spawn('nsenter', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    n.proxy = proxy;
    proxy.stdout?.on('data', (b: Buffer) => (n.output += b.toString()));
    proxy.stderr?.on('data', (b: Buffer) => (n.output += b.toString()));
  };

  before(async () => {
    lab = await testLab();
    const up = await lab.cli('up', '--nodes', '2', '--subnet', lab.subnet, '--image-cache', lab.imageCache);
    assert.equal(up.code, 0, up.stderr);
    const status = await labStatusJson(lab);
    const cidrs = [await freeSubnet(198), await freeSubnet(198)];
    const clusterCIDR = CLUSTER_CIDR;
    for (const [i, s] of status.nodes.entries()) {
      const runtime = new DockerRuntime({ dockerHost: s.dockerHost, infraImage: PAUSE_IMAGE, network: NETWORK });
      const net = new HostPodNetwork(runtime.docker, new HostCommandRunner(`/run/netns/${s.netns}`), { podCIDR: cidrs[i]!, clusterCIDR, networkName: NETWORK, bridgeName: 'cbr0' });
      nodes.push({ name: s.name, netns: s.netns, address: s.address, podCIDR: cidrs[i]!, runtime, net, output: '' });
    }
    for (const n of nodes) {
      await n.net.setUp();
      await n.net.syncRoutes(nodes.map((p) => ({ name: p.name, podCIDR: p.podCIDR, internalIP: p.address })));
    }
    const image = (await nodes[0]!.runtime.inspectImage(TESTBOX_IMAGE))!;
    for (const [name, node] of [['web-a', nodes[0]!], ['web-b', nodes[0]!], ['web-c', nodes[1]!]] as const) {
      const ref: PodRef = { uid: randomUUID(), namespace: 'default', name };
      const sandbox = await node.runtime.runPodSandbox({ pod: ref, attempt: 0, hostname: name, labels: { app: 'web' } });
      const config = containerConfig({
        pod: ref,
        spec: { containers: [web] },
        container: web,
        restartCount: 0,
        image,
        env: { env: [{ name: 'POD_NAME', value: name, literal: true }] },
        node: { memoryCapacityBytes: totalmem(), minOomScoreAdj: minOomScoreAdj() },
      });
      const appId = await node.runtime.createContainer(sandbox.id, config);
      await node.runtime.startContainer(appId);
      pods.push({ node, ref, sandboxId: sandbox.id, ip: sandbox.ip!, appId });
    }

    cluster = await startCluster();
    sock = await relay(join(dir, 'api.sock'), cluster.server.address);
    writeFileSync(join(dir, 'resolv.conf'), '# no upstream: the test asks only for cluster names\n');
    svc = await cluster.client.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'web' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: PORT }] } });
    sticky = await cluster.client.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'sticky' }, spec: { sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, targetPort: PORT }] } });
    await cluster.client.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: PORT }] } });
    for (const name of ['web', 'db']) await cluster.client.create(endpointsOf(name, pods));
    // The client (web-c) is not among them, so that affinity is seen between two other pods.
    await cluster.client.create(endpointsOf('sticky', pods.slice(0, 2)));
    hairpin = await cluster.client.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'hairpin' }, spec: { ports: [{ name: 'http', port: 80, targetPort: PORT }] } });
    await cluster.client.create(endpointsOf('hairpin', pods.slice(0, 1)));
    for (const n of nodes) startProxy(n);
    for (const n of nodes) {
      await eventually(`the proxy rules on ${n.name}`, 30_000, async () => {
        const nat = (await inNode(n.netns, 'iptables-save', ['-t', 'nat'])).stdout;
        return (pods.every((p) => nat.includes(`--to-destination ${p.ip}:${PORT}`)) && nat.includes('sticky') && nat.includes('hairpin')) || undefined;
      }).catch((e: Error) => {
        throw new Error(`${e.message}; the proxy said:\n${n.output}`);
      });
    }
  });

  after(async () => {
    for (const n of nodes) {
      const p = n.proxy;
      if (p && p.exitCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await exited;
      }
      await run('nsenter', [`--net=/run/netns/${n.netns}`, process.execPath, MAIN, '--cleanup']);
    }
    for (const p of pods) await p.node.runtime.removePodSandbox(p.sandboxId).catch(() => undefined);
    for (const n of nodes) await n.net.cleanUp().catch(() => undefined);
    sock?.close();
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
    if (lab) {
      const down = await lab.cli('down');
      await rm(lab.dir, { recursive: true, force: true });
      assert.equal(down.code, 0, down.stderr);
    }
  });

  void it('requests to a ClusterIP from a node reach every endpoint, none fails', async () => {
    const loop = `i=0; while [ $i -lt 200 ]; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 3 ${svc.spec!.clusterIP!} 80 | busybox tail -n 1; i=$((i+1)); done`;
    const r = await inNode(nodes[1]!.netns, 'busybox', ['sh', '-c', loop]);
    const got = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.equal(got.length, 200, `every request answered: ${JSON.stringify(count(got))}`);
    assert.deepEqual(Object.keys(count(got)).sort(), ['web-a', 'web-b', 'web-c'], JSON.stringify(count(got)));
  });

  void it('a removed endpoint gets no traffic a second later', async () => {
    const current = await cluster!.client.get<Endpoints>('endpoints', 'default', 'web');
    await cluster!.client.update({ ...endpointsOf('web', pods.slice(0, 2)), metadata: current.metadata });
    await new Promise((r) => setTimeout(r, 1000));
    const got = await requests(pods[2]!, svc.spec!.clusterIP!, 80, 40);
    assert.equal(got.length, 40);
    assert.deepEqual(Object.keys(count(got)).sort(), ['web-a', 'web-b'], JSON.stringify(count(got)));
  });

  void it('a NodePort answers on a node from the other node and from the host', async () => {
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    const [n1, n2] = nodes as [TestNode, TestNode];
    const fromNode = await inNode(n2.netns, 'busybox', ['nc', '-w', '3', n1.address, String(nodePort)], 'GET / HTTP/1.0\r\n\r\n');
    assert.match(fromNode.stdout.trim().split('\n').pop() ?? '', /^web-[ab]$/);
    const fromHost = await eventually('the node port from the host', 10_000, () => httpGet(n1.address, nodePort));
    assert.match(fromHost.trim(), /^web-[ab]$/);
  });

  void it('ClientIP session affinity keeps one endpoint', async () => {
    const got = await requests(pods[2]!, sticky.spec!.clusterIP!, 80, 20);
    assert.equal(got.length, 20);
    assert.equal(Object.keys(count(got)).length, 1, JSON.stringify(count(got)));
  });

  void it('a pod reaches itself through a Service it backs (hairpin)', async () => {
    const got = await requests(pods[0]!, hairpin.spec!.clusterIP!, 80, 5);
    assert.deepEqual(got, ['web-a', 'web-a', 'web-a', 'web-a', 'web-a']);
  });

  void it('kill -9 of the proxy: traffic keeps working while it is down, and the restart converges without a failed request', async () => {
    const n = nodes[1]!;
    const ip = svc.spec!.clusterIP!;
    const stop = join(dir, 'stop-traffic');
    // A client on the node: a request every ~50 ms until told to stop; each answer or FAIL on a line.
    const loop = `while [ ! -f ${stop} ]; do r=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 3 ${ip} 80 | busybox tail -n 1); case "$r" in web-*) echo "$r";; *) echo FAIL;; esac; busybox usleep 50000; done`;
    const traffic = inNode(n.netns, 'busybox', ['sh', '-c', loop]);
    const natRules = async (): Promise<string> => (await inNode(n.netns, 'iptables-save', ['-t', 'nat'])).stdout.replace(/^[#:].*\n/gm, '');
    try {
      const before = await natRules();
      const old = n.proxy!;
      const killed = new Promise((r) => old.once('exit', r));
      old.kill('SIGKILL');
      await killed;
      // While it is down: its rules stay, and a change waits for the restart (web-c comes back).
      const current = await cluster!.client.get<Endpoints>('endpoints', 'default', 'web');
      await cluster!.client.update({ ...endpointsOf('web', pods), metadata: current.metadata });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await natRules(), before, 'the rules stay while the proxy is down');
      n.output = '';
      startProxy(n);
      await eventually('the restarted proxy programs the change', 60_000, async () => (await natRules()).includes(`--to-destination ${pods[2]!.ip}:${PORT}`) || undefined).catch((e: Error) => {
        throw new Error(`${e.message}; the proxy said:\n${n.output}`);
      });
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      writeFileSync(stop, '');
    }
    const got = (await traffic).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.ok(got.length >= 20, `requests made during the restart: ${got.length}`);
    assert.equal(got.filter((l) => l === 'FAIL').length, 0, `failed requests: ${JSON.stringify(count(got))}`);
    assert.ok(got.includes('web-c'), `the change made while the proxy was down reached the rules: ${JSON.stringify(count(got))}`);
  });

  void it('cluster DNS answers a pod on 169.254.20.10', async () => {
    const pod = pods[0]!;
    const pid = (await pod.node.runtime.docker.getContainer(pod.sandboxId).inspect()).State.Pid;
    const ask = async (name: string, type: RecordType): Promise<DecodedPacket> => {
      const q = encode({ type: 'query', id: 9, flags: 1 << 8, questions: [{ name, type }] });
      const r = await run('nsenter', ['-t', String(pid), '-n', process.execPath, '--input-type=module', '-e', DNS_CLIENT, DNS_IP, q.toString('hex')]);
      assert.equal(r.code, 0, r.stderr);
      return decode(Buffer.from(r.stdout, 'hex'));
    };
    const data = (p: DecodedPacket): unknown[] => (p.answers ?? []).map((a) => (a as { data: unknown }).data).sort();
    assert.deepEqual(data(await ask('web.default.svc.cluster.local', 'A')), [svc.spec!.clusterIP]);
    assert.deepEqual(data(await ask('db.default.svc.cluster.local', 'A')), pods.map((p) => p.ip).sort());
    assert.deepEqual(data(await ask('web-c.db.default.svc.cluster.local', 'A')), [pods[2]!.ip]);
  });
});
