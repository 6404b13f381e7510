import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { VolumeMount } from '@skiff/api';
import { writePayload } from './atomic-writer.js';
import { containerMounts } from './container-mounts.js';
import type { PodVolumes } from './volume-manager.js';

const cases: { name: string; mounts: VolumeMount[]; want: (d: string) => unknown }[] = [
  { name: 'whole volume, read-write', mounts: [{ name: 'data', mountPath: '/data' }], want: (d) => [{ hostPath: `${d}/data`, containerPath: '/data', readOnly: false }] },
  { name: 'readOnly from the mount', mounts: [{ name: 'data', mountPath: '/data', readOnly: true }], want: (d) => [{ hostPath: `${d}/data`, containerPath: '/data', readOnly: true }] },
  { name: 'configMap volumes are always read-only', mounts: [{ name: 'cfg', mountPath: '/etc/app' }], want: (d) => [{ hostPath: `${d}/cfg`, containerPath: '/etc/app', readOnly: true }] },
  { name: 'subPath directory made when missing', mounts: [{ name: 'data', mountPath: '/logs', subPath: 'a/logs' }], want: (d) => [{ hostPath: `${d}/data/a/logs`, containerPath: '/logs', readOnly: false }] },
  {
    name: 'subPath of a configMap key resolves to the current file version',
    mounts: [{ name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' }],
    want: (d) => [{ hostPath: `${d}/cfg/..current/app.conf`, containerPath: '/etc/app.conf', readOnly: true }],
  },
  { name: 'subPath escaping through a symlink is refused', mounts: [{ name: 'data', mountPath: '/x', subPath: 'evil' }], want: (d) => `subpath "${d}/outside" not within volume path "${d}/data"` },
  { name: 'subPath with .. is refused', mounts: [{ name: 'data', mountPath: '/x', subPath: '../cfg' }], want: () => 'invalid subPath "../cfg" of volumeMount "data"' },
  { name: 'subPathExpr expanded from the env', mounts: [{ name: 'data', mountPath: '/logs', subPathExpr: 'pods/$(POD_NAME)' }], want: (d) => [{ hostPath: `${d}/data/pods/web-1`, containerPath: '/logs', readOnly: false }] },
  { name: 'subPathExpr with an empty or unknown variable', mounts: [{ name: 'data', mountPath: '/logs', subPathExpr: '$(NOPE)/$(EMPTY)/$(POD_NAME)' }], want: () => 'missing value for EMPTY, NOPE' },
  { name: 'subPathExpr expanding to ..', mounts: [{ name: 'data', mountPath: '/logs', subPathExpr: '$(UP)/x' }], want: () => 'invalid subPath "../x" of volumeMount "data"' },
  { name: 'unknown volume', mounts: [{ name: 'nope', mountPath: '/x' }], want: () => 'cannot find volume "nope" to mount into container "c"' },
];

for (const c of cases) {
  void test(`containerMounts: ${c.name}`, async () => {
    const tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'cm-')));
    try {
      await mkdir(`${tmp}/data`);
      await mkdir(`${tmp}/outside`);
      await symlink(`${tmp}/outside`, `${tmp}/data/evil`);
      await mkdir(`${tmp}/cfg`);
      await writePayload(`${tmp}/cfg`, new Map([['app.conf', { data: Buffer.from('x'), mode: 0o644 }]]));
      const volumes: PodVolumes = new Map([
        ['data', { path: `${tmp}/data`, readOnly: false }],
        ['cfg', { path: `${tmp}/cfg`, readOnly: true }],
      ]);
      const env = [
        { name: 'POD_NAME', value: 'web-1' },
        { name: 'EMPTY', value: '' },
        { name: 'UP', value: '..' },
      ];
      const got = await containerMounts({ name: 'c', volumeMounts: c.mounts }, volumes, env);
      const shown = 'failed' in got ? got.failed : got.mounts.map((m) => ({ ...m, hostPath: m.hostPath.replace(/\/\.\.\d{4}_[^/]+\//, '/..current/') }));
      assert.deepEqual(shown, c.want(tmp));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
