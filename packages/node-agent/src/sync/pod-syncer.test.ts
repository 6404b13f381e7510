import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type Pod } from '@skiff/api';
import { Clientset, FakeClock } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { StatusManager } from '../status/status-manager.js';
import { CrashBackoff } from './backoff.js';
import { ImageManager } from './images.js';
import { PodSyncer, type PodSyncerDeps } from './pod-syncer.js';
import { staticEnvSources } from '../env/env-sources.js';
import { ProbeManager } from '../probe/probe-manager.js';

async function setup(spec: Partial<NonNullable<Pod['spec']>> = {}, extra: Partial<PodSyncerDeps> | ((runtime: FakeRuntime) => Partial<PodSyncerDeps>) = {}) {
  const client = new FakeClient();
  const cs = new Clientset(client);
  let now = Date.parse('2026-01-01T00:00:00Z');
  const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }], now: () => now });
  const events: string[] = [];
  const record = (_p: Pod, _t: string, reason: string) => events.push(reason);
  const backoff = new CrashBackoff();
  const statuses = new StatusManager(cs);
  const syncer = new PodSyncer({
    runtime,
    clients: cs,
    images: new ImageManager(runtime, backoff, record, () => now),
    backoff,
    statuses,
    record,
    node: { hostIP: '192.0.2.1', memoryCapacityBytes: 1 << 30 },
    runtimeName: 'fake',
    now: () => now,
    ...(typeof extra === 'function' ? extra(runtime) : extra),
  });
  const pod = await cs.pods('default').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox:1.36', env: [{ name: 'ME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }], ...spec },
  });
  // status writes are batched: each step waits for them before it looks
  const sync = async (p: Pod) => {
    try {
      return await syncer.sync(p);
    } finally {
      await statuses.flush();
    }
  };
  return { client, cs, runtime, events, syncer, sync, statuses, pod, advance: (ms: number) => (now += ms) };
}

void test('PodSyncer: a new pod gets its sandbox and container, Running status written once', async () => {
  const t = await setup();
  await t.sync(t.pod);
  const [c] = await t.runtime.listContainers();
  assert.equal(c?.state, 'running');
  assert.deepEqual(t.runtime.configOf(c?.id ?? '')?.env.find((e) => e.name === 'ME'), { name: 'ME', value: 'p' });
  const got = await t.cs.pods('default').get('p');
  assert.equal(got.status?.phase, 'Running');
  assert.deepEqual(t.events, ['MissingClusterDNS', 'Pulled', 'Created', 'Started'], 'no --cluster-dns: the kubelet fallback event');
  const writes = t.client.writes().length;
  await t.sync(got);
  assert.equal(t.client.writes().length, writes, 'an unchanged status is not written again');
});

