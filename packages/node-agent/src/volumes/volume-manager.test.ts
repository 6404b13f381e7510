// Every plugin through the VolumeManager on a temp directory (the fake mounter stands for tmpfs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Pod, Volume } from '@skiff/api';
import { FakeConfigSource } from './fake-config-source.js';
import { FakeMounter } from './mounter.js';
import { VolumeManager, type MountResult } from './volume-manager.js';

interface Env {
  root: string;
  host: string;
  mounter: FakeMounter;
  sources: FakeConfigSource;
  manager: VolumeManager;
}

async function withEnv(fn: (e: Env) => Promise<void>): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'vm-'));
  const root = path.join(tmp, 'root');
  const host = path.join(tmp, 'host');
  await mkdir(host);
  const mounter = new FakeMounter();
  const sources = new FakeConfigSource();
  sources.setConfigMap('ns', 'cfg', { 'app.conf': 'color=blue', other: 'x' });
  sources.setSecret('ns', 'sec', { password: 'hunter2' });
  const manager = new VolumeManager({ rootDir: root, mounter, sources, node: () => ({ cpuMilli: 2000n, memoryBytes: 1n << 30n, ephemeralStorageBytes: 1n << 34n }), now: () => Date.parse('2026-12-03T12:00:00Z') });
  try {
    await fn({ root, host, mounter, sources, manager });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function pod(volumes: Volume[], uid = 'uid-1'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '64Mi' } } }], volumes } };
}

const mode = async (p: string) => (await stat(p)).mode & 0o7777;
const volumesOf = (r: MountResult) => {
  assert.ok('volumes' in r, `mount failed: ${JSON.stringify('failed' in r ? r.failed : '')}`);
  return r.volumes;
};
const failuresOf = (r: MountResult) => ('failed' in r ? r.failed.map((f) => `${f.volume}: ${f.message}`) : []);

