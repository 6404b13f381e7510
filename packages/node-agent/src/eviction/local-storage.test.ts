import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pod, Volume } from '@skiff/api';
import { FakeConfigSource } from '../volumes/fake-config-source.js';
import { FakeMounter } from '../volumes/mounter.js';
import { VolumeManager } from '../volumes/volume-manager.js';
import { diskUsage, LocalStorageEviction } from './local-storage.js';

const Mi = 1 << 20;
const pod = (name: string, volumes: Volume[], phase = 'Running', deleting = false): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(deleting ? { deletionTimestamp: '2026-12-03T12:00:00Z' } : {}) },
  spec: { containers: [{ name: 'c' }], volumes },
  status: { phase },
});

const cases: { name: string; pod: Pod; usedBytes: number; want: string[] }[] = [
  { name: 'under the limit', pod: pod('a', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }]), usedBytes: Mi, want: [] },
  { name: 'over the limit: evicted with the kubelet message', pod: pod('b', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }]), usedBytes: Mi + 4096, want: ['ns/b: Usage of EmptyDir volume "d" exceeds the limit "1Mi". '] },
  { name: 'no limit', pod: pod('c', [{ name: 'd', emptyDir: {} }]), usedBytes: 100 * Mi, want: [] },
  { name: 'memory medium: the tmpfs enforces it', pod: pod('d', [{ name: 'd', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]), usedBytes: 100 * Mi, want: [] },
  { name: 'a pod already Failed', pod: pod('e', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }], 'Failed'), usedBytes: 100 * Mi, want: [] },
  { name: 'a pod being deleted', pod: pod('f', [{ name: 'd', emptyDir: { sizeLimit: '1Mi' } }], 'Running', true), usedBytes: 100 * Mi, want: [] },
];
for (const c of cases) {
  void test(`LocalStorageEviction: ${c.name}`, async () => {
    const volumes = new VolumeManager({ rootDir: '/nonexistent', mounter: new FakeMounter(), sources: new FakeConfigSource(), node: () => ({ cpuMilli: 0n, memoryBytes: 0n, ephemeralStorageBytes: 0n }), now: () => 0 });
    const evicted: string[] = [];
    const asked: string[] = [];
    const e = new LocalStorageEviction({
      pods: () => [c.pod],
      volumes,
      evict: (p, m) => evicted.push(`${p.metadata.name ?? ''}: ${m}`),
      usage: async (dir) => {
        asked.push(dir);
        return c.usedBytes;
      },
    });
    assert.deepEqual(await e.check(), c.want);
    assert.equal(evicted.length, c.want.length);
    for (const d of asked) assert.equal(d, `/nonexistent/pods/${c.pod.metadata.uid ?? ''}/volumes/kubernetes.io~empty-dir/d`);
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
