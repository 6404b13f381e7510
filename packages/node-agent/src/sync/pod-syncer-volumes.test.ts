// PodSyncer with a VolumeManager (temp directory, fake mounter, fake runtime, FakeClient).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '@skiff/api';
import { Clientset } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { StatusManager } from '../status/status-manager.js';
import { FakeConfigSource } from '../volumes/fake-config-source.js';
import { FakeMounter } from '../volumes/mounter.js';
import { VolumeManager } from '../volumes/volume-manager.js';
import { CrashBackoff } from './backoff.js';
import { ImageManager } from './images.js';
import { PodSyncer, VOLUME_RETRY_MS } from './pod-syncer.js';

type Spec = Partial<NonNullable<Pod['spec']>>;

async function withSetup(spec: Spec | ((root: string) => Spec), fn: (t: Awaited<ReturnType<typeof make>>) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'psv-'));
  try {
    await fn(await make(root, typeof spec === 'function' ? spec(root) : spec));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function make(root: string, spec: Spec) {
  const client = new FakeClient();
  const cs = new Clientset(client);
  const now = () => Date.parse('2026-12-03T12:00:00Z');
  const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }], now });
  const events: string[] = [];
  const record = (_p: Pod, _t: string, reason: string, message: string) => events.push(`${reason}: ${message}`);
  const backoff = new CrashBackoff();
  const sources = new FakeConfigSource();
  const mounter = new FakeMounter();
  const volumes = new VolumeManager({ rootDir: root, mounter, sources, node: () => ({ cpuMilli: 1000n, memoryBytes: 1n << 30n, ephemeralStorageBytes: 1n << 30n }), now });
  const statuses = new StatusManager(cs);
  const syncer = new PodSyncer({ runtime, clients: cs, images: new ImageManager(runtime, backoff, record, now), backoff, statuses, record, node: { hostIP: '192.0.2.1', memoryCapacityBytes: 1 << 30 }, runtimeName: 'fake', now, volumes });
  const pod = await cs.pods('default').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox:1.36' }], ...spec } });
  // status writes are batched: each step waits for them before it looks
  const sync = async (p: Pod) => {
    try {
      return await syncer.sync(p);
    } finally {
      await statuses.flush();
    }
  };
  return { cs, runtime, events, sources, mounter, volumes, syncer, sync, pod, root };
}

void test('PodSyncer volumes: a missing ConfigMap keeps the pod in ContainerCreating with FailedMount, then it starts with its mounts', () =>
  withSetup(
    {
      volumes: [{ name: 'cfg', configMap: { name: 'app' } }, { name: 'scratch', emptyDir: {} }],
      containers: [{ name: 'a', image: 'busybox:1.36', volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }, { name: 'scratch', mountPath: '/tmp/s' }] }],
    },
    async (t) => {
      assert.deepEqual(await t.sync(t.pod), { retryAfterMs: VOLUME_RETRY_MS });
      assert.deepEqual(t.events, ['FailedMount: MountVolume.SetUp failed for volume "cfg" : configmap "app" not found']);
      assert.deepEqual(await t.runtime.listPodSandboxes(), [], 'nothing starts before the volumes are ready');
      const waiting = (await t.cs.pods('default').get('p')).status?.containerStatuses?.[0]?.state?.waiting?.reason;
      assert.equal(waiting, 'ContainerCreating');

      t.sources.setConfigMap('default', 'app', { 'app.conf': 'v1' });
      assert.deepEqual(await t.sync(await t.cs.pods('default').get('p')), {});
      const [c] = await t.runtime.listContainers();
      const uid = t.pod.metadata.uid ?? '';
      const dir = path.join(t.root, 'pods', uid, 'volumes');
      const mounts = t.runtime.configOf(c?.id ?? '')?.mounts ?? [];
      assert.ok(mounts.some((m) => m.containerPath === '/dev/termination-log'), 'the termination message file');
      assert.deepEqual(mounts.filter((m) => m.containerPath !== '/dev/termination-log'), [
        { hostPath: path.join(dir, 'kubernetes.io~configmap/cfg'), containerPath: '/etc/app', readOnly: true },
        { hostPath: path.join(dir, 'kubernetes.io~empty-dir/scratch'), containerPath: '/tmp/s', readOnly: false },
        { hostPath: path.join(t.root, 'pods', uid, 'etc-hosts'), containerPath: '/etc/hosts', readOnly: false },
      ]);
      t.sources.setConfigMap('default', 'app', { 'app.conf': 'v2' });
      await t.sync(await t.cs.pods('default').get('p'));
      assert.equal(await readFile(path.join(dir, 'kubernetes.io~configmap/cfg/app.conf'), 'utf8'), 'v2', 'a later sync refreshes the files');
    },
  ));

