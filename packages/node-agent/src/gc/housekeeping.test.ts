import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '@skiff/api';
import { FakeClock } from '@skiff/machinery/testing';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { FakeConfigSource } from '../volumes/fake-config-source.js';
import { FakeMounter } from '../volumes/mounter.js';
import { VolumeManager } from '../volumes/volume-manager.js';
import { Housekeeping } from './housekeeping.js';

const pod = (uid: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'ns', uid }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 's', secret: { secretName: 'sec' } }] } });

void test('Housekeeping: orphaned pod directories go at once (tmpfs unmounted); directories of known pods or runtime-held pods stay; dead containers wait a minute', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hk-'));
  try {
    const clock = new FakeClock();
    const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }], now: () => clock.now() });
    const mounter = new FakeMounter();
    const sources = new FakeConfigSource();
    sources.setSecret('ns', 'sec', { k: 'v' });
    const volumes = new VolumeManager({ rootDir: root, mounter, sources, node: () => ({ cpuMilli: 0n, memoryBytes: 0n, ephemeralStorageBytes: 0n }), now: () => clock.now() });
    for (const uid of ['known', 'held', 'orphan']) await volumes.mountPod(pod(uid));
    const ref = { uid: 'held', namespace: 'ns', name: 'held' };
    const s = await runtime.runPodSandbox({ pod: ref, attempt: 0, hostname: 'held' });
    for (let i = 0; i < 2; i++) {
      const id = await runtime.createContainer(s.id, { pod: ref, name: 'c', restartCount: i, image: 'busybox:1.36', entrypoint: [], cmd: [], env: [] });
      clock.advance(1000);
      runtime.exitContainer(id, 1);
    }
    const hk = new Housekeeping({ runtime, volumes, podExists: (uid) => uid === 'known', clock });
    await hk.runOnce();
    assert.deepEqual((await volumes.podUids()).sort(), ['held', 'known']);
    assert.equal(mounter.mounts.size, 2);
    assert.equal((await runtime.listContainers()).length, 2, 'no container GC in the first minute');
    clock.advance(60_000);
    await hk.runOnce();
    assert.equal((await runtime.listContainers()).length, 0, 'the pod no longer exists: its dead containers go');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