void test('PodSyncer: a crash loop waits out the back-off, then restarts', async () => {
  const t = await setup();
  await t.sync(t.pod);
  const exit = async () => {
    const running = (await t.runtime.listContainers()).find((c) => c.state === 'running');
    t.runtime.exitContainer(running?.id ?? '', 1);
  };
  await exit();
  assert.deepEqual(await t.sync(await t.cs.pods('default').get('p')), {}, 'first restart at once');
  await exit();
  const r = await t.sync(await t.cs.pods('default').get('p'));
  assert.ok(r.retryAfterMs !== undefined && r.retryAfterMs > 0 && r.retryAfterMs <= 10_000);
  assert.equal((await t.cs.pods('default').get('p')).status?.containerStatuses?.[0]?.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.ok(t.events.includes('BackOff'));
  t.advance(10_001);
  await t.sync(await t.cs.pods('default').get('p'));
  const s = (await t.cs.pods('default').get('p')).status?.containerStatuses?.[0];
  assert.equal(s?.restartCount, 2);
  assert.ok(s?.state?.running);
});

void test('PodSyncer: a pod marked for deletion is stopped, then deleted with grace 0 and its uid', async () => {
  const t = await setup({ terminationGracePeriodSeconds: 7 });
  await t.sync(t.pod);
  await t.cs.pods('default').delete('p');
  const marked = await t.cs.pods('default').get('p');
  assert.ok(marked.metadata.deletionTimestamp);
  const phases: string[] = [];
  await t.sync(marked);
  for (const c of t.client.calls) if (c.verb === 'updateStatus') phases.push((c.body as Pod).status?.phase ?? '');
  assert.equal(phases.at(-1), 'Failed', 'the final status before the deletion: stopped by SIGTERM under Always');
  await assert.rejects(t.cs.pods('default').get('p'), (e) => isApiError(e) && e.code === 'NOT_FOUND');
  const del = t.client.calls.filter((c) => c.verb === 'delete').pop();
  assert.deepEqual(del?.opts, { gracePeriodSeconds: 0, preconditions: { uid: t.pod.metadata.uid } });
  assert.equal((await t.runtime.listContainers()).length, 0);
  assert.equal((await t.runtime.listPodSandboxes()).length, 0);
  assert.ok(t.events.includes('Killing'));
});

void test('PodSyncer: an orphan is stopped and removed', async () => {
  const t = await setup();
  await t.sync(t.pod);
  await t.syncer.removeOrphan(t.pod.metadata.uid ?? '');
  assert.equal((await t.runtime.recover()).length, 0);
});

void test('PodSyncer: a missing ConfigMap key is CreateContainerConfigError with an event; the pod runs once the key exists', async () => {
  const data: Record<string, string> = {};
  const sources = staticEnvSources({ configMaps: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data }] });
  const t = await setup({ containers: [{ name: 'a', image: 'busybox:1.36', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }] }, { envSources: sources });
  await t.sync(t.pod);
  const waiting = (await t.cs.pods('default').get('p')).status?.containerStatuses?.[0]?.state?.waiting;
  assert.deepEqual(waiting, { reason: 'CreateContainerConfigError', message: "couldn't find key k in ConfigMap default/cfg" });
  assert.ok(t.events.includes('Failed'));
  data.k = 'v';
  await t.sync(await t.cs.pods('default').get('p'));
  const [c] = await t.runtime.listContainers();
  assert.equal(c?.state, 'running');
  assert.deepEqual(t.runtime.configOf(c?.id ?? '')?.env.find((e) => e.name === 'K'), { name: 'K', value: 'v' });
});

void test('PodSyncer: the sandbox gets the pod DNS (ClusterFirst), its domain and host aliases', async () => {
  const t = await setup({ subdomain: 'sub', hostAliases: [{ ip: '10.0.0.5', hostnames: ['db'] }] }, { dns: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host: { servers: ['192.0.2.53'], searches: ['lab'], options: [] } } });
  await t.sync(t.pod);
  const [s] = await t.runtime.listPodSandboxes();
  const cfg = t.runtime.sandboxConfigOf(s?.id ?? '');
  assert.deepEqual(cfg?.dns, { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lab'], options: ['ndots:5'] });
  assert.equal(cfg?.domain, 'sub.default.svc.cluster.local');
  assert.deepEqual(cfg?.extraHosts, ['db:10.0.0.5']);
});

async function withProbes(spec: Partial<NonNullable<Pod['spec']>>) {
  let changed = 0;
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  let probes: ProbeManager | undefined;
  const t = await setup(spec, (runtime) => {
    probes = new ProbeManager({ runtime, clock, record: () => undefined, onChange: () => changed++, autoStart: false });
    return { probes };
  });
  return { ...t, probes: probes as ProbeManager, changes: () => changed, latest: () => t.cs.pods('default').get('p') };
}

void test('PodSyncer: a failing liveness probe restarts the container (Killing), restartCount 1', async () => {
  const t = await withProbes({ containers: [{ name: 'a', image: 'busybox:1.36', livenessProbe: { exec: { command: ['check'] } } }] });
  await t.sync(t.pod);
  t.runtime.execHandler = () => ({ exitCode: 1, stdout: 'sick', stderr: '' });
  for (let i = 0; i < 3; i++) await t.probes.probeNow(t.pod.metadata.uid ?? '');
  assert.equal(t.changes(), 1, 'the third failure changes the result');
  await t.sync(await t.latest());
  const s = (await t.latest()).status?.containerStatuses?.[0];
  assert.equal(s?.restartCount, 1);
  assert.ok(s?.state?.running);
  assert.equal(s?.lastState?.terminated?.exitCode, 143, 'stopped with SIGTERM');
  assert.ok(t.events.includes('Killing'));
  t.runtime.execHandler = () => ({ exitCode: 0, stdout: '', stderr: '' });
  await t.probes.probeNow(t.pod.metadata.uid ?? '');
  await t.sync(await t.latest());
  assert.equal((await t.latest()).status?.containerStatuses?.[0]?.restartCount, 1, 'the new instance is healthy: no second restart');
  await t.probes.stop();
});

void test('PodSyncer: readiness gates Ready and ContainersReady', async () => {
  const t = await withProbes({ containers: [{ name: 'a', image: 'busybox:1.36', readinessProbe: { exec: { command: ['ready'] }, failureThreshold: 1 } }] });
  const cond = async (type: string) => (await t.latest()).status?.conditions?.find((c) => c.type === type)?.status;
  await t.sync(t.pod);
  assert.equal(await cond('Ready'), 'False', 'not ready before the first success');
  await t.probes.probeNow(t.pod.metadata.uid ?? '');
  await t.sync(await t.latest());
  assert.equal(await cond('Ready'), 'True');
  assert.equal(await cond('ContainersReady'), 'True');
  t.runtime.execHandler = () => ({ exitCode: 1, stdout: '', stderr: '' });
  await t.probes.probeNow(t.pod.metadata.uid ?? '');
  await t.sync(await t.latest());
  assert.equal(await cond('Ready'), 'False');
  assert.equal((await t.latest()).status?.containerStatuses?.[0]?.ready, false);
  assert.equal((await t.latest()).status?.phase, 'Running');
  await t.probes.stop();
});

void test('PodSyncer: deletion runs preStop before the stop', async () => {
  const t = await setup({ terminationGracePeriodSeconds: 7, containers: [{ name: 'a', image: 'busybox:1.36', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'drain'] } } } }] });
  const ran: string[] = [];
  t.runtime.execHandler = (_id, cmd) => (ran.push(cmd.join(' ')), { exitCode: 0, stdout: '', stderr: '' });
  await t.sync(t.pod);
  await t.cs.pods('default').delete('p');
  await t.sync(await t.cs.pods('default').get('p'));
  assert.deepEqual(ran, ['sh -c drain']);
  await assert.rejects(t.cs.pods('default').get('p'), (e) => isApiError(e) && e.code === 'NOT_FOUND');
});