void test('PodSyncer volumes: a deleted pod leaves no directory or tmpfs behind', () =>
  withSetup({ volumes: [{ name: 's', emptyDir: { medium: 'Memory' } }] }, async (t) => {
    await t.sync(t.pod);
    assert.equal(t.mounter.mounts.size, 1);
    await t.cs.pods('default').delete('p');
    await t.sync(await t.cs.pods('default').get('p'));
    assert.equal(t.mounter.mounts.size, 0);
    await assert.rejects(stat(path.join(t.root, 'pods', t.pod.metadata.uid ?? '')), { code: 'ENOENT' });
  }));

void test('PodSyncer volumes: an orphan removed by uid loses its directory too', () =>
  withSetup({ volumes: [{ name: 's', emptyDir: {} }] }, async (t) => {
    await t.sync(t.pod);
    await t.syncer.removeOrphan(t.pod.metadata.uid ?? '', 0);
    assert.deepEqual(await t.volumes.podUids(), []);
  }));

void test('PodSyncer volumes: a subPath leaving its volume is CreateContainerConfigError', () =>
  withSetup(
    (root) => ({ volumes: [{ name: 'h', hostPath: { path: path.join(root, 'host'), type: 'DirectoryOrCreate' } }], containers: [{ name: 'a', image: 'busybox:1.36', volumeMounts: [{ name: 'h', mountPath: '/x', subPath: 'evil' }] }] }),
    async (t) => {
      await mkdir(path.join(t.root, 'host'));
      await symlink('/etc', path.join(t.root, 'host/evil'));
      await t.sync(t.pod);
      const s = (await t.cs.pods('default').get('p')).status?.containerStatuses?.[0]?.state?.waiting;
      assert.equal(s?.reason, 'CreateContainerConfigError');
      assert.equal(s?.message, `subpath "/etc" not within volume path "${path.join(await realpath(t.root), 'host')}"`);
      assert.deepEqual(await t.runtime.listContainers(), []);
    },
  ));

void test('PodSyncer volumes: an evicted pod is stopped and ends Failed/Evicted, and stays stopped', () =>
  withSetup({ volumes: [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }] }, async (t) => {
    await t.sync(t.pod);
    const uid = t.pod.metadata.uid ?? '';
    const message = 'Usage of EmptyDir volume "d" exceeds the limit "1Mi". ';
    t.syncer.markEvicted(uid, message);
    await t.sync(await t.cs.pods('default').get('p'));
    const got = await t.cs.pods('default').get('p');
    assert.deepEqual([got.status?.phase, got.status?.reason, got.status?.message], ['Failed', 'Evicted', message]);
    assert.ok(t.events.includes(`Evicted: ${message}`));
    assert.deepEqual((await t.runtime.listContainers({ podUid: uid })).map((c) => c.state), ['exited']);
    await t.sync(got);
    assert.deepEqual((await t.runtime.listContainers({ podUid: uid })).map((c) => c.state), ['exited'], 'nothing restarts');
  }));

