// skiff-scheduler through the real apiserver and etcd, with hollow nodes (Node objects with
// capacity, allocatable and a Ready condition; no agent): placement by resources, node affinity and
// taints; the failure summary, the FailedScheduling Event and the PodScheduled condition; a node
// that fits binds the pending pod at once (an event, not the periodic flush); preemption; and two
// real scheduler processes racing (never a pod bound twice) and taking over from a killed leader;
// the placement explanation on the pod (with the bind, and after a failed attempt) and its
// Placement section in `skiffctl describe pod`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PLACEMENT_EXPLANATION_ANNOTATION, parsePlacementExplanation, type Event, type PlacementAnswer, type Lease, type Node, type Pod, type PodSpec, type PriorityClass, type Taint } from '@skiff/api';
import { Clientset } from '@skiff/machinery';
import { runCli, StringOutput } from '@skiff/skiffctl';
import { defaultRunConfig, run, type RunningScheduler } from '@skiff/scheduler';
import { startCluster, type TestCluster } from '../harness/index.js';

const MAIN = fileURLToPath(new URL('../../../packages/scheduler/dist/main.js', import.meta.url));

/** Waits for an async condition: polls until it returns a value (not undefined/false). */
async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function hollowNode(name: string, o: { cpu?: string; memory?: string; labels?: Record<string, string>; taints?: Taint[] } = {}): Node {
  const resources = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: o.taints ? { taints: o.taints } : {},
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'HollowNode' }] },
  } as Node;
}

function pod(name: string, o: { cpu?: string; spec?: Partial<PodSpec> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: o.cpu ?? '100m', memory: '64Mi' } } }], ...(o.spec ?? {}) },
  };
}

