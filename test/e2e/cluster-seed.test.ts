// The seed's node app end to end on a private cluster brought up by `skiff-cluster up`, the same code
// path as `npm start` (own lab name, state folder, free ports and subnets, 2 lab machines): its image
// built on every node from examples/node-app/ with the Dockerfile unchanged, its manifests applied
// unchanged, the Deployment's 3 pods Running spread over both nodes, `skiffctl get pods -o wide`
// showing them, each answering on its pod IP from another node and from the host, the seed's
// Service reaching every replica by its ClusterIP from every node, a NodePort from the host and the
// Service's DNS name from inside a pod, a deleted pod replaced, a killed control-plane process restarted by the supervisor, a second `up` changing
// nothing; `down --purge` leaves no namespace, route, chain, process or file behind (also when a
// check failed).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, freeClusterCIDR, freeSubnet, httpGetFromNode, mustRun, range, repoRoot, run } from '../harness/lab-env.js';
import { httpGet } from '../harness/http-get.js';

const cli = join(repoRoot, 'packages/cluster/dist/main.js');
const skiffctlMain = join(repoRoot, 'packages/skiffctl/dist/main.js');

interface UpJson {
  server: string;
  stateDir: string;
  skiffctlConfig: string;
  nodes: { name: string; netns: string; address: string; dockerHost: string }[];
  seed: { pods: { name: string; node: string; ip: string }[]; port: number; clusterIP: string; servicePort: number; nodePort: number };
  timings: { step: string; seconds: number }[];
}

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string };
}