void test('PodSyncer: a failing postStart hook kills the container (FailedPostStartHook)', async () => {
  const t = await setup({ containers: [{ name: 'a', image: 'busybox:1.36', lifecycle: { postStart: { exec: { command: ['setup'] } } } }] });
  t.runtime.execHandler = () => ({ exitCode: 2, stdout: 'no', stderr: '' });
  await t.sync(t.pod);
  assert.ok(t.events.includes('FailedPostStartHook'));
  const [c] = await t.runtime.listContainers();
  assert.equal(c?.state, 'exited');
});

void test('PodSyncer: activeDeadlineSeconds fails the pod with DeadlineExceeded and stops it', async () => {
  const t = await setup({ activeDeadlineSeconds: 30 });
  const first = await t.sync(t.pod);
  assert.equal(first.retryAfterMs, undefined, 'no start time yet on the first sync');
  const r = await t.sync(await t.cs.pods('default').get('p'));
  assert.equal(r.retryAfterMs, 30_000);
  t.advance(30_000);
  await t.sync(await t.cs.pods('default').get('p'));
  const got = await t.cs.pods('default').get('p');
  assert.equal(got.status?.phase, 'Failed');
  assert.equal(got.status?.reason, 'DeadlineExceeded');
  assert.equal(got.status?.message, 'Pod was active on the node longer than the specified deadline');
  assert.ok((await t.runtime.listContainers()).every((c) => c.state === 'exited'));
  assert.ok(t.events.includes('DeadlineExceeded'));
});

void test('PodSyncer: FallbackToLogsOnError gives a failed container the tail of its log as message', async () => {
  const t = await setup({ restartPolicy: 'Never', containers: [{ name: 'a', image: 'busybox:1.36', terminationMessagePolicy: 'FallbackToLogsOnError' }] });
  await t.sync(t.pod);
  const [c] = await t.runtime.listContainers();
  t.runtime.writeLog(c?.id ?? '', 'stderr', 'panic: no config');
  t.runtime.exitContainer(c?.id ?? '', 2);
  await t.sync(await t.cs.pods('default').get('p'));
  const term = (await t.cs.pods('default').get('p')).status?.containerStatuses?.[0]?.state?.terminated;
  assert.equal(term?.exitCode, 2);
  assert.equal(term?.message, 'panic: no config\n');
});

