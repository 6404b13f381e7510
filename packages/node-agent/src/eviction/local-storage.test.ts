import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container, Pod, Volume } from '@skiff/api';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { FakeConfigSource } from '../volumes/fake-config-source.js';
import { FakeMounter } from '../volumes/mounter.js';
import { VolumeManager } from '../volumes/volume-manager.js';
import { diskUsage, LocalStorageEviction } from './local-storage.js';

const Mi = 1 << 20;
const pod = (name: string, volumes: Volume[], phase = 'Running', deleting = false, containers: Container[] = [{ name: 'c' }]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(deleting ? { deletionTimestamp: '2026-12-03T12:00:00Z' } : {}) },
  spec: { containers, volumes },
  status: { phase },
});
const limited = (name: string, limit: string): Container => ({ name, resources: { limits: { 'ephemeral-storage': limit } } });

const cases: { name: string; pod: Pod; usedBytes: number; disk?: Record<string, number>; want: string[]; measured?: string[] }[] = [
  { name: 'under the limit', pod: pod('a', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }]), usedBytes: Mi, want: [] },
  { name: 'over the limit: evicted with the kubelet message', pod: pod('b', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }]), usedBytes: Mi + 4096, want: ['ns/b: Usage of EmptyDir volume "d" exceeds the limit "1Mi". '] },
  { name: 'the limit printed as Kubernetes prints it', pod: pod('b2', [{ name: 'd', emptyDir: { sizeLimit: '0.5Gi' } }]), usedBytes: Mi * 600, want: ['ns/b2: Usage of EmptyDir volume "d" exceeds the limit "512Mi". '] },
  { name: 'no limit', pod: pod('c', [{ name: 'd', emptyDir: {} }]), usedBytes: 100 * Mi, want: [], measured: [] },
  { name: 'memory medium: the tmpfs enforces it', pod: pod('d', [{ name: 'd', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]), usedBytes: 100 * Mi, want: [], measured: [] },
  { name: 'a pod already Failed', pod: pod('e', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }], 'Failed'), usedBytes: 100 * Mi, want: [] },
  { name: 'a pod being deleted', pod: pod('f', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }], 'Running', true), usedBytes: 100 * Mi, want: [] },
  {
    name: 'a container over its own limit (writable layer + logs)',
    pod: pod('g', [], 'Running', false, [limited('small', '10Mi'), limited('big', '1Gi')]),
    usedBytes: 0,
    disk: { small: 11 * Mi, big: 100 * Mi },
    want: ['ns/g: Container small exceeded its local ephemeral storage limit "10Mi". '],
  },
  { name: 'containers within their limits', pod: pod('h', [], 'Running', false, [limited('a', '10Mi'), limited('b', '10Mi')]), usedBytes: 0, disk: { a: 9 * Mi, b: 9 * Mi }, want: [] },
  {
    name: 'the pod over the sum of its limits, its emptyDirs counted (each container within its own)',
    pod: pod('i', [{ name: 'scratch', emptyDir: {} }], 'Running', false, [limited('a', '10Mi'), limited('b', '10Mi'), { name: 'free' }]),
    usedBytes: 8 * Mi,
    disk: { a: 7 * Mi, b: 2 * Mi, free: 4 * Mi },
    want: ['ns/i: Pod ephemeral local storage usage exceeds the total limit of containers 20Mi. '],
    measured: ['scratch'],
  },
  {
    name: 'an emptyDir over its sizeLimit goes first',
    pod: pod('j', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }], 'Running', false, [limited('a', '1Mi')]),
    usedBytes: 2 * Mi,
    disk: { a: 5 * Mi },
    want: ['ns/j: Usage of EmptyDir volume "d" exceeds the limit "1Mi". '],
  },
  {
    name: 'a zero limit: no container check, but the pod total has it (as the kubelet)',
    pod: pod('k', [], 'Running', false, [limited('a', '0')]),
    usedBytes: 0,
    disk: { a: 5 * Mi },
    want: ['ns/k: Pod ephemeral local storage usage exceeds the total limit of containers 0. '],
  },
];
for (const c of cases) {
  void test(`LocalStorageEviction: ${c.name}`, async () => {
    const volumes = new VolumeManager({ rootDir: '/nonexistent', mounter: new FakeMounter(), sources: new FakeConfigSource(), node: () => ({ cpuMilli: 0n, memoryBytes: 0n, ephemeralStorageBytes: 0n }), now: () => 0 });
    const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }] });
    const ref = { uid: c.pod.metadata.uid ?? '', namespace: 'ns', name: c.pod.metadata.name ?? '' };
    const sandbox = await runtime.runPodSandbox({ pod: ref, attempt: 0, hostname: ref.name });
    for (const [i, spec] of (c.pod.spec?.containers ?? []).entries()) {
      const id = await runtime.createContainer(sandbox.id, { pod: ref, name: spec.name, restartCount: 0, image: 'busybox:1.36', entrypoint: [], cmd: ['sh'], env: [] });
      await runtime.startContainer(id);
      runtime.disk.set(id, { rootfsBytes: (c.disk?.[spec.name] ?? 0) - 100, logsBytes: 100 });
      if (i === 0) {
        // an exited instance of the same container does not count
        const old = await runtime.createContainer(sandbox.id, { pod: ref, name: spec.name, restartCount: 1, image: 'busybox:1.36', entrypoint: [], cmd: ['sh'], env: [] });
        await runtime.startContainer(old);
        runtime.exitContainer(old, 1);
        runtime.disk.set(old, { rootfsBytes: 1 << 40 });
      }
    }
    const evicted: string[] = [];
    const asked: string[] = [];
    const e = new LocalStorageEviction({
      pods: () => [c.pod],
      volumes,
      runtime,
      evict: (p, m, grace) => evicted.push(`${p.metadata.name ?? ''}: ${m} (grace ${grace})`),
      usage: async (dir) => {
        asked.push(dir);
        return c.usedBytes;
      },
    });
    assert.deepEqual(await e.check(), c.want);
    assert.deepEqual(evicted, c.want.map((w) => `${w.slice('ns/'.length)} (grace 1)`), 'the kubelet immediate grace period');
    for (const d of asked) assert.match(d, new RegExp(`^/nonexistent/pods/${c.pod.metadata.uid ?? ''}/volumes/kubernetes.io~empty-dir/`));
    if (c.measured) assert.deepEqual(asked.map((d) => path.basename(d)), c.measured);
  });
}

void test('diskUsage: allocated bytes of a tree, symlinks not followed, 0 when absent', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'du-'));
  try {
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub/big'), Buffer.alloc(2 * Mi, 1));
    await symlink('/usr', path.join(dir, 'link'));
    const used = await diskUsage(dir);
    assert.ok(used >= 2 * Mi && used < 2 * Mi + 64 * 1024, `used ${used}`);
    assert.equal(await diskUsage(path.join(dir, 'absent')), 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
