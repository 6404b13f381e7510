// The seed's node app end to end on a private cluster brought up by `npm start`'s own script
// (scripts/start.sh, with a fresh HOME and the test's own lab name, state folder, free ports and
// subnets, 2 lab machines; the setup it runs first is npm test's own first step, so it is left out
// here): each step printed with its time, the summary naming the state folder, `~/.skiff/config`
// written, the printed `curl` lines answering as written and the printed `npx skiffctl` lines
// finding the cluster without flags; `up` again at once changing nothing (no process restarted).
// The app: its image built on every node from examples/node-app/ with the Dockerfile unchanged,
// its manifests applied unchanged, the Deployment's 3 pods Running spread over both nodes,
// `skiffctl get pods -o wide` and `get services` showing them, each answering on its pod IP from
// another node and from the host, the seed's Service reaching every replica by its ClusterIP from
// every node, a NodePort from the host and the Service's DNS name from inside a pod (every
// replica), a deleted pod replaced, a killed control-plane process restarted by the supervisor, a
// second `up` changing nothing; then `up --nodes 3` (a third machine Ready, routed to from the host
// and the other nodes, taking a pod) and `up --nodes 2` again (its Node, routes and processes gone,
// its pod replaced on the others). `npm stop -- --purge` (scripts/stop.sh) leaves no namespace,
// link, bridge, route, SKIFF chain, cgroup, engine folder, process or file behind (also when a
// check failed).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labNames } from '@skiff/lab';
import { eventually, freeClusterCIDR, freeSubnet, httpGetFromNode, labTraces, mustRun, range, repoRoot, run, type Run } from '../harness/lab-env.js';
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
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

interface NodeJson {
  metadata: { name: string };
  spec?: { podCIDR?: string };
  status?: { conditions?: { type: string; status: string }[]; addresses?: { type: string; address: string }[] };
}

interface StatusJson {
  supervisorPid?: number;
  processes: { name: string; pid?: number; ready: boolean; restarts: number }[];
}

const isReady = (p: PodJson) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const nodeReady = (n: NodeJson) => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
/** The routes a node's agent made to the other nodes' pod CIDRs (its routing protocol 91), as "CIDR via IP". */
const agentRoutes = async (netns: string) => (await mustRun('ip', ['-n', netns, '-4', '-o', 'route', 'show', 'proto', '91'])).split('\n').map((l) => /^(\S+) via (\S+)/.exec(l.trim())).flatMap((m) => (m ? [`${m[1]} via ${m[2]}`] : [])).sort();
const lastJson = <T>(r: Run): T => JSON.parse(r.stdout.trim().split('\n').pop()!) as T;