void describe('the seed app on a 2-node cluster from skiff-cluster up', { timeout: 600_000 }, () => {
  const name = `e2e-cl-${randomBytes(3).toString('hex')}`;
  let dir = '';
  let stateDir = '';
  let clusterCIDR = '';
  let result: UpJson;
  const cluster = (...args: string[]) => run(process.execPath, [cli, '--state-dir', stateDir, ...args]);
  const skiffctl = (...args: string[]) => run('env', [`SKIFFCONFIG=${join(stateDir, 'skiffctl.yaml')}`, process.execPath, skiffctlMain, ...args]);
  const seedPods = async (): Promise<PodJson[]> => {
    const r = await skiffctl('get', 'pods', '-l', 'app=my-app', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { items: PodJson[] }).items;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-e2e-cluster-'));
    stateDir = join(dir, 'state');
    clusterCIDR = await freeClusterCIDR(range(150, 190));
    const subnet = await freeSubnet(199);
    const up = await cluster('up', '--name', name, '--nodes', '2', '--subnet', subnet, '--cluster-cidr', clusterCIDR, '--free-ports', '--no-user-config', '--json', '--timeout', '180');
    assert.equal(up.code, 0, `up failed:\n${up.stderr}\n${up.stdout}`);
    result = JSON.parse(up.stdout.trim().split('\n').pop()!) as UpJson;
  });

  after(async () => {
    if (!stateDir) return;
    const down = await cluster('down', '--purge');
    const traces: string[] = [];
    const netns = await mustRun('ip', ['netns', 'list']);
    if (netns.includes(`skiff-${name}-`)) traces.push(`netns: ${netns}`);
    const routes = await mustRun('ip', ['-4', 'route']);
    const podPrefix = clusterCIDR.split('.').slice(0, 2).join('.') + '.';
    if (clusterCIDR && routes.includes(podPrefix)) traces.push(`routes: ${routes}`);
    const ps = (await mustRun('ps', ['-eo', 'pid,args'])).split('\n').filter((l) => l.includes(stateDir));
    traces.push(...ps.map((l) => `process: ${l}`));
    if (existsSync(stateDir)) traces.push(`state folder ${stateDir} left`);
    await rm(dir, { recursive: true, force: true });
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(traces, [], 'down --purge leaves nothing behind');
  });

  void it('runs the 3 replicas spread over both nodes', () => {
    assert.equal(result.seed.pods.length, 3);
    assert.deepEqual([...new Set(result.seed.pods.map((p) => p.node))].sort(), ['n1', 'n2']);
    for (const p of result.seed.pods) assert.ok(p.ip.startsWith(clusterCIDR.split('.').slice(0, 2).join('.') + '.'), `pod IP ${p.ip} in ${clusterCIDR}`);
    assert.deepEqual(result.timings.map((t) => t.step), ['settings', 'lab', 'control plane', 'nodes', 'routes', 'image', 'deploy', 'pods', 'service']);
  });

  void it('skiffctl get pods -o wide shows every pod Running with its IP and node', async () => {
    const r = await skiffctl('get', 'pods', '-o', 'wide');
    assert.equal(r.code, 0, r.stderr);
    for (const p of result.seed.pods) assert.match(r.stdout, new RegExp(`^${p.name}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${p.ip.replace(/\./g, '\\.')}\\s+${p.node}\\b`, 'm'));
  });

  void it('each pod answers with its own name on its pod IP, from the other node and from the host', async () => {
    for (const p of result.seed.pods) {
      const other = result.nodes.find((n) => n.name !== p.node)!;
      const reply = await eventually(`${p.name} from ${other.name}`, 20_000, async () => {
        const r = await httpGetFromNode(other.netns, p.ip, result.seed.port);
        return r.includes('200 OK') ? r : undefined;
      });
      assert.equal(reply.trim().split('\n').pop()?.trim(), p.name);
      assert.equal((await httpGet(p.ip, result.seed.port)).trim(), p.name);
    }
  });

  void it("the seed's Service reaches every replica by its ClusterIP from every node", async () => {
    const all = new Set(result.seed.pods.map((p) => p.name));
    for (const n of result.nodes) {
      const seen = new Set<string>();
      for (let i = 0; i < 60 && seen.size < all.size; i++) {
        const r = await httpGetFromNode(n.netns, result.seed.clusterIP, result.seed.servicePort);
        if (r.includes('200 OK')) seen.add(r.trim().split('\n').pop()!.trim());
      }
      assert.deepEqual([...seen].sort(), [...all].sort(), `replicas reached from ${n.name}`);
    }
  });

  void it('the NodePort answers from the host on every node', async () => {
    const names = result.seed.pods.map((p) => p.name);
    for (const n of result.nodes) assert.ok(names.includes((await httpGet(n.address, result.seed.nodePort)).trim()), `NodePort on ${n.name}`);
  });

  void it("a pod reaches the Service by its DNS name (cluster DNS on the pod's node)", async () => {
    const p = result.seed.pods[0]!;
    const host = result.nodes.find((n) => n.name === p.node)!.dockerHost;
    const ids = (await mustRun('docker', ['-H', host, 'ps', '-q', '--filter', `label=io.skiff.pod.name=${p.name}`, '--filter', 'label=io.skiff.container.name=my-app'])).trim();
    assert.ok(ids, `the app container of ${p.name}`);
    const script = "require('http').get('http://my-app.default.svc.cluster.local/', (r) => { let b = ''; r.on('data', (d) => (b += d)).on('end', () => console.log(b.trim())); }).on('error', (e) => { console.error(e.message); process.exit(1); })";
    const body = await eventually('the Service by name from a pod', 20_000, async () => {
      const r = await run('docker', ['-H', host, 'exec', ids.split('\n')[0]!, 'node', '-e', script]);
      return r.code === 0 ? r.stdout.trim() : undefined;
    });
    assert.ok(result.seed.pods.some((x) => x.name === body), `answered by a replica: ${body}`);
    const short = await run('docker', ['-H', host, 'exec', ids.split('\n')[0]!, 'node', '-e', script.replace('my-app.default.svc.cluster.local', 'my-app')]);
    assert.equal(short.code, 0, `the short name through the search path: ${short.stderr}`);
  });

  void it('a deleted pod is replaced', async () => {
    const victim = result.seed.pods[0]!;
    const del = await skiffctl('delete', 'pod', victim.name);
    assert.equal(del.code, 0, del.stderr);
    const pods = await eventually('3 running pods without the deleted one', 90_000, async () => {
      const items = (await seedPods()).filter((p) => !p.metadata.deletionTimestamp);
      const running = items.filter((p) => p.status?.phase === 'Running' && p.status.podIP);
      return running.length === 3 && items.length === 3 && !items.some((p) => p.metadata.name === victim.name) ? running : undefined;
    });
    const fresh = pods.find((p) => !result.seed.pods.some((o) => o.name === p.metadata.name))!;
    // Running is not listening: the seed's pod has no readiness probe, so its app may still be starting.
    const answer = await eventually('the new pod answers on its IP', 30_000, () => httpGet(fresh.status!.podIP!, result.seed.port));
    assert.equal(answer.trim(), fresh.metadata.name);
  });

  void it('the supervisor restarts a killed process and logs it', async () => {
    const pidfile = join(stateDir, 'scheduler.pid');
    const pid = Number(readFileSync(pidfile, 'utf8'));
    process.kill(pid, 'SIGKILL');
    const restarted = await eventually('the scheduler restarted', 20_000, async () => {
      const now = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8')) : 0;
      return now && now !== pid ? now : undefined;
    });
    assert.ok(existsSync(`/proc/${restarted}`));
    assert.match(readFileSync(join(stateDir, 'supervisor.log'), 'utf8'), new RegExp(`scheduler: pid ${pid} was killed by SIGKILL after [\\d.]+ s; restarting now`));
    const status = await cluster('status', '-o', 'json');
    const proc = (JSON.parse(status.stdout) as { processes: { name: string; restarts: number; pid: number }[] }).processes.find((p) => p.name === 'scheduler');
    assert.deepEqual([proc?.restarts, proc?.pid], [1, restarted]);
  });

  void it('up again changes nothing and keeps the pods', async () => {
    const before = (await seedPods()).map((p) => p.metadata.name).sort();
    const again = await cluster('up', '--no-user-config', '--json', '--timeout', '120');
    assert.equal(again.code, 0, again.stderr);
    const r = JSON.parse(again.stdout.trim().split('\n').pop()!) as UpJson;
    assert.deepEqual(r.seed.pods.map((p) => p.name).sort(), before);
    assert.match((await cluster('status')).stdout, /agent-n2\s+\d+\s+true\s+0/);
  });
});