void test('PodSyncer: terminationMessagePolicy File and FallbackToLogsOnError, as the kubelet reads them', async (t) => {
  const cases: { name: string; policy: 'File' | 'FallbackToLogsOnError'; write?: string; log?: string; exitCode: number; want: string | undefined }[] = [
    { name: 'File: what the container wrote', policy: 'File', write: 'bye\n', exitCode: 0, want: 'bye\n' },
    { name: 'File: the last 4096 bytes of a long message', policy: 'File', write: `${'a'.repeat(100)}${'b'.repeat(4096)}`, exitCode: 1, want: 'b'.repeat(4096) },
    { name: 'File: nothing written, no message (the log is not read)', policy: 'File', log: 'oops', exitCode: 1, want: undefined },
    { name: 'FallbackToLogsOnError: the file wins', policy: 'FallbackToLogsOnError', write: 'from file', log: 'from log', exitCode: 1, want: 'from file' },
    { name: 'FallbackToLogsOnError: an empty file and a failure give the log', policy: 'FallbackToLogsOnError', log: 'from log', exitCode: 2, want: 'from log\n' },
    { name: 'FallbackToLogsOnError: success does not read the log', policy: 'FallbackToLogsOnError', log: 'from log', exitCode: 0, want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () =>
      withSetup({ restartPolicy: 'Never', containers: [{ name: 'a', image: 'busybox:1.36', terminationMessagePolicy: c.policy }] }, async (s) => {
        await s.sync(s.pod);
        const [container] = await s.runtime.listContainers();
        const file = s.runtime.configOf(container?.id ?? '')?.mounts?.find((m) => m.containerPath === '/dev/termination-log')?.hostPath ?? '';
        assert.ok(file.startsWith(path.join(s.root, 'pods', s.pod.metadata.uid ?? '', 'containers', 'a')), file);
        assert.equal((await stat(file)).mode & 0o777, 0o666);
        if (c.write) await writeFile(file, c.write);
        if (c.log) s.runtime.writeLog(container?.id ?? '', 'stdout', c.log);
        s.runtime.exitContainer(container?.id ?? '', c.exitCode);
        s.syncer.invalidate(s.pod.metadata.uid ?? '');
        await s.sync(await s.cs.pods('default').get('p'));
        const terminated = (await s.cs.pods('default').get('p')).status?.containerStatuses?.[0]?.state?.terminated;
        assert.equal(terminated?.exitCode, c.exitCode);
        assert.equal(terminated?.message, c.want);
      }),
    );
  }
});

void test('PodSyncer volumes: every container gets the managed /etc/hosts (the pod IP, its FQDN, the aliases) unless it mounts its own', () =>
  withSetup(
    (root) => ({
      subdomain: 'web',
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['db'] }],
      volumes: [{ name: 'h', hostPath: { path: path.join(root, 'own-hosts'), type: 'FileOrCreate' } }],
      containers: [
        { name: 'a', image: 'busybox:1.36' },
        { name: 'b', image: 'busybox:1.36', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] },
      ],
    }),
    async (t) => {
      await t.sync(t.pod);
      const [sandbox] = await t.runtime.listPodSandboxes();
      const ip = (await t.runtime.podSandboxStatus(sandbox?.id ?? '')).ip ?? '';
      const hostsOf = async (name: string) => {
        const c = (await t.runtime.listContainers()).find((x) => x.name === name);
        return (t.runtime.configOf(c?.id ?? '')?.mounts ?? []).filter((m) => m.containerPath === '/etc/hosts');
      };
      const [a] = await hostsOf('a');
      assert.deepEqual(a, { hostPath: path.join(t.root, 'pods', t.pod.metadata.uid ?? '', 'etc-hosts'), containerPath: '/etc/hosts', readOnly: false });
      const content = await readFile(a?.hostPath ?? '', 'utf8');
      assert.ok(content.startsWith('# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n'), content);
      assert.ok(content.includes(`\n${ip}\tp.web.default.svc.cluster.local\tp\n\n# Entries added by HostAliases.\n10.0.0.5\tdb\n`), content);
      assert.deepEqual((await hostsOf('b')).map((m) => m.hostPath), [path.join(t.root, 'own-hosts')], 'its own mount only');
    },
  ));
