// The VM fleet install (deploy/) on 3 lab machines standing in for VMs: n1 the control-plane host,
// n2 and n3 workers (their engines emptied of the lab's images, as a fresh host's). A release
// tarball from scripts/package.sh; each host's install script run into its own root directory
// (twice: the second run changes nothing; the workers' loads the release's images into the
// node's dockerd); the units checked with
// `systemd-analyze verify` where the tool exists; every process started exactly as its unit's
// ExecStart says, with the EnvironmentFile's values, inside the machine's network namespace
// (`nsenter --net`), the only change being the install root put before /opt/skiff, /etc/skiff and
// /var/lib/skiff; then the cluster works: both workers Ready, a Deployment's pods Running and
// answering across nodes, its Service by ClusterIP; then an upgrade of one component (`--only
// apiserver` with a next release whose apiserver reports another version: only that link moves,
// only that unit restarts, and it serves the new version to a working cluster) and a worker added
// (a fourth lab machine installed with install-worker.sh: Ready, routed to, running a pod). Where
// `systemd-analyze` is missing, its check is a skipped subtest. Processes, lab (namespaces, bridge,
// chains, containers, images) and files are removed after, also when a check failed. systemd's Restart=always is (RestartSec after an exit); User= and the
// journal are not (the processes run as root, their logs go to <root>/var/log/).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labNames, PAUSE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import { eventually, freeClusterCIDR, httpGetFromNode, labStatusJson, labTraces, mustRun, range, repoRoot, run, testLab, type StatusJson, type TestLab } from '../harness/lab-env.js';
import { execStart, parseEnvironmentFile, parseUnit, unitValue } from '../harness/systemd-unit.js';

const CONTROL_PLANE_UNITS = ['skiff-etcd', 'skiff-apiserver', 'skiff-scheduler', 'skiff-controller-manager'];
const WORKER_UNITS = ['skiff-node-agent', 'skiff-proxy'];
/** the install layout's top folders: under the install root in this test */
const INSTALLED = ['/opt/skiff/', '/etc/skiff/', '/var/lib/skiff/'];

interface Host {
  node: StatusJson['nodes'][number];
  root: string;
  units: string[];
}

/** a unit's process as the test runs it, restarted as Restart=always says */
interface Supervised {
  name: string;
  child: ChildProcess | undefined;
  restarts: number;
  stopping: boolean;
}

interface PodJson {
  metadata: { name: string };
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string };
}

/**
 * The unit's process as systemd would start it: its ExecStart with the install root before the
 * installed paths, an environment of the EnvironmentFile's variables (and PATH, as systemd's), and
 * the delay before a restart when Restart=always.
 */
function unitCommand(root: string, unitName: string, hostName: string): { argv: string[]; env: Record<string, string>; restartMs: number | undefined } {
  const unit = parseUnit(readFileSync(join(root, 'etc/systemd/system', `${unitName}.service`), 'utf8'));
  const envFile = unitValue(unit, 'Service', 'EnvironmentFile');
  const env = envFile ? parseEnvironmentFile(rooted(root, envFile.replace(/^-/, ''))) : {};
  const restart = unitValue(unit, 'Service', 'Restart');
  const restartSec = Number(unitValue(unit, 'Service', 'RestartSec') ?? '0.1');
  return {
    argv: execStart(unit, env, hostName).map((arg) => rooted(root, arg)),
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
    restartMs: restart === 'always' ? restartSec * 1000 : undefined,
  };
}

const exited = (c: ChildProcess | undefined) => !c || c.exitCode !== null || c.signalCode !== null;

function rooted(root: string, arg: string): string {
  return INSTALLED.some((p) => arg.startsWith(p)) ? join(root, arg) : arg;
}

