// Rolling updates under traffic on a private 2-node cluster brought up by `skiff-cluster up` (the
// same code path as `npm start`, as cluster-seed; own lab name, state folder, subnets, free ports;
// without the seed app). A tiny web server built on both nodes in two tags, each answering with its
// version, runs as a 2-replica Deployment (maxSurge 1, maxUnavailable 0, a readiness probe, a preStop
// sleep) behind a NodePort Service. Three client loops send requests throughout: from each node to
// the ClusterIP and from the host to a NodePort. A watcher checks the rolling-update bounds at every
// change of the pods. Cases: an update to the new image and `rollout undo` with no failed request and
// Kubernetes' revision numbers; then `kill -9` of each control-plane process, of one node's agent and
// of its proxy, each in the middle of a rollout: the supervisor restarts it, the rollout completes,
// the Service is never out for more than a second, no pod is doubled (on the API or on the node).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labNames } from '@skiff/lab';
import { createClient, type Client } from '@skiff/machinery';
import { eventually, freeClusterCIDR, freeSubnet, labTraces, mustRun, range, repoRoot, run } from '../harness/lab-env.js';
import { isActivePod as isActive, rollingBounds } from '@skiff/machinery/testing';
import { RolloutWatch } from '../harness/rollout-watch.js';
import { startTraffic, type TrafficLoop } from '../harness/traffic.js';

const cli = join(repoRoot, 'packages/cluster/dist/main.js');
const skiffctlMain = join(repoRoot, 'packages/skiffctl/dist/main.js');

const REPLICAS = 2;
const MAX_SURGE = 1;
const MAX_UNAVAILABLE = 0;
const APP_PORT = 8080;
const IMAGE = 'rollout-app';
const REVISION = 'deployment.kubernetes.io/revision';

interface UpJson {
  server: string;
  stateDir: string;
  nodes: { name: string; netns: string; address: string; dockerHost: string }[];
}

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string>; ownerReferences?: { name: string; uid: string }[] };
  spec: { nodeName?: string; containers: { image: string }[] };
  status?: { phase?: string };
}

interface DeploymentJson {
  metadata: { generation?: number; annotations?: Record<string, string> };
  spec: { replicas: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number };
}

interface RSJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
}

// Each version answers with "VERSION HOSTNAME"; on SIGTERM it stops accepting and exits once idle.
const SERVER_JS = `const http = require('node:http');
const os = require('node:os');
const server = http.createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end(process.env.VERSION + ' ' + os.hostname() + '\\n'); });
server.listen(${APP_PORT}, () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
const DOCKERFILE = `FROM node:latest
ARG VERSION
ENV VERSION=$VERSION
COPY server.js /server.js
CMD ["node", "/server.js"]
`;

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${REPLICAS}
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: ${MAX_SURGE}
      maxUnavailable: ${MAX_UNAVAILABLE}
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: web
        image: ${IMAGE}:v1
        ports:
        - containerPort: ${APP_PORT}
        readinessProbe:
          httpGet:
            path: /
            port: ${APP_PORT}
          periodSeconds: 1
          timeoutSeconds: 2
          failureThreshold: 3
        lifecycle:
          preStop:
            exec:
              command: ["sleep", "3"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: ${APP_PORT}
`;