const cases: { name: string; run: (e: Env) => Promise<void> }[] = [
  {
    name: 'emptyDir on disk: a 0777 directory under the pod',
    run: async (e) => {
      const v = volumesOf(await e.manager.mountPod(pod([{ name: 'scratch', emptyDir: {} }]))).get('scratch');
      assert.equal(v?.path, path.join(e.root, 'pods/uid-1/volumes/kubernetes.io~empty-dir/scratch'));
      assert.equal(v?.readOnly, false);
      assert.equal(await mode(v?.path ?? ''), 0o777);
      assert.equal(e.mounter.mounts.size, 0);
    },
  },
  {
    name: 'emptyDir Memory: a tmpfs of sizeLimit, mounted once',
    run: async (e) => {
      const p = pod([{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }]);
      const v = volumesOf(await e.manager.mountPod(p)).get('mem');
      volumesOf(await e.manager.mountPod(p));
      assert.deepEqual([...e.mounter.mounts], [[v?.path, 16 << 20]]);
    },
  },
  {
    name: 'hostPath DirectoryOrCreate makes the directory; FileOrCreate an empty file',
    run: async (e) => {
      const r = volumesOf(
        await e.manager.mountPod(pod([
          { name: 'd', hostPath: { path: path.join(e.host, 'made/dir'), type: 'DirectoryOrCreate' } },
          { name: 'f', hostPath: { path: path.join(e.host, 'file.log'), type: 'FileOrCreate' } },
        ])),
      );
      assert.equal(r.get('d')?.path, path.join(e.host, 'made/dir'));
      assert.ok((await stat(path.join(e.host, 'made/dir'))).isDirectory());
      assert.equal((await stat(path.join(e.host, 'file.log'))).size, 0);
    },
  },
  {
    name: 'hostPath type checks fail with the kubelet messages',
    run: async (e) => {
      await writeFile(path.join(e.host, 'plain'), 'x');
      const r = await e.manager.mountPod(pod([
        { name: 'a', hostPath: { path: path.join(e.host, 'missing'), type: 'Directory' } },
        { name: 'b', hostPath: { path: path.join(e.host, 'plain'), type: 'Directory' } },
        { name: 'c', hostPath: { path: e.host, type: 'File' } },
        { name: 'd', hostPath: { path: path.join(e.host, 'plain'), type: 'Socket' } },
        { name: 'e', hostPath: { path: path.join(e.host, 'plain'), type: 'File' } },
      ]));
      assert.deepEqual(failuresOf(r), [
        `a: hostPath type check failed: ${path.join(e.host, 'missing')} is not a directory`,
        `b: hostPath type check failed: ${path.join(e.host, 'plain')} is not a directory`,
        `c: hostPath type check failed: ${e.host} is not a file`,
        `d: hostPath type check failed: ${path.join(e.host, 'plain')} is not a socket file`,
      ]);
    },
  },
  {
    name: 'hostPath Socket accepts a socket',
    run: async (e) => {
      const sock = path.join(e.host, 's.sock');
      const server = net.createServer().listen(sock);
      await new Promise((r) => server.once('listening', r));
      try {
        volumesOf(await e.manager.mountPod(pod([{ name: 's', hostPath: { path: sock, type: 'Socket' } }])));
      } finally {
        server.close();
      }
    },
  },
  {
    name: 'configMap: files on disk through ..data, read-only, following an update',
    run: async (e) => {
      const p = pod([{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'app.conf', mode: 0o600 }] } }]);
      const v = volumesOf(await e.manager.mountPod(p)).get('cfg');
      assert.equal(v?.readOnly, true);
      const file = path.join(v?.path ?? '', 'app.conf');
      assert.equal(await readFile(file, 'utf8'), 'color=blue');
      assert.equal(await mode(file), 0o600);
      e.sources.setConfigMap('ns', 'cfg', { 'app.conf': 'color=red' });
      volumesOf(await e.manager.mountPod(p));
      assert.equal(await readFile(file, 'utf8'), 'color=red');
      assert.deepEqual((await readdir(v?.path ?? '')).filter((n) => !n.startsWith('..')), ['app.conf']);
      assert.equal(e.mounter.mounts.size, 0, 'configMaps are on disk');
    },
  },
  {
    name: 'configMap and secret missing: FailedMount messages; optional ones mount empty',
    run: async (e) => {
      const r = await e.manager.mountPod(pod([
        { name: 'a', configMap: { name: 'nope' } },
        { name: 'b', secret: { secretName: 'nope' } },
        { name: 'c', configMap: { name: 'nope', optional: true } },
      ]));
      assert.deepEqual(failuresOf(r), ['a: configmap "nope" not found', 'b: secret "nope" not found']);
    },
  },
  {
    name: 'secret: files on a tmpfs, decoded, defaultMode',
    run: async (e) => {
      const v = volumesOf(await e.manager.mountPod(pod([{ name: 's', secret: { secretName: 'sec', defaultMode: 0o400 } }]))).get('s');
      assert.equal(await readFile(path.join(v?.path ?? '', 'password'), 'utf8'), 'hunter2');
      assert.equal(await mode(path.join(v?.path ?? '', 'password')), 0o400);
      assert.deepEqual([...e.mounter.mounts.keys()], [v?.path]);
    },
  },
  {
    name: 'downwardAPI: labels and a resource, on a tmpfs',
    run: async (e) => {
      const v = volumesOf(
        await e.manager.mountPod(pod([{ name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] } }])),
      ).get('info');
      assert.equal(await readFile(path.join(v?.path ?? '', 'labels'), 'utf8'), 'app="web"');
      assert.equal(await readFile(path.join(v?.path ?? '', 'mem'), 'utf8'), '64');
      assert.equal(e.mounter.mounts.size, 1);
    },
  },
  {
    name: 'projected: a ConfigMap key, a Secret and a label in one tmpfs directory',
    run: async (e) => {
      const v = volumesOf(
        await e.manager.mountPod(pod([
          {
            name: 'all',
            projected: {
              defaultMode: 0o440,
              sources: [
                { configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf' }] } },
                { secret: { name: 'sec' } },
                { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
              ],
            },
          },
        ])),
      ).get('all');
      const read = (f: string) => readFile(path.join(v?.path ?? '', f), 'utf8');
      assert.deepEqual([await read('conf/app.conf'), await read('password'), await read('name')], ['color=blue', 'hunter2', 'p']);
      assert.equal(await mode(path.join(v?.path ?? '', 'password')), 0o440);
      assert.equal(v?.readOnly, true);
      assert.deepEqual([...e.mounter.mounts.keys()], [v?.path]);
      assert.deepEqual(failuresOf(await e.manager.mountPod(pod([{ name: 'x', projected: { sources: [{ secret: { name: 'missing' } }] } }], 'uid-2'))), ['x: secret "missing" not found']);
    },
  },
  {
    name: 'a volume kind without a plugin fails clearly',
    run: async (e) => {
      assert.deepEqual(failuresOf(await e.manager.mountPod(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }]))), ['data: no volume plugin on this node serves volume "data" (persistentVolumeClaim)']);
    },
  },
  {
    name: 'unmountPod unmounts every tmpfs and removes the directory',
    run: async (e) => {
      await e.manager.mountPod(pod([{ name: 's', secret: { secretName: 'sec' } }, { name: 'm', emptyDir: { medium: 'Memory' } }, { name: 'd', emptyDir: {} }]));
      assert.equal(e.mounter.mounts.size, 2);
      await e.manager.unmountPod('uid-1');
      await e.manager.unmountPod('uid-1');
      assert.equal(e.mounter.mounts.size, 0);
      assert.deepEqual(await e.manager.podUids(), []);
    },
  },
  {
    name: 'cleanupOrphans removes only the directories nobody claims',
    run: async (e) => {
      await e.manager.mountPod(pod([{ name: 's', secret: { secretName: 'sec' } }], 'keep-me'));
      await e.manager.mountPod(pod([{ name: 's', secret: { secretName: 'sec' } }], 'orphan'));
      assert.deepEqual(await e.manager.cleanupOrphans((uid) => uid === 'keep-me'), ['orphan']);
      assert.deepEqual(await e.manager.podUids(), ['keep-me']);
      assert.equal(e.mounter.mounts.size, 1);
    },
  },
  {
    name: 'an unsafe uid is refused',
    run: async (e) => {
      await assert.rejects(e.manager.unmountPod('../etc'), /invalid pod uid/);
    },
  },
];
for (const c of cases) void test(`VolumeManager: ${c.name}`, () => withEnv(c.run));