void describe('deploy/: a 1 + 2 host install on lab machines, started as the units say', { timeout: 520_000 }, () => {
  const started = Date.now();
  let dir = '';
  let lab: TestLab | undefined;
  let tarball = '';
  let clusterCIDR = '';
  let cp: Host;
  let workers: Host[] = [];
  let skiffctlArgs: string[] = [];
  const children: Supervised[] = [];
  const installRuns: Record<string, string[]> = {};
  let verifyNote = '';
  let restartNote = '';

  const skiffctl = (...args: string[]) => run(process.execPath, [...skiffctlArgs, ...args]);
  const install = async (host: Host, script: string, args: string[]) => {
    const r = await run('bash', [join(repoRoot, 'deploy', script), '--root', host.root, '--release', tarball, ...args]);
    assert.equal(r.code, 0, `${script} on ${host.node.name} failed:\n${r.stderr}\n${r.stdout}`);
    (installRuns[host.node.name] ??= []).push(r.stdout);
  };
  // systemd's part: start the unit's command, and with Restart=always start it again RestartSec
  // after it exits (the node agent exits when the apiserver is not up yet, as it may at boot)
  const startUnit = (host: Host, unit: string) => {
    const { argv, env, restartMs } = unitCommand(host.root, unit, host.node.name);
    mkdirSync(join(host.root, 'var/log'), { recursive: true });
    const entry: Supervised = { name: `${host.node.name}/${unit}`, child: undefined, restarts: 0, stopping: false };
    const spawnOnce = () => {
      const log = openSync(join(host.root, 'var/log', `${unit}.log`), 'a');
      const child = spawn('nsenter', [`--net=/run/netns/${host.node.netns}`, '--', ...argv], { stdio: ['ignore', log, log], detached: true, env });
      closeSync(log);
      child.on('error', () => {});
      child.on('exit', () => {
        if (entry.stopping || restartMs === undefined) return;
        entry.restarts++;
        setTimeout(() => {
          if (!entry.stopping) spawnOnce();
        }, restartMs).unref();
      });
      entry.child = child;
    };
    spawnOnce();
    children.push(entry);
  };
  /** the unit's running process */
  const unitProcess = (host: Host, unit: string) => children.find((c) => c.name === `${host.node.name}/${unit}` && !c.stopping)!;
  // systemctl restart: the process stopped (SIGTERM), then started again from its unit as it is now
  const restartUnit = async (host: Host, unit: string) => {
    const old = unitProcess(host, unit);
    old.stopping = true;
    old.child?.kill('SIGTERM');
    await eventually(`${old.name} stopped`, 15_000, async () => (exited(old.child) ? true : undefined));
    startUnit(host, unit);
  };
  const readyNodes = async () => {
    const r = await skiffctl('get', 'nodes', '-o', 'json');
    if (r.code !== 0) return [];
    const items = (JSON.parse(r.stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }).items;
    return items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name).sort();
  };
  const serverVersion = async () => {
    const r = await skiffctl('version', '-o', 'json');
    return r.code === 0 ? (JSON.parse(r.stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion : undefined;
  };
  const workerArgs = (w: Host) => ['--config', join(cp.root, 'etc/skiff/skiff.conf'), '--set', `SKIFF_NODE_NAME=${w.node.name}`, '--set', `SKIFF_NODE_IP=${w.node.address}`, '--set', `SKIFF_DOCKER_HOST=${w.node.dockerHost}`];
  const pods = async (): Promise<PodJson[]> => {
    const r = await skiffctl('get', 'pods', '-l', 'app=fleet-web', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { items: PodJson[] }).items;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-e2e-fleet-'));
    lab = await testLab();
    clusterCIDR = await freeClusterCIDR(range(230, 190));
    // the release and the 3 machines at once (the lab's default image cache, as npm start's)
    const [pkg, up] = await Promise.all([
      run('bash', [join(repoRoot, 'scripts/package.sh'), '--out', join(dir, 'release')]),
      lab.cli('up', '--nodes', '3', '--subnet', lab.subnet),
    ]);
    assert.equal(up.code, 0, `lab up failed:\n${up.stderr}`);
    assert.equal(pkg.code, 0, `package failed:\n${pkg.stderr}`);
    tarball = pkg.stdout.trim().split('\n').pop()!;
    const nodes = (await labStatusJson(lab)).nodes;
    cp = { node: nodes[0]!, root: join(dir, 'roots', nodes[0]!.name), units: CONTROL_PLANE_UNITS };
    workers = nodes.slice(1).map((node) => ({ node, root: join(dir, 'roots', node.name), units: WORKER_UNITS }));
    for (const h of [cp, ...workers]) mkdirSync(h.root, { recursive: true });
  });

  after(async () => {
    for (const e of children) {
      e.stopping = true;
      if (!exited(e.child)) e.child!.kill('SIGTERM');
    }
    await eventually("the units' processes to exit", 10_000, async () => (children.every((e) => exited(e.child)) ? true : undefined)).catch(() => {
      for (const e of children) if (!exited(e.child)) e.child!.kill('SIGKILL');
    });
    const traces: string[] = [];
    if (lab) {
      const down = await lab.cli('down');
      if (down.code !== 0) traces.push(`lab down: ${down.stderr}`);
      traces.push(...(await labTraces(lab, labNames(lab.name).hash)));
      await rm(lab.dir, { recursive: true, force: true });
    }
    if (dir) {
      const ps = (await mustRun('ps', ['-eo', 'pid,args'])).split('\n').filter((l) => l.includes(dir));
      traces.push(...ps.map((l) => `process: ${l}`));
      await rm(dir, { recursive: true, force: true });
    }
    assert.deepEqual(traces, [], 'nothing left behind');
  });

  void it('installs the control-plane host and the workers into their roots; a second run changes nothing', async () => {
    // the workers' engines as a fresh host's: without the lab's images, which the release brings
    for (const w of workers) await mustRun('docker', ['-H', w.node.dockerHost, 'rmi', PAUSE_IMAGE, TESTBOX_IMAGE]);
    const cpArgs = ['--config', join(repoRoot, 'deploy/skiff.conf'), '--set', `SKIFF_API_ADDRESS=${cp.node.address}`, '--set', `SKIFF_CLUSTER_CIDR=${clusterCIDR}`];
    await install(cp, 'install-control-plane.sh', cpArgs);
    // the workers take the control plane's configuration (its tokens), as an operator copies it
    const conf = join(cp.root, 'etc/skiff/skiff.conf');
    await Promise.all([install(cp, 'install-control-plane.sh', cpArgs), ...workers.map((w) => install(w, 'install-worker.sh', workerArgs(w)))]);
    await Promise.all(workers.map((w) => install(w, 'install-worker.sh', workerArgs(w))));
    for (const h of [cp, ...workers]) {
      const [first, second] = installRuns[h.node.name]!;
      assert.match(first!, /changed: .*etc\/skiff\/skiff\.conf/);
      assert.match(second!, /changed: nothing/, `second run on ${h.node.name}`);
      if (h !== cp) assert.match(first!, /changed: .*image skiff\/pause:0\.1; image skiff\/testbox:0\.1/, `the release's images loaded on ${h.node.name}`);
      for (const u of h.units) assert.ok(existsSync(join(h.root, 'etc/systemd/system', `${u}.service`)), `${u} on ${h.node.name}`);
    }
    // the workers share the control plane's tokens; the per-host keys are their own
    const cpEnv = parseEnvironmentFile(conf);
    for (const w of workers) {
      const env = parseEnvironmentFile(join(w.root, 'etc/skiff/skiff.conf'));
      assert.equal(env.SKIFF_NODE_TOKEN, cpEnv.SKIFF_NODE_TOKEN);
      assert.equal(env.SKIFF_NODE_NAME, w.node.name);
      assert.match(env.SKIFF_NODE_TOKEN!, /^[0-9a-f]{48}$/);
    }
    const release = join(cp.root, 'opt/skiff/active/apiserver');
    skiffctlArgs = [join(release, 'packages/skiffctl/dist/main.js'), '--server', `${cp.node.address}:6443`, '--token', cpEnv.SKIFF_ADMIN_TOKEN!];
  });

  void it('the units', async (t) => {
    for (const h of [cp, ...workers]) for (const u of h.units) assert.ok(existsSync(join(h.root, 'etc/systemd/system', `${u}.service`)), `${u} on ${h.node.name}`);
    const which = await run('sh', ['-c', 'command -v systemd-analyze']);
    await t.test('pass systemd-analyze verify', async (st) => {
      if (which.code !== 0) {
        verifyNote = 'systemd-analyze not installed: the units were NOT verified';
        st.skip('systemd-analyze not installed');
        return;
      }
      for (const h of [cp, ...workers]) {
        const files = h.units.map((u) => join(h.root, 'etc/systemd/system', `${u}.service`));
        const r = await run('systemd-analyze', ['verify', ...files]);
        assert.equal(r.code, 0, `systemd-analyze verify on ${h.node.name}:\n${r.stderr}${r.stdout}`);
        assert.equal(r.stderr.trim(), '', `no warnings on ${h.node.name}`);
      }
      verifyNote = 'systemd-analyze verify passed';
    });
  });

  void it('the processes started as the units say make a cluster with both workers Ready', async () => {
    for (const u of cp.units) startUnit(cp, u);
    for (const w of workers) for (const u of w.units) startUnit(w, u);
    const ready = await eventually('both workers Ready', 90_000, async () => {
      const names = await readyNodes();
      return names.length === workers.length ? names : undefined;
    }).catch((e: Error) => {
      const restarted = children.filter((c) => c.restarts > 0).map((c) => `${c.name} restarted ${c.restarts} times`);
      throw new Error(`${e.message}; ${restarted.join(', ') || 'no process restarted'} (logs in <root>/var/log/)`);
    });
    assert.deepEqual(ready, workers.map((w) => w.node.name).sort());
    // the units name each leader after its host (%H): one restarted by systemd takes its Lease back at once
    for (const lease of ['skiff-scheduler', 'skiff-controller-manager']) {
      const holder = await eventually(`${lease} Lease held`, 30_000, async () => {
        const r = await skiffctl('get', 'lease', lease, '-n', 'kube-system', '-o', 'json');
        return r.code === 0 ? ((JSON.parse(r.stdout) as { spec?: { holderIdentity?: string } }).spec?.holderIdentity ?? undefined) : undefined;
      });
      assert.equal(holder, cp.node.name, `${lease}'s holder`);
    }
    restartNote = children.filter((c) => c.restarts > 0).map((c) => `${c.name} restarted ${c.restarts}x`).join(', ') || 'no restarts';
  });

  void it('a Deployment runs, its pods answer across nodes and its Service answers by ClusterIP', async () => {
    const manifest = join(dir, 'web.yaml');
    writeFileSync(manifest, `apiVersion: apps/v1
kind: Deployment
metadata: {name: fleet-web}
spec:
  replicas: 2
  selector: {matchLabels: {app: fleet-web}}
  template:
    metadata: {labels: {app: fleet-web}}
    spec:
      containers:
      - {name: web, image: "${TESTBOX_IMAGE}", imagePullPolicy: IfNotPresent, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: fleet-web}
spec:
  selector: {app: fleet-web}
  ports: [{port: 80, targetPort: 8080}]
`);
    const apply = await skiffctl('apply', '-f', manifest);
    assert.equal(apply.code, 0, apply.stderr);
    const running = await eventually('2 pods Running with their IPs', 90_000, async () => {
      const items = (await pods()).filter((p) => p.status?.phase === 'Running' && p.status.podIP);
      return items.length === 2 ? items : undefined;
    });
    for (const p of running) {
      assert.ok(p.status!.podIP!.startsWith(clusterCIDR.split('.').slice(0, 2).join('.') + '.'), `pod IP ${p.status!.podIP} in ${clusterCIDR}`);
      const other = workers.find((w) => w.node.name !== p.spec.nodeName)!;
      const reply = await eventually(`${p.metadata.name} from ${other.node.name}`, 30_000, async () => {
        const r = await httpGetFromNode(other.node.netns, p.status!.podIP!, 8080);
        return r.includes('200 OK') ? r : undefined;
      });
      assert.match(reply, new RegExp(p.metadata.name));
    }
    const svc = await skiffctl('get', 'service', 'fleet-web', '-o', 'json');
    assert.equal(svc.code, 0, svc.stderr);
    const clusterIP = (JSON.parse(svc.stdout) as { spec: { clusterIP: string } }).spec.clusterIP;
    for (const w of workers) {
      const reply = await eventually(`the Service ${clusterIP} from ${w.node.name}`, 30_000, async () => {
        const r = await httpGetFromNode(w.node.netns, clusterIP, 80);
        return r.includes('200 OK') ? r : undefined;
      });
      assert.ok(running.some((p) => reply.includes(p.metadata.name)), `answered by a replica: ${reply}`);
    }
  });

  void it('upgrade of one component: --only apiserver moves only its link, only its unit restarts, and it serves the new release to a working cluster', async () => {
    assert.equal(await serverVersion(), 'v0.1.0', 'the first release');
    // the next release: the same files under another name, its apiserver reporting another version
    const base = tarball.replace(/^.*\//, '').replace(/\.tar\.gz$/, '');
    const next = `${base}-next`;
    const work = join(dir, 'next');
    mkdirSync(work);
    await mustRun('tar', ['-C', work, '-xzf', tarball]);
    await mustRun('mv', [join(work, base), join(work, next)]);
    writeFileSync(join(work, next, 'RELEASE'), `${next}\n`);
    // (the unit runs the apiserver's bundle, scripts/bundle.mjs: handlers.ts's VERSION is inlined there)
    const program = join(work, next, 'packages/apiserver/dist/main.bundle.js');
    const code = readFileSync(program, 'utf8');
    assert.match(code, /^var VERSION = "0\.1\.0";$/m, 'the apiserver names its version');
    writeFileSync(program, code.replace(/^var VERSION = "0\.1\.0";$/m, 'var VERSION = "0.1.1-next";'));
    const nextTarball = join(dir, `${next}.tar.gz`);
    await mustRun('sh', ['-c', `tar -C '${work}' -cf - '${next}' | gzip -1 > '${nextTarball}'`]);
    const others = ['skiff-etcd', 'skiff-scheduler', 'skiff-controller-manager'].map((u) => ({ u, pid: unitProcess(cp, u).child!.pid }));
    const oldApiserver = unitProcess(cp, 'skiff-apiserver').child!.pid;

    const r = await run('bash', [join(repoRoot, 'deploy/install-control-plane.sh'), '--root', cp.root, '--release', nextTarball, '--only', 'apiserver']);
    assert.equal(r.code, 0, `install --only apiserver failed:\n${r.stderr}\n${r.stdout}`);
    assert.match(r.stdout, new RegExp(`changed: opt/skiff/releases/${next}; opt/skiff/active/apiserver -> ${next}$`, 'm'), r.stdout);
    const link = (c: string) => readlinkSync(join(cp.root, 'opt/skiff/active', c));
    assert.deepEqual(['apiserver', 'etcd', 'scheduler', 'controller-manager'].map(link), [`../releases/${next}`, ...Array(3).fill(`../releases/${base}`)]);
    // systemd's part (start_units on /): restart the units of the components that moved
    const moved = [...r.stdout.matchAll(/opt\/skiff\/active\/([a-z-]+) -> /g)].map((m) => m[1]);
    assert.deepEqual(moved, ['apiserver']);
    await restartUnit(cp, 'skiff-apiserver');
    const pid = unitProcess(cp, 'skiff-apiserver').child!.pid!;
    assert.notEqual(pid, oldApiserver, 'a new apiserver process');
    // the unit's process runs the active link's program: read once it has gone through nsenter's
    // exec (during an exec, and for a process that exited, /proc/PID/cmdline reads empty)
    const activeMain = join(cp.root, 'opt/skiff/active/apiserver/packages/apiserver/dist/main.bundle.js');
    const cmdline = () => {
      const p = unitProcess(cp, 'skiff-apiserver').child?.pid;
      try {
        return `${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
      } catch (e) {
        return `${p}: ${(e as Error).message}`;
      }
    };
    let seen = '';
    await eventually('the new apiserver running the active link', 10_000, async () => ((seen = cmdline()).includes(activeMain) ? true : undefined)).catch((e: Error) => {
      throw new Error(`${e.message}; its command line: ${seen}; its log: ${readFileSync(join(cp.root, 'var/log/skiff-apiserver.log'), 'utf8').slice(-2000)}`);
    });
    assert.equal(await eventually('the new apiserver answering', 60_000, serverVersion), 'v0.1.1-next', 'the new release serves');
    assert.deepEqual(others.map((o) => ({ u: o.u, pid: unitProcess(cp, o.u).child!.pid })), others, 'the other units were not restarted');
    // the cluster works on: both workers Ready, a scale-up runs a pod, the Service answers
    assert.deepEqual(await eventually('both workers Ready', 60_000, async () => ((await readyNodes()).length === workers.length ? readyNodes() : undefined)), workers.map((w) => w.node.name).sort());
    const scale = await skiffctl('scale', 'deployment/fleet-web', '--replicas', '3');
    assert.equal(scale.code, 0, scale.stderr);
    await eventually('3 pods Running', 90_000, async () => ((await pods()).filter((p) => p.status?.phase === 'Running').length === 3 ? true : undefined));
  });

  void it('a worker added (install-worker.sh on a fourth machine): Ready, routed to, running a pod that answers across nodes and through the Service', async () => {
    const up = await lab!.cli('up', '--nodes', '4', '--subnet', lab!.subnet);
    assert.equal(up.code, 0, `lab up --nodes 4 failed:\n${up.stderr}`);
    const node = (await labStatusJson(lab!)).nodes.find((n) => n.name === 'n4')!;
    const w: Host = { node, root: join(dir, 'roots', node.name), units: WORKER_UNITS };
    mkdirSync(w.root, { recursive: true });
    await mustRun('docker', ['-H', node.dockerHost, 'rmi', PAUSE_IMAGE, TESTBOX_IMAGE]);
    await install(w, 'install-worker.sh', workerArgs(w));
    assert.match(installRuns[node.name]![0]!, /changed: .*image skiff\/pause:0\.1; image skiff\/testbox:0\.1/);
    for (const u of w.units) startUnit(w, u);
    workers = [...workers, w];
    await eventually('n4 Ready', 90_000, async () => ((await readyNodes()).includes('n4') ? true : undefined));
    // n4 gets the next pod: the other workers cordoned
    const others = workers.filter((x) => x !== w).map((x) => x.node.name);
    for (const n of others) assert.equal((await skiffctl('cordon', n)).code, 0);
    try {
      const scale = await skiffctl('scale', 'deployment/fleet-web', '--replicas', '4');
      assert.equal(scale.code, 0, scale.stderr);
      const p = await eventually('a pod Running on n4', 90_000, async () => (await pods()).find((x) => x.spec.nodeName === 'n4' && x.status?.phase === 'Running' && x.status.podIP));
      const from = workers[0]!;
      const reply = await eventually(`${p.metadata.name} from ${from.node.name}`, 30_000, async () => {
        const body = await httpGetFromNode(from.node.netns, p.status!.podIP!, 8080);
        return body.includes('200 OK') ? body : undefined;
      });
      assert.match(reply, new RegExp(p.metadata.name));
      const svc = await skiffctl('get', 'service', 'fleet-web', '-o', 'json');
      const clusterIP = (JSON.parse(svc.stdout) as { spec: { clusterIP: string } }).spec.clusterIP;
      const names = (await pods()).map((x) => x.metadata.name);
      const viaService = await eventually('the Service from n4', 30_000, async () => {
        const body = await httpGetFromNode(node.netns, clusterIP, 80);
        return body.includes('200 OK') ? body : undefined;
      });
      assert.ok(names.some((n) => viaService.includes(n)), `answered by a replica: ${viaService}`);
    } finally {
      for (const n of others) await skiffctl('uncordon', n);
    }
  });

  void it('reports its time', (t) => {
    t.diagnostic(`${verifyNote}; until Ready: ${restartNote}; ${((Date.now() - started) / 1000).toFixed(1)} s from the start (release and lab, installs, cluster up, checks)`);
  });
});