void describe('rolling updates under traffic on a 2-node cluster from skiff-cluster up', { timeout: 480_000 }, () => {
  const name = `e2e-ro-${randomBytes(3).toString('hex')}`;
  let dir = '';
  let stateDir = '';
  let clusterCIDR = '';
  let result: UpJson;
  let client: Client | undefined;
  let watch: RolloutWatch | undefined;
  let loops: TrafficLoop[] = [];
  let version = 'v1';
  const cluster = (...args: string[]) => run(process.execPath, [cli, '--state-dir', stateDir, ...args]);
  const skiffctl = (...args: string[]) => run('env', [`SKIFFCONFIG=${join(stateDir, 'skiffctl.yaml')}`, process.execPath, skiffctlMain, ...args]);
  const mustSkiffctl = async (...args: string[]): Promise<string> => {
    const r = await skiffctl(...args);
    assert.equal(r.code, 0, `skiffctl ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const deployment = () => client!.get('deployments', 'default', 'web') as unknown as Promise<DeploymentJson>;
  const replicaSets = async () => (await client!.list('replicasets', { namespace: 'default', labelSelector: 'app=web' })).items as unknown as RSJson[];
  const pods = async () => (await client!.list('pods', { namespace: 'default', labelSelector: 'app=web' })).items as unknown as PodJson[];
  const pidOf = (proc: string) => Number(readFileSync(join(stateDir, `${proc}.pid`), 'utf8'));

  /** Changes the image to the other version; resolves once `rollout status` returned (asserting it succeeded) with when it returned. */
  async function rolloutTo(next: string, during?: () => Promise<void>): Promise<number> {
    await mustSkiffctl('set', 'image', 'deployment/web', `web=${IMAGE}:${next}`);
    version = next;
    // rollout status started while the apiserver is down (kill -9 of it) fails at once with
    // "connection refused", as kubectl's does: the user runs it again, and so does the test
    const status = (async () => {
      const deadline = Date.now() + 150_000;
      for (;;) {
        const r = await skiffctl('rollout', 'status', 'deployment/web', '--timeout', '150s');
        if (r.code === 0 || !/was refused/.test(r.stderr) || Date.now() > deadline) return r;
        await new Promise((res) => setTimeout(res, 1000));
      }
    })();
    if (during) await during();
    const r = await status;
    const done = Date.now();
    assert.equal(r.code, 0, `rollout status: ${r.stderr}${r.stdout}`);
    assert.match(r.stdout, /deployment "web" successfully rolled out/);
    return done;
  }

  /** Every request that started in [from, to) of every loop succeeded; none was out for longer than maxOutageMs. */
  function assertTraffic(from: number, to: number, maxOutageMs: number): string[] {
    const lines = loops.map((l) => l.summary(from, to));
    for (const l of loops) assert.ok(l.between(from, to).length >= 20, `the loop ran: ${l.summary(from, to)}`);
    if (maxOutageMs === 0) {
      assert.deepEqual(loops.map((l) => l.between(from, to).filter((s) => !s.ok).length), loops.map(() => 0), `no failed request:\n${lines.join('\n')}`);
    } else {
      for (const l of loops) assert.ok((l.outages(from, to)[0]?.ms ?? 0) <= maxOutageMs, `no outage longer than ${maxOutageMs} ms:\n${lines.join('\n')}`);
    }
    return lines;
  }

  /**
   * After the rollout every loop answers with the new version only: the last old pod's endpoint is
   * gone from every node's rules while that pod still serves (its 3 s preStop sleep), so an old
   * answer comes at most that long after `rollout status` returned (the pod was deleted before).
   * Returns how long after `done` each loop last saw the old version.
   */
  async function assertAnswersOnly(v: string, done: number): Promise<string> {
    await eventually('every loop answering after the rollout', 15_000, async () => (loops.every((l) => l.between(done + 3000).filter((s) => s.ok).length >= 3) ? true : undefined));
    const lags = loops.map((l) => {
      const old = l.between(done).filter((s) => s.ok && !s.body.startsWith(`${v} `));
      return old.length ? Math.max(...old.map((s) => s.start)) - done : 0;
    });
    assert.ok(Math.max(...lags) < 3000, `the old version gone within 3 s of the rollout's end (last seen +${lags.join(', +')} ms); changes:\n${watch!.timelineSince(done - 20_000)}`);
    return `old version last answered +${lags.join(', +')} ms after rollout status returned`;
  }

  /** The end state: REPLICAS active pods, all of the current template; no slot doubled; on each node one running app container per pod. */
  async function assertSettled(): Promise<void> {
    const active = (await pods()).filter((p) => isActive(p));
    assert.equal(active.length, REPLICAS, active.map((p) => p.metadata.name).join(', '));
    for (const p of active) assert.equal(p.spec.containers[0]!.image, `${IMAGE}:${version}`);
    assert.deepEqual(watch!.doubledSlots(), []);
    assert.deepEqual(watch!.violations, [], `the rolling-update bounds held; changes of the last minute:\n${watch!.timelineSince(Date.now() - 60_000)}`);
    for (const n of result.nodes) {
      await eventually(`one running app container per pod on ${n.name}, none of a pod gone`, 30_000, async () => {
        const live = new Map((await pods()).filter((p) => p.spec.nodeName === n.name && isActive(p)).map((p) => [p.metadata.uid, p.metadata.name]));
        const out = await mustRun('docker', ['-H', n.dockerHost, 'ps', '--filter', 'label=io.skiff.type=container', '--filter', 'label=io.skiff.pod.namespace=default', '--format', '{{.Label "io.skiff.pod.uid"}} {{.Label "io.skiff.pod.name"}}']);
        const running = out.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
        const perPod = new Map<string, number>();
        for (const [uid] of running) perPod.set(uid!, (perPod.get(uid!) ?? 0) + 1);
        const doubled = [...perPod].filter(([, c]) => c > 1);
        if (doubled.length) throw new Error(`doubled containers on ${n.name}: ${JSON.stringify(doubled)}`);
        const stray = [...perPod.keys()].filter((uid) => !live.has(uid));
        const missing = [...live.keys()].filter((uid) => !perPod.has(uid));
        return stray.length === 0 && missing.length === 0 ? true : undefined;
      });
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-e2e-rollout-'));
    stateDir = join(dir, 'state');
    clusterCIDR = await freeClusterCIDR(range(190, 230));
    const subnet = await freeSubnet(199);
    const up = await cluster('up', '--name', name, '--nodes', '2', '--subnet', subnet, '--cluster-cidr', clusterCIDR, '--free-ports', '--no-user-config', '--no-seed', '--json', '--timeout', '180');
    assert.equal(up.code, 0, `up failed:\n${up.stderr}\n${up.stdout}`);
    result = JSON.parse(up.stdout.trim().split('\n').pop()!) as UpJson;
    client = createClient({ server: result.server, token: readFileSync(join(stateDir, 'admin.token'), 'utf8').trim(), userAgent: 'e2e-rollout' });

    const context = join(dir, 'app');
    await mkdir(context);
    await writeFile(join(context, 'server.js'), SERVER_JS);
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    await Promise.all(result.nodes.flatMap((n) => ['v1', 'v2'].map((v) => mustRun('docker', ['-H', n.dockerHost, 'build', '-q', '--build-arg', `VERSION=${v}`, '-t', `${IMAGE}:${v}`, context]))));
    await writeFile(join(dir, 'web.yaml'), MANIFESTS);
    await mustSkiffctl('apply', '-f', join(dir, 'web.yaml'));
    await mustSkiffctl('rollout', 'status', 'deployment/web', '--timeout', '120s');

    const svc = (await client.get('services', 'default', 'web')) as { spec: { clusterIP: string; ports: { port: number; nodePort: number }[] } };
    loops = [
      ...result.nodes.map((n) => startTraffic({ name: `${n.name} -> ClusterIP`, netns: n.netns, ip: svc.spec.clusterIP, port: svc.spec.ports[0]!.port })),
      startTraffic({ name: `host -> NodePort of ${result.nodes[0]!.name}`, ip: result.nodes[0]!.address, port: svc.spec.ports[0]!.nodePort }),
    ];
    await eventually('every loop answered', 20_000, async () => (loops.every((l) => l.samples.some((s) => s.ok)) ? true : undefined));
    watch = new RolloutWatch(client, 'default', 'app=web', 'web');
    await eventually('the watcher listed pods, ReplicaSets and Endpoints', 20_000, async () => (watch!.synced ? true : undefined));
  });

  after(async () => {
    for (const l of loops) l.kill();
    await watch?.stop();
    client?.close();
    if (!stateDir) return;
    const down = await cluster('down', '--purge');
    const traces: string[] = [];
    // namespaces, links and the bridge, SKIFF-LAB chains, the engines' cgroups (containers) and folders (images)
    traces.push(...(await labTraces({ name, stateDir: join(stateDir, 'lab') }, labNames(name).hash)));
    const routes = await mustRun('ip', ['-4', 'route']);
    if (clusterCIDR && routes.includes(clusterCIDR.split('.').slice(0, 2).join('.') + '.')) traces.push(`routes: ${routes}`);
    const ps = (await mustRun('ps', ['-eo', 'pid,args'])).split('\n').filter((l) => l.includes(stateDir));
    traces.push(...ps.map((l) => `process: ${l}`));
    if (existsSync(stateDir)) traces.push(`state folder ${stateDir} left`);
    await rm(dir, { recursive: true, force: true });
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(traces, [], 'down --purge leaves nothing behind');
  });

  void it('rolls out a new image and undoes it with no failed request, within the surge bounds, with Kubernetes revisions', async () => {
    const start = Date.now();
    watch!.check(rollingBounds(REPLICAS, MAX_SURGE, MAX_UNAVAILABLE));
    const firstRS = (await replicaSets())[0]!;
    assert.equal(firstRS.metadata.annotations?.[REVISION], '1');

    const updated = await rolloutTo('v2');
    const d = await deployment();
    assert.deepEqual([d.status?.observedGeneration === d.metadata.generation, d.status?.updatedReplicas, d.status?.replicas, d.status?.availableReplicas], [true, REPLICAS, REPLICAS, REPLICAS], 'rollout status returned when the rollout was complete');
    assert.equal(d.metadata.annotations?.[REVISION], '2');
    const byImage = async () => new Map((await replicaSets()).map((rs) => [rs.spec.template.spec.containers[0]!.image, rs]));
    let rss = await byImage();
    assert.deepEqual([rss.get(`${IMAGE}:v1`)?.metadata.annotations?.[REVISION], rss.get(`${IMAGE}:v2`)?.metadata.annotations?.[REVISION]], ['1', '2']);
    assert.deepEqual([rss.get(`${IMAGE}:v1`)?.spec.replicas, rss.get(`${IMAGE}:v2`)?.spec.replicas], [0, REPLICAS]);
    const lag1 = await assertAnswersOnly('v2', updated);

    const undo = await mustSkiffctl('rollout', 'undo', 'deployment/web');
    assert.match(undo, /deployment\.apps\/web rolled back/);
    version = 'v1';
    assert.equal((await skiffctl('rollout', 'status', 'deployment/web', '--timeout', '150s')).code, 0);
    const undone = Date.now();
    rss = await byImage();
    assert.equal(rss.get(`${IMAGE}:v1`)?.metadata.name, firstRS.metadata.name, 'undo scales the first ReplicaSet up again');
    assert.deepEqual([rss.get(`${IMAGE}:v1`)?.metadata.annotations?.[REVISION], rss.get(`${IMAGE}:v2`)?.metadata.annotations?.[REVISION], (await deployment()).metadata.annotations?.[REVISION]], ['3', '2', '3']);
    assert.match(await mustSkiffctl('rollout', 'history', 'deployment/web'), /^REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/m);
    const lag2 = await assertAnswersOnly('v1', undone);

    console.log(`rollout and undo: ${((Date.now() - start) / 1000).toFixed(1)} s; at most ${watch!.maxActiveSeen} active and at least ${watch!.minReadySeen} ready pods; ${lag1}; ${lag2}\n  ${loops.map((l) => l.summary(start)).join('\n  ')}`);
    assertTraffic(start, Date.now(), 0);
    await assertSettled();
  });

  // No allowance anywhere: a restarted agent keeps its pods' readiness (its probe workers resume
  // from the reported status), and a pod write whose reply the apiserver's death cut off is settled
  // by reading it back before the ReplicaSet controller acts again on a lagging cache.
  const victims: { name: string; process: string }[] = [
    { name: 'the apiserver', process: 'apiserver' },
    { name: 'the scheduler', process: 'scheduler' },
    { name: 'the controller-manager', process: 'controller-manager' },
    { name: "n1's node agent", process: 'agent-n1' },
    { name: "n1's proxy", process: 'proxy-n1' },
  ];
  for (const v of victims) {
    void it(`kill -9 of ${v.name} during a rollout: restarted, the rollout completes, no outage over a second, no pod doubled`, async () => {
      const start = Date.now();
      watch!.check(rollingBounds(REPLICAS, MAX_SURGE, MAX_UNAVAILABLE));
      const pid = pidOf(v.process);
      let killedAt = 0;
      await rolloutTo(version === 'v1' ? 'v2' : 'v1', async () => {
        // in the middle: the first new pod exists and the old ones still run
        await eventually('the rollout under way', 60_000, async () => ((await deployment()).status?.updatedReplicas ?? 0) >= 1 ? true : undefined);
        process.kill(pid, 'SIGKILL');
        killedAt = Date.now();
        const restarted = await eventually(`${v.process} restarted`, 30_000, async () => {
          const now = existsSync(join(stateDir, `${v.process}.pid`)) ? pidOf(v.process) : 0;
          return now && now !== pid && existsSync(`/proc/${now}`) ? now : undefined;
        });
        assert.ok(restarted);
      });
      const done = Date.now();
      console.log(`kill -9 ${v.process}: rollout ${((done - start) / 1000).toFixed(1)} s (killed at +${((killedAt - start) / 1000).toFixed(1)} s); at most ${watch!.maxActiveSeen} active and at least ${watch!.minReadySeen} ready pods; watch relisted ${watch!.relists} times\n  ${loops.map((l) => l.summary(start)).join('\n  ')}`);
      const supervised = readFileSync(join(stateDir, 'supervisor.log'), 'utf8').split('\n').filter((l) => Date.parse(l.slice(0, 24)) >= killedAt - 1000);
      console.log(`  supervisor: ${supervised.map((l) => `+${((Date.parse(l.slice(0, 24)) - killedAt) / 1000).toFixed(1)} s ${l.slice(25).replace(/; log .*$/, '')}`).join('\n  supervisor: ')}`);
      assertTraffic(start, Date.now(), 1000);
      // the first restart is at once; one after another exit (e.g. leadership lost while the apiserver was away) backs off
      assert.match(readFileSync(join(stateDir, 'supervisor.log'), 'utf8'), new RegExp(`${v.process}: pid ${pid} was killed by SIGKILL after [\\d.]+ s; restarting (now|in [\\d.]+ s)`));
      console.log(`  ${await assertAnswersOnly(version, done)}`);
      await assertSettled();
    });
  }
});