void describe('the seed app on a 2-node cluster from npm start (scripts/start.sh)', { timeout: 780_000 }, () => {
  const name = `e2e-cl-${randomBytes(3).toString('hex')}`;
  let dir = '';
  let home = '';
  let stateDir = '';
  let clusterCIDR = '';
  let started: Run;
  let again: Run;
  let statusBefore: StatusJson;
  let result: UpJson;
  const cluster = (...args: string[]) => run(process.execPath, [cli, '--state-dir', stateDir, ...args]);
  const skiffctl = (...args: string[]) => run('env', [`SKIFFCONFIG=${join(stateDir, 'skiffctl.yaml')}`, process.execPath, skiffctlMain, ...args]);
  /** A command as a user on a fresh machine runs it: in the repository, with the test's HOME, no skiffctl settings in the environment, npx never installing. */
  const asUser = (command: string) =>
    run('env', ['-u', 'SKIFFCONFIG', '-u', 'SKIFF_SERVER', '-u', 'SKIFF_TOKEN', `HOME=${home}`, 'npm_config_yes=false', 'npm_config_update_notifier=false', 'SKIFF_SKIP_SETUP=1', 'sh', '-c', `cd ${repoRoot} && ${command}`]);
  const status = async () => JSON.parse((await cluster('status', '-o', 'json')).stdout) as StatusJson;
  const seedPods = async (): Promise<PodJson[]> => {
    const r = await skiffctl('get', 'pods', '-l', 'app=my-app', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { items: PodJson[] }).items;
  };
  const nodes = async (): Promise<NodeJson[]> => {
    const r = await skiffctl('get', 'nodes', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { items: NodeJson[] }).items;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-e2e-cluster-'));
    home = join(dir, 'home');
    await mkdir(home);
    stateDir = join(dir, 'state');
    clusterCIDR = await freeClusterCIDR(range(150, 190));
    const subnet = await freeSubnet(199);
    // npm start -- --nodes 2 ..., on a machine whose HOME has no ~/.skiff yet
    started = await asUser(`bash scripts/start.sh --state-dir ${stateDir} --name ${name} --nodes 2 --subnet ${subnet} --cluster-cidr ${clusterCIDR} --free-ports --timeout 180`);
    assert.equal(started.code, 0, `npm start failed:\n${started.stderr}\n${started.stdout}`);
    // and npm start again at once (as the test's JSON, without touching ~/.skiff/config)
    statusBefore = await status();
    again = await cluster('up', '--no-user-config', '--json', '--timeout', '120');
    assert.equal(again.code, 0, `up again failed:\n${again.stderr}\n${again.stdout}`);
    result = lastJson<UpJson>(again);
  });

  after(async () => {
    if (!stateDir) return;
    const down = await asUser(`bash scripts/stop.sh --state-dir ${stateDir} --purge`);
    const traces: string[] = [];
    const routes = await mustRun('ip', ['-4', 'route']);
    const podPrefix = clusterCIDR.split('.').slice(0, 2).join('.') + '.';
    if (clusterCIDR && routes.includes(podPrefix)) traces.push(`routes: ${routes}`);
    const ps = (await mustRun('ps', ['-eo', 'pid,args'])).split('\n').filter((l) => l.includes(stateDir));
    traces.push(...ps.map((l) => `process: ${l}`));
    traces.push(...(await labTraces({ name, stateDir: join(stateDir, 'lab') }, labNames(name).hash)));
    if (existsSync(stateDir)) traces.push(`state folder ${stateDir} left`);
    await rm(dir, { recursive: true, force: true });
    assert.equal(down.code, 0, `npm stop failed: ${down.stderr}`);
    assert.deepEqual(traces, [], 'npm stop -- --purge leaves nothing behind');
  });

  void it('npm start prints each step with its time, then the summary naming the state folder; the default state folder is .skiff/local', async () => {
    const steps = [...started.stdout.matchAll(/^skiff start: ([a-z ]+): .* \((\d+\.\d) s\)$/gm)].map((m) => m[1]);
    assert.deepEqual(steps, ['settings', 'lab', 'control plane', 'nodes', 'routes', 'image', 'deploy', 'pods', 'service'], started.stdout);
    assert.match(started.stdout, /^Skiff is running: 2 nodes, ready in \d+\.\d s/m);
    assert.ok(started.stdout.includes(`logs and pids    ${stateDir}/*.log`), 'the summary names the state folder');
    assert.ok(started.stdout.includes("skiffctl reads ~/.skiff/config"), 'the summary says where skiffctl reads');
    const help = await run(process.execPath, [cli, '--help']);
    assert.ok(help.stdout.includes(`[default: "${join(repoRoot, '.skiff', 'local')}"]`), `--state-dir's default: ${help.stdout}`);
  });

  void it('npm start wrote ~/.skiff/config (0600) pointing at the cluster', () => {
    const config = join(home, '.skiff', 'config');
    assert.equal(statSync(config).mode & 0o777, 0o600);
    const text = readFileSync(config, 'utf8');
    assert.match(text, new RegExp(`^server: ${result.server.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(text, new RegExp(`^tokenFile: ${join(stateDir, 'admin.token')}$`, 'm'));
  });

  void it('every printed curl line answers as written: the NodePort from the host, the ClusterIP from a node, each pod by its IP', async () => {
    const lines = started.stdout.split('\n').filter((l) => /^\s+(nsenter \S+ )?curl /.test(l));
    const pods = result.seed.pods.map((p) => p.name);
    assert.equal(lines.length, 2 + pods.length, lines.join('\n'));
    for (const line of lines) {
      const command = line.replace(/#.*$/, '').trim();
      const pod = /# pod (\S+) on/.exec(line)?.[1];
      // as printed, curl only told to be quiet and not to wait forever
      const r = await asUser(command.replace(/\bcurl /, 'curl -sS --max-time 5 '));
      assert.equal(r.code, 0, `${command}: ${r.stderr}`);
      if (pod) assert.equal(r.stdout.trim(), pod, command);
      else assert.ok(pods.includes(r.stdout.trim()), `${command} answered by a replica: ${r.stdout}`);
    }
  });

  void it('the printed skiffctl lines find the cluster without flags (~/.skiff/config)', async () => {
    const bin = join(repoRoot, 'node_modules/.bin/skiffctl');
    assert.doesNotThrow(() => accessSync(bin, constants.X_OK), `${bin} is not an executable: npx skiffctl needs what scripts/setup.sh does (npm test's first step; the setup this test leaves out)`);
    const tries = started.stdout.split('\n').filter((l) => /^\s+npx skiffctl /.test(l)).map((l) => l.trim());
    assert.deepEqual(tries.slice(0, 3), ['npx skiffctl get nodes', 'npx skiffctl get pods -o wide', 'npx skiffctl get deployments,services']);
    const nodesOut = await asUser(tries[0]!);
    assert.equal(nodesOut.code, 0, nodesOut.stderr);
    assert.match(nodesOut.stdout, /^n1\s+Ready\b/m);
    assert.match(nodesOut.stdout, /^n2\s+Ready\b/m);
    const podsOut = await asUser(tries[1]!);
    assert.equal(podsOut.code, 0, podsOut.stderr);
    for (const p of result.seed.pods) assert.match(podsOut.stdout, new RegExp(`^${p.name}\\s+1/1\\s+Running\\b.*\\s${p.node}\\b`, 'm'));
    // the same without npx (the README's other way), from the same config
    const plain = await eventually('my-app 3/3 available', 20_000, async () => {
      const r = await asUser('node packages/skiffctl/dist/main.js get deployment my-app');
      return r.code === 0 && /^my-app\s+3\/3\s+3\s+3\b/m.test(r.stdout) ? r : undefined;
    });
    assert.match(plain.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
  });

  void it('npm start twice in a row is harmless: the same pods, no process restarted, the lab unchanged', async () => {
    const printed = [...started.stdout.matchAll(/# pod (\S+) on (n\d+), by its IP$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    assert.deepEqual(result.seed.pods.map((p) => `${p.name} ${p.node}`).sort(), printed);
    assert.match(again.stdout, /^skiff start: lab: nothing to change;/m);
    assert.match(again.stdout, /^skiff start: control plane: supervisor reloaded;/m);
    assert.doesNotMatch(again.stdout, /^skiff start: routes: .*(added|replaced|removed)/m);
    const now = await status();
    assert.equal(now.supervisorPid, statusBefore.supervisorPid);
    const pids = (s: StatusJson) => s.processes.map((p) => `${p.name} ${p.pid} restarts ${p.restarts}`).sort();
    assert.deepEqual(pids(now), pids(statusBefore));
    assert.ok(now.processes.every((p) => p.restarts === 0 && p.ready), JSON.stringify(now.processes));
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

  void it('skiffctl get services shows the seed\'s Service and the NodePort one', async () => {
    const r = await skiffctl('get', 'services');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    const ip = (a: string) => a.replace(/\./g, '\\.');
    assert.match(r.stdout, new RegExp(`^my-app\\s+ClusterIP\\s+${ip(result.seed.clusterIP)}\\s+<none>\\s+${result.seed.servicePort}/TCP\\s+\\S+$`, 'm'));
    assert.match(r.stdout, new RegExp(`^my-app-nodeport\\s+NodePort\\s+[\\d.]+\\s+<none>\\s+80:${result.seed.nodePort}/TCP\\s+\\S+$`, 'm'));
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

  void it("a pod reaches the Service by its DNS name (cluster DNS on the pod's node), every replica answering", async () => {
    const p = result.seed.pods[0]!;
    const host = result.nodes.find((n) => n.name === p.node)!.dockerHost;
    const ids = (await mustRun('docker', ['-H', host, 'ps', '-q', '--filter', `label=io.skiff.pod.name=${p.name}`, '--filter', 'label=io.skiff.container.name=my-app'])).trim();
    assert.ok(ids, `the app container of ${p.name}`);
    const container = ids.split('\n')[0]!;
    // `node -e SCRIPT URL N`: N requests to URL, one answer (or error) a line; fails when none answered
    const script = "const [url, n] = process.argv.slice(1); let done = 0, ok = 0; for (let i = 0; i < Number(n); i++) require('http').get(url, (r) => { let b = ''; r.on('data', (d) => (b += d)).on('end', () => { ok++; console.log(b.trim()); if (++done === Number(n)) process.exit(0); }); }).on('error', (e) => { console.error(e.message); if (++done === Number(n)) process.exit(ok ? 0 : 1); })";
    const fetch = (url: string, n: number) => run('docker', ['-H', host, 'exec', container, 'node', '-e', script, url, String(n)]);
    const first = await eventually('the Service by name from a pod', 20_000, async () => {
      const r = await fetch('http://my-app.default.svc.cluster.local/', 1);
      return r.code === 0 ? r.stdout.trim() : undefined;
    });
    const all = result.seed.pods.map((x) => x.name).sort();
    assert.ok(all.includes(first), `answered by a replica: ${first}`);
    // the short name through the search path, until every replica has answered
    const seen = new Set<string>([first]);
    for (let round = 0; round < 10 && seen.size < all.length; round++) {
      const r = await fetch('http://my-app/', 20);
      assert.equal(r.code, 0, `the short name through the search path: ${r.stderr}`);
      for (const line of r.stdout.trim().split('\n')) seen.add(line.trim());
    }
    assert.deepEqual([...seen].sort(), all, 'every replica answered through the name');
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

  void it('npm start -- --nodes 3 adds a machine: n3 Ready, routed from the host and the other nodes, serving the Service, running a pod', async () => {
    const up = await cluster('up', '--nodes', '3', '--no-user-config', '--json', '--timeout', '180');
    assert.equal(up.code, 0, `up --nodes 3 failed:\n${up.stderr}\n${up.stdout}`);
    const r = lastJson<UpJson>(up);
    process.stdout.write(`# up --nodes 3: ${r.timings.map((t) => `${t.step} ${t.seconds.toFixed(1)} s`).join(', ')}\n`);
    assert.deepEqual(r.nodes.map((n) => n.name), ['n1', 'n2', 'n3']);
    const objs = await nodes();
    assert.deepEqual(objs.filter(nodeReady).map((n) => n.metadata.name).sort(), ['n1', 'n2', 'n3']);
    const cidr = (n: string) => objs.find((o) => o.metadata.name === n)!.spec!.podCIDR!;
    const addr = (n: string) => r.nodes.find((x) => x.name === n)!.address;
    const routes = await mustRun('ip', ['-4', 'route']);
    for (const n of ['n1', 'n2', 'n3']) assert.match(routes, new RegExp(`^${cidr(n)} via ${addr(n)} `, 'm'), `host route to ${n}'s pods`);
    for (const n of ['n1', 'n2', 'n3']) {
      const want = ['n1', 'n2', 'n3'].filter((o) => o !== n).map((o) => `${cidr(o)} via ${addr(o)}`).sort();
      assert.deepEqual(await eventually(`${n}'s routes to the others' pods`, 30_000, async () => {
        const got = await agentRoutes(r.nodes.find((x) => x.name === n)!.netns);
        return got.join() === want.join() ? got : undefined;
      }), want);
    }
    const n3 = r.nodes.find((n) => n.name === 'n3')!;
    const reply = await httpGetFromNode(n3.netns, r.seed.clusterIP, r.seed.servicePort);
    assert.ok(r.seed.pods.some((p) => reply.trim().endsWith(p.name)), `the Service from n3: ${reply}`);
    // n3 takes a pod: n1 and n2 cordoned, one of theirs deleted, its replacement lands on n3
    for (const n of ['n1', 'n2']) assert.equal((await skiffctl('cordon', n)).code, 0);
    try {
      const victim = r.seed.pods[0]!;
      assert.equal((await skiffctl('delete', 'pod', victim.name)).code, 0);
      const moved = await eventually('a Ready pod on n3', 90_000, async () => (await seedPods()).find((p) => p.spec.nodeName === 'n3' && isReady(p)));
      const answer = await eventually('the pod on n3 answers from n1', 30_000, async () => {
        const body = await httpGetFromNode(r.nodes[0]!.netns, moved.status!.podIP!, r.seed.port);
        return body.includes('200 OK') ? body : undefined;
      });
      assert.equal(answer.trim().split('\n').pop()?.trim(), moved.metadata.name);
    } finally {
      for (const n of ['n1', 'n2']) await skiffctl('uncordon', n);
    }
  });

  void it('npm start -- --nodes 2 again removes it: its Node, routes, namespace and processes gone, its pod replaced on n1 and n2, all Ready', async () => {
    const onN3 = (await seedPods()).filter((p) => p.spec.nodeName === 'n3').map((p) => p.metadata.name);
    assert.ok(onN3.length > 0, 'a pod on n3 to replace');
    const removedCIDR = (await nodes()).find((n) => n.metadata.name === 'n3')!.spec!.podCIDR!;
    const up = await cluster('up', '--nodes', '2', '--no-user-config', '--json', '--timeout', '180');
    assert.equal(up.code, 0, `up --nodes 2 failed:\n${up.stderr}\n${up.stdout}`);
    const r = lastJson<UpJson>(up);
    process.stdout.write(`# up --nodes 2: ${r.timings.map((t) => `${t.step} ${t.seconds.toFixed(1)} s`).join(', ')}\n`);
    assert.deepEqual(r.nodes.map((n) => n.name), ['n1', 'n2']);
    const objs = await nodes();
    assert.deepEqual(objs.map((n) => n.metadata.name).sort(), ['n1', 'n2']);
    assert.ok(objs.every(nodeReady), 'n1 and n2 Ready');
    const cidr = (n: string) => objs.find((o) => o.metadata.name === n)!.spec!.podCIDR!;
    const addr = (n: string) => r.nodes.find((x) => x.name === n)!.address;
    assert.doesNotMatch(await mustRun('ip', ['-4', 'route']), new RegExp(`^${removedCIDR} `, 'm'), "no host route to n3's pods");
    for (const [n, other] of [['n1', 'n2'], ['n2', 'n1']] as const) {
      const want = [`${cidr(other)} via ${addr(other)}`];
      assert.deepEqual(await eventually(`${n}'s routes without n3's`, 30_000, async () => {
        const got = await agentRoutes(r.nodes.find((x) => x.name === n)!.netns);
        return got.join() === want.join() ? got : undefined;
      }), want);
    }
    assert.ok(!(await mustRun('ip', ['netns', 'list'])).includes(`skiff-${name}-n3`), "n3's namespace gone");
    const procs = (await status()).processes.map((p) => p.name);
    assert.deepEqual(procs.filter((p) => p.endsWith('-n3')), [], "n3's agent and proxy gone");
    assert.ok(procs.includes('agent-n2') && procs.includes('proxy-n2'));
    const pods = await eventually('3 Ready pods on n1 and n2', 90_000, async () => {
      const live = (await seedPods()).filter((p) => !p.metadata.deletionTimestamp);
      return live.length === 3 && live.every(isReady) ? live : undefined;
    });
    assert.ok(pods.every((p) => p.spec.nodeName === 'n1' || p.spec.nodeName === 'n2'), pods.map((p) => `${p.metadata.name} on ${p.spec.nodeName}`).join(', '));
    assert.ok(!pods.some((p) => onN3.includes(p.metadata.name)), "n3's pod replaced");
  });
});