// the kubelet's killContainer: never less than minimumGracePeriodInSeconds (2 s) unless the grace
// period is an override (the pod's deletion, eviction)
const graceCases: { name: string; spec: Partial<NonNullable<Pod['spec']>>; kill: (t: Awaited<ReturnType<typeof withProbes>>) => Promise<void>; want: number }[] = [
  {
    name: 'a liveness restart with terminationGracePeriodSeconds 0 still gets 2 s',
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'a', image: 'busybox:1.36', livenessProbe: { exec: { command: ['check'] }, failureThreshold: 1 } }] },
    kill: async (t) => {
      t.runtime.execHandler = () => ({ exitCode: 1, stdout: '', stderr: '' });
      await t.probes.probeNow(t.pod.metadata.uid ?? '');
      await t.sync(await t.latest());
    },
    want: 2,
  },
  {
    name: "a liveness probe's own terminationGracePeriodSeconds of 1 becomes 2 s",
    spec: { containers: [{ name: 'a', image: 'busybox:1.36', livenessProbe: { exec: { command: ['check'] }, failureThreshold: 1, terminationGracePeriodSeconds: 1 } }] },
    kill: async (t) => {
      t.runtime.execHandler = () => ({ exitCode: 1, stdout: '', stderr: '' });
      await t.probes.probeNow(t.pod.metadata.uid ?? '');
      await t.sync(await t.latest());
    },
    want: 2,
  },
  {
    name: 'a longer grace period is kept',
    spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'a', image: 'busybox:1.36', livenessProbe: { exec: { command: ['check'] }, failureThreshold: 1 } }] },
    kill: async (t) => {
      t.runtime.execHandler = () => ({ exitCode: 1, stdout: '', stderr: '' });
      await t.probes.probeNow(t.pod.metadata.uid ?? '');
      await t.sync(await t.latest());
    },
    want: 5,
  },
  {
    name: 'a deletion with grace 1 is an override: 1 s',
    spec: { terminationGracePeriodSeconds: 30 },
    kill: async (t) => {
      await t.cs.pods('default').delete('p', { gracePeriodSeconds: 1 });
      await t.sync(await t.latest());
    },
    want: 1,
  },
  {
    name: 'an eviction with grace 0 is an override: 0 s',
    spec: { terminationGracePeriodSeconds: 30 },
    kill: async (t) => {
      t.syncer.markEvicted(t.pod.metadata.uid ?? '', 'low on memory', 0);
      await t.sync(await t.latest());
    },
    want: 0,
  },
];

for (const c of graceCases) {
  void test(`PodSyncer kill grace: ${c.name}`, async () => {
    const t = await withProbes(c.spec);
    await t.sync(t.pod);
    const [first] = await t.runtime.listContainers();
    await c.kill(t);
    assert.equal(t.runtime.stopTimeouts.get(first?.id ?? ''), c.want);
    await t.probes.stop();
  });
}

void test('PodSyncer: a command that is not in the image is RunContainerError with a Failed event, ContainerCannotRun, then CrashLoopBackOff', async () => {
  const t = await setup({ containers: [{ name: 'a', image: 'busybox:1.36', command: ['/no/such/binary'] }] });
  t.runtime.missingExecutables.add('/no/such/binary');
  t.events.length = 0;
  await t.sync(t.pod);
  const first = (await t.cs.pods('default').get('p')).status?.containerStatuses?.[0];
  assert.equal(first?.state?.waiting?.reason, 'RunContainerError');
  assert.match(first?.state?.waiting?.message ?? '', /exec: "\/no\/such\/binary": stat \/no\/such\/binary: no such file or directory/);
  assert.ok(t.events.includes('Failed') && !t.events.includes('Started'), t.events.join(','));
  // the next syncs see the instance that never ran: restarted at once, then backed off
  await t.sync(await t.cs.pods('default').get('p'));
  const r = await t.sync(await t.cs.pods('default').get('p'));
  const s = (await t.cs.pods('default').get('p')).status?.containerStatuses?.[0];
  assert.equal(s?.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.deepEqual([s?.lastState?.terminated?.reason, s?.lastState?.terminated?.exitCode], ['ContainerCannotRun', 127]);
  assert.equal(s?.restartCount, 1);
  assert.ok(r.retryAfterMs !== undefined && r.retryAfterMs > 0 && r.retryAfterMs <= 10_000);
});