describe('skiff-scheduler', () => {
  let c: TestCluster;
  let cs: Clientset;
  let sched: RunningScheduler | undefined;
  const stop = new AbortController();

  const boundNode = async (name: string): Promise<string | undefined> => (await cs.pods('default').get(name)).spec?.nodeName || undefined;
  const waitBound = (name: string, timeoutMs?: number): Promise<string> => until(`pod ${name} to be bound`, () => boundNode(name), timeoutMs);
  const events = async (name: string, reason: string): Promise<Event[]> =>
    (await cs.events('default').list()).items.filter((e) => e.involvedObject.name === name && e.reason === reason);

  before(async () => {
    c = await startCluster();
    cs = new Clientset(c.client);
    sched = await run({ ...defaultRunConfig, server: c.server.address, leaderElect: false, healthPort: 0 }, stop.signal);
  });
  after(async () => {
    stop.abort();
    await sched?.stopped;
    await c?.close();
  });

  it('places by resources: the pod goes to the only node with room, with a Scheduled event', async () => {
    await cs.nodes().create(hollowNode('res-small', { cpu: '1', labels: { suite: 'res' } }));
    await cs.nodes().create(hollowNode('res-big', { cpu: '8', labels: { suite: 'res' } }));
    await cs.pods('default').create(pod('res-pod', { cpu: '3', spec: { nodeSelector: { suite: 'res' } } }));
    assert.equal(await waitBound('res-pod'), 'res-big');
    const ev = await until('the Scheduled event', async () => (await events('res-pod', 'Scheduled'))[0]);
    assert.equal(ev.message, 'Successfully assigned default/res-pod to res-big');
    assert.equal(ev.type, 'Normal');
  });

  it('places by required node affinity', async () => {
    await cs.nodes().create(hollowNode('aff-a', { labels: { suite: 'aff', zone: 'a' } }));
    await cs.nodes().create(hollowNode('aff-b', { labels: { suite: 'aff', zone: 'b' } }));
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'suite', operator: 'In', values: ['aff'] }, { key: 'zone', operator: 'NotIn', values: ['a'] }] }],
        },
      },
    };
    await cs.pods('default').create(pod('aff-pod', { spec: { affinity } as Partial<PodSpec> }));
    assert.equal(await waitBound('aff-pod'), 'aff-b');
  });

  it('respects NoSchedule taints and tolerations', async () => {
    const taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
    await cs.nodes().create(hollowNode('taint-db', { labels: { suite: 'taint' }, taints }));
    await cs.nodes().create(hollowNode('taint-plain', { labels: { suite: 'taint' } }));
    await cs.pods('default').create(pod('taint-any-1', { spec: { nodeSelector: { suite: 'taint' } } }));
    await cs.pods('default').create(pod('taint-any-2', { spec: { nodeSelector: { suite: 'taint' } } }));
    assert.equal(await waitBound('taint-any-1'), 'taint-plain');
    assert.equal(await waitBound('taint-any-2'), 'taint-plain');
    const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }];
    await cs.pods('default').create(pod('taint-db-pod', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'taint-db' }, tolerations } }));
    assert.equal(await waitBound('taint-db-pod'), 'taint-db');
  });

  it('an unfittable pod stays pending with the summary, then binds at once when a node that fits is added', async (t) => {
    await cs.pods('default').create(pod('huge', { cpu: '64' }));
    const cond = await until('the PodScheduled=False condition', async () => {
      const p = await cs.pods('default').get('huge');
      return p.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False');
    });
    assert.equal(cond.reason, 'Unschedulable');
    assert.match(cond.message ?? '', /^0\/\d+ nodes are available: .*\d+ Insufficient cpu.*\.$/);
    const ev = await until('the FailedScheduling event', async () => (await events('huge', 'FailedScheduling'))[0]);
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, cond.message);
    assert.equal(await boundNode('huge'), undefined);

    // A pod that has been pending past its first backoff (1 s, as Kubernetes': a pod that just
    // failed waits it out in the backoff queue, flushed every second).
    const since = Date.parse(cond.lastTransitionTime ?? '');
    await until('the pod to be pending past its backoff', async () => Date.now() - since > 1500);
    // The unschedulable pool is flushed only for pods pending over 60 s (every 30 s): binding well
    // before that shows the NodeAdd event moved the pod. Well within a second on an idle machine;
    // the bound asserted is generous for a loaded one.
    const t0 = Date.now();
    await cs.nodes().create(hollowNode('huge-node', { cpu: '128', memory: '512Gi' }));
    assert.equal(await waitBound('huge', 10_000), 'huge-node');
    const ms = Date.now() - t0;
    t.diagnostic(`bound ${ms} ms after the node was added`);
    assert.ok(ms < 10_000, `bound ${ms} ms after the node was added`);
  });

  it('preempts a lower-priority pod: graceful deletion, a Preempted event, nominatedNodeName, then binds and clears it', async () => {
    await cs.nodes().create(hollowNode('prio-node', { cpu: '2', labels: { suite: 'prio' } }));
    const sel = { nodeSelector: { suite: 'prio' } };
    // Priorities come from PriorityClasses, as admission requires: no class is priority 0.
    await cs.priorityClasses().create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'sched-test-high' }, value: 1000 } as PriorityClass);
    await cs.pods('default').create(pod('prio-low', { cpu: '1500m', spec: { ...sel, terminationGracePeriodSeconds: 30 } }));
    assert.equal(await waitBound('prio-low'), 'prio-node');
    const high = await cs.pods('default').create(pod('prio-high', { cpu: '1500m', spec: { ...sel, priorityClassName: 'sched-test-high' } }));
    assert.equal(high.spec?.priority, 1000);

    const nominated = await until('prio-high nominated', async () => (await cs.pods('default').get('prio-high')).status?.nominatedNodeName);
    assert.equal(nominated, 'prio-node');
    const low = await until('prio-low being deleted', async () => {
      const p = await cs.pods('default').get('prio-low');
      return p.metadata.deletionTimestamp ? p : undefined;
    });
    assert.ok(low.metadata.deletionGracePeriodSeconds! > 0, 'graceful deletion');
    const ev = await until('the Preempted event', async () => (await events('prio-low', 'Preempted'))[0]);
    assert.equal(ev.message, `Preempted by pod ${high.metadata.uid} on node prio-node`);
    // Retried while the victim terminates (a label change moves it), it waits instead of preempting
    // again: one Preempted event, written once.
    await cs.pods('default').patch('prio-high', { metadata: { labels: { retried: 'yes' } } });
    await until('a retry that waits for the victim', async () =>
      (await events('prio-high', 'FailedScheduling')).find((e) => /not eligible due to a terminating pod on the nominated node/.test(e.message ?? '')),
    );
    const preempted = await events('prio-low', 'Preempted');
    assert.equal(preempted.length, 1);
    assert.equal(preempted[0]!.count ?? 1, 1);
    assert.equal(await boundNode('prio-high'), undefined, 'not bound while the victim still runs');

    // No agent: play the kubelet, which removes the pod once its containers stopped.
    await cs.pods('default').delete('prio-low', { gracePeriodSeconds: 0 });
    assert.equal(await waitBound('prio-high'), 'prio-node');
    // Bound: the nomination is over (Kubernetes' ClearingNominatedNodeNameAfterBinding).
    await until('prio-high to lose its nomination', async () => !(await cs.pods('default').get('prio-high')).status?.nominatedNodeName);
  });

  it('publishes the placement explanation on the pod, and describe pod shows it', async () => {
    // Names starting "a-" sort before every other test's nodes: the explanation lists the first 10
    // rejected nodes by name, so these three are always among them.
    const taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
    await cs.nodes().create(hollowNode('a-expl-small', { cpu: '1', labels: { suite: 'expl' } }));
    await cs.nodes().create(hollowNode('a-expl-tainted', { cpu: '8', labels: { suite: 'expl' }, taints }));
    await cs.nodes().create(hollowNode('a-expl-big', { cpu: '8', labels: { suite: 'expl' } }));
    await cs.pods('default').create(pod('expl-fits', { cpu: '2', spec: { nodeSelector: { suite: 'expl' } } }));
    await cs.pods('default').create(pod('expl-never', { cpu: '2', spec: { nodeSelector: { suite: 'expl', missing: 'label' } } }));
    assert.equal(await waitBound('expl-fits'), 'a-expl-big');

    const placed = parsePlacementExplanation((await cs.pods('default').get('expl-fits')).metadata.annotations?.[PLACEMENT_EXPLANATION_ANNOTATION]);
    assert.ok(placed, 'the bind wrote the explanation');
    assert.equal(placed.result, 'Scheduled');
    assert.equal(placed.node, 'a-expl-big');
    assert.equal(placed.feasible, 1);
    const byNode = Object.fromEntries(placed.rejected.map((r) => [r.node, `${r.plugin}: ${r.reason}`]));
    assert.equal(byNode['a-expl-small'], 'NodeResourcesFit: Insufficient cpu');
    assert.equal(byNode['a-expl-tainted'], 'TaintToleration: node(s) had untolerated taint {dedicated: db}');

    // With one feasible node Kubernetes skips scoring; a second pod that two nodes can hold is scored.
    await cs.nodes().create(hollowNode('a-expl-big2', { cpu: '8', labels: { suite: 'expl2' } }));
    await cs.nodes().create(hollowNode('a-expl-big3', { cpu: '4', labels: { suite: 'expl2' } }));
    await cs.pods('default').create(pod('expl-scored', { cpu: '1', spec: { nodeSelector: { suite: 'expl2' } } }));
    const chosen = await waitBound('expl-scored');
    const scored = parsePlacementExplanation((await cs.pods('default').get('expl-scored')).metadata.annotations?.[PLACEMENT_EXPLANATION_ANNOTATION]);
    assert.equal(scored?.candidates[0]?.node, chosen);
    assert.equal(scored?.candidates.length, 2);
    const top = scored!.candidates[0]!;
    assert.ok(Object.keys(top.plugins).includes('NodeResourcesFit'), JSON.stringify(top));
    const sum = Object.values(top.plugins).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - top.score) <= Object.keys(top.plugins).length, `the plugins sum to the total, within rounding: ${sum} vs ${top.score}`);

    const failed = await until('the explanation of the failed attempt', async () =>
      parsePlacementExplanation((await cs.pods('default').get('expl-never')).metadata.annotations?.[PLACEMENT_EXPLANATION_ANNOTATION]),
    );
    assert.equal(failed.result, 'Unschedulable');
    // The first filter that fails names the node (Kubernetes' order: TaintToleration before NodeAffinity).
    const rejectedBy = new Set(failed.rejected.map((r) => `${r.node} ${r.plugin}`));
    for (const want of ['a-expl-big NodeAffinity', 'a-expl-small NodeAffinity', 'a-expl-tainted TaintToleration']) assert.ok(rejectedBy.has(want), `${want} in ${[...rejectedBy].join(', ')}`);

    const describe = async (name: string): Promise<string> => {
      const stdout = new StringOutput();
      const stderr = new StringOutput();
      const code = await runCli(['--server', c.server.address, 'describe', 'pod', name], { stdout, stderr, stdin: (async function* () {})() }, { env: {} });
      assert.equal(code, 0, stderr.text);
      return stdout.text;
    };
    const out = await describe('expl-fits');
    assert.match(out, /Placement:\s+chosen a-expl-big \(score 0\)/);
    assert.match(out, /rejected: .*a-expl-small \(NodeResourcesFit: Insufficient cpu\)/);
    assert.doesNotMatch(out, /scheduler\.skiff\.io\/explanation/, 'the raw annotation is left out of Annotations');
    assert.match(out, /a-expl-tainted \(TaintToleration: node\(s\) had untolerated taint \{dedicated: db\}\)/);
    assert.match(await describe('expl-scored'), new RegExp(`Placement:\\s+chosen ${chosen} \\(score ${top.score}: .*NodeResourcesFit ${top.plugins.NodeResourcesFit}`));
    const never = await describe('expl-never');
    assert.match(never, /Placement:\s+no node fits/);
    assert.match(never, /a-expl-small \(NodeAffinity: node\(s\) didn't match Pod's node affinity\/selector\)/);
    assert.match(never, /a-expl-tainted \(TaintToleration: /);
  });

  it('explains a manifest not created: skiffctl explain-placement -f through the scheduler\'s /explain', async () => {
    const taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
    await cs.nodes().create(hollowNode('wi-small', { cpu: '1', labels: { suite: 'whatif' } }));
    await cs.nodes().create(hollowNode('wi-tainted', { cpu: '8', labels: { suite: 'whatif' }, taints }));
    await cs.nodes().create(hollowNode('wi-big', { cpu: '8', labels: { suite: 'whatif' } }));
    const manifest = (name: string, selector: Record<string, string>): string =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeSelector: selector, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '2' } } }] } });
    const skiffctl = async (stdin: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      const stdout = new StringOutput();
      const stderr = new StringOutput();
      const argv = ['--server', c.server.address, 'explain-placement', '-f', '-', '--scheduler', sched!.health!.url, ...args];
      const code = await runCli(argv, { stdout, stderr, stdin: (async function* () { yield stdin; })() }, { env: {} });
      return { code, stdout: stdout.text, stderr: stderr.text };
    };

    const json = await skiffctl(manifest('wi-web', { suite: 'whatif' }), '-o', 'json', '--rejected', '1000');
    assert.equal(json.code, 0, json.stderr);
    const answer = JSON.parse(json.stdout) as PlacementAnswer;
    assert.equal(answer.pod, 'default/wi-web');
    assert.equal(answer.explanation.node, 'wi-big');
    const nodes = (await cs.nodes().list()).items.length;
    assert.equal(answer.explanation.evaluated, nodes, 'every node is filtered');
    const byNode = Object.fromEntries(answer.explanation.rejected.map((r) => [r.node, `${r.plugin}: ${r.reason}`]));
    assert.equal(byNode['wi-small'], 'NodeResourcesFit: Insufficient cpu');
    assert.equal(byNode['wi-tainted'], 'TaintToleration: node(s) had untolerated taint {dedicated: db}');
    assert.equal(answer.explanation.feasible, 1);
    assert.equal(answer.explanation.rejected.length, nodes - 1, 'every other node listed with its reason');
    assert.ok(answer.rejectedReasons["node(s) didn't match Pod's node affinity/selector"]! >= 1, JSON.stringify(answer.rejectedReasons));
    await assert.rejects(cs.pods('default').get('wi-web'), /not found/, 'nothing was created');

    // Nothing fits: the summary the FailedScheduling event would carry. A taken name is no obstacle.
    const text = await skiffctl(manifest('expl-fits', { suite: 'whatif', missing: 'label' }));
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Pod:\s+default\/expl-fits \(not created\)$/m);
    assert.match(text.stdout, new RegExp(`^Would Go To:\\s+<none>: 0/${nodes} nodes are available: .*node\\(s\\) didn't match Pod's node affinity/selector`, 'm'));
    assert.match(text.stdout, /^Placement:\s+no node fits/m);

    // Another scheduler's pods are not this one's to explain.
    const other = await skiffctl(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'wi-other' }, spec: { schedulerName: 'gpu', containers: [{ name: 'c', image: 'busybox' }] } }));
    assert.equal(other.code, 1);
    assert.match(other.stderr, /answered 400: this scheduler has no profile "gpu"/);
  });

  it('serves /metrics, /healthz and /readyz', async () => {
    const url = sched!.health!.url;
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} \d+/);
    assert.match(text, /scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} \d+/);
    assert.match(text, /scheduler_e2e_scheduling_duration_seconds_bucket/);
    assert.match(text, /scheduler_pending_pods\{queue="unschedulable"\} \d+/);
    assert.match(text, /scheduler_preemption_victims_sum 1/);
  });

  it('leaves pods for another schedulerName alone', async () => {
    await cs.pods('default').create(pod('other-sched', { spec: { schedulerName: 'someone-else' } }));
    await cs.pods('default').create(pod('mine-after', {}));
    await waitBound('mine-after');
    // The informer delivered both in order; the later one bound: the first was seen and skipped.
    const p = await cs.pods('default').get('other-sched');
    assert.equal(p.spec?.nodeName, undefined);
    assert.equal(p.status?.conditions?.find((x) => x.type === 'PodScheduled'), undefined);
  });

  describe('as processes', () => {
    const procs: ChildProcess[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'skiff-sched-'));
    after(() => {
      for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    /** A configuration file with one profile: the in-process scheduler leaves these pods alone. */
    function profileConfig(schedulerName: string): string {
      const f = join(dir, `${schedulerName}.yaml`);
      writeFileSync(f, `apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - schedulerName: ${schedulerName}\n`);
      return f;
    }

    /** Starts skiff-scheduler; resolves with its /metrics URL once it serves. */
    function start(args: string[]): Promise<{ proc: ChildProcess; url: string }> {
      const proc = spawn(process.execPath, [MAIN, '--server', c.server.address, '--health-port', '0', '--log-level', 'info', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      procs.push(proc);
      return new Promise((resolve, reject) => {
        const lines = createInterface({ input: proc.stderr! });
        lines.on('line', (l) => {
          try {
            const j = JSON.parse(l) as { msg?: string; url?: string };
            if (j.msg === 'serving /metrics, /healthz, /readyz' && j.url) resolve({ proc, url: j.url });
          } catch {
            // not a log line
          }
        });
        proc.once('exit', (code) => reject(new Error(`skiff-scheduler exited with ${code}`)));
      });
    }

    async function scheduledCount(url: string): Promise<number> {
      const text = await (await fetch(`${url}/metrics`)).text();
      const m = /scheduler_schedule_attempts_total\{result="scheduled",profile="[a-z-]+"\} (\d+)/.exec(text);
      return m ? Number(m[1]) : 0;
    }

    it('two schedulers racing (no leader election) never bind a pod twice', async () => {
      await cs.nodes().create(hollowNode('race-1', { cpu: '64', labels: { suite: 'race' } }));
      await cs.nodes().create(hollowNode('race-2', { cpu: '64', labels: { suite: 'race' } }));
      const args = ['--leader-elect=false', '--config', profileConfig('race-scheduler')];
      const [a, b] = await Promise.all([start(args), start(args)]);
      const n = 40;
      const spec = { schedulerName: 'race-scheduler', nodeSelector: { suite: 'race' } };
      await Promise.all(Array.from({ length: n }, (_, i) => cs.pods('default').create(pod(`race-${i}`, { spec }))));
      for (let i = 0; i < n; i++) await waitBound(`race-${i}`, 30_000);
      // Every bind a scheduler counts as successful is one the apiserver accepted: exactly n.
      const total = await until('both schedulers to have counted their binds', async () => {
        const t = (await scheduledCount(a.url)) + (await scheduledCount(b.url));
        return t >= n ? t : undefined;
      });
      assert.equal(total, n);
      for (const p of [a.proc, b.proc]) p.kill('SIGTERM');
      await Promise.all([a.proc, b.proc].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
      assert.equal(a.proc.exitCode, 0);
      assert.equal(b.proc.exitCode, 0);
    });

    it('kill -9 of the leader: the standby takes over within the lease duration and binds the pending pods once', async (t) => {
      {
        const lease = ['--leader-elect', '--leader-elect-lease-duration', '4', '--leader-elect-renew-deadline', '3', '--leader-elect-retry-period', '0.5', '--config', profileConfig('ha-scheduler')];
        const a = await start([...lease, '--leader-elect-identity', 'sched-a']);
        const holder = async (): Promise<string | undefined> => {
          try {
            return (await c.client.get<Lease>('leases', 'kube-system', 'skiff-scheduler')).spec?.holderIdentity || undefined;
          } catch {
            return undefined;
          }
        };
        assert.equal(await until('sched-a to lead', holder), 'sched-a');
        const b = await start([...lease, '--leader-elect-identity', 'sched-b']);
        const spec = { schedulerName: 'ha-scheduler', nodeSelector: { suite: 'race' } };
        await cs.pods('default').create(pod('ha-0', { spec }));
        await waitBound('ha-0');
        assert.equal(await scheduledCount(b.url), 0, 'the standby does not schedule');

        a.proc.kill('SIGKILL');
        const n = 10;
        await Promise.all(Array.from({ length: n }, (_, i) => cs.pods('default').create(pod(`ha-${i + 1}`, { spec }))));
        const t0 = Date.now();
        assert.equal(await until('sched-b to lead', async () => ((await holder()) === 'sched-b' ? 'sched-b' : undefined), 30_000), 'sched-b');
        for (let i = 1; i <= n; i++) await waitBound(`ha-${i}`, 30_000);
        const ms = Date.now() - t0;
        assert.equal(await until('sched-b to count its binds', async () => ((await scheduledCount(b.url)) >= n ? scheduledCount(b.url) : undefined)), n);
        t.diagnostic(`the standby took over and bound ${n} pods ${ms} ms after the leader was killed (lease 4 s)`);
        assert.ok(ms < 30_000, `took over and bound in ${ms} ms`);
        b.proc.kill('SIGTERM');
        await new Promise((r) => (b.proc.exitCode !== null ? r(null) : b.proc.once('exit', r)));
        assert.equal(b.proc.exitCode, 0);
      }
    });
  });
});
