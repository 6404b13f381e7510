import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageInfo } from '../runtime/runtime.js';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { bytesToFree, DEFAULT_IMAGE_GC_POLICY, ImageGC, planImageGC, type ImageRecord } from './image-gc.js';

const GB = 1e9;
const freeCases: { name: string; capacity: number; available: number; want: number }[] = [
  { name: 'below 85%: nothing', capacity: 100 * GB, available: 16 * GB, want: 0 },
  { name: 'at 85%: down to 80%', capacity: 100 * GB, available: 15 * GB, want: 5 * GB },
  { name: 'at 95%: down to 80%', capacity: 100 * GB, available: 5 * GB, want: 15 * GB },
  { name: 'no capacity figure', capacity: 0, available: 0, want: 0 },
];
for (const c of freeCases) {
  void test(`bytesToFree: ${c.name}`, () => {
    assert.equal(bytesToFree({ capacityBytes: c.capacity, availableBytes: c.available }, DEFAULT_IMAGE_GC_POLICY), c.want);
  });
}

const img = (id: string, size: number): ImageInfo => ({ id, repoTags: [`${id}:1`], repoDigests: [], sizeBytes: size, entrypoint: [], cmd: [], user: '', env: [] });
const now = 10 * 60_000;
const rec = (firstDetectedMs: number, lastUsedMs = 0): ImageRecord => ({ firstDetectedMs, lastUsedMs });
const images = [img('old', 3 * GB), img('older', 2 * GB), img('used', 9 * GB), img('pause', 1 * GB), img('young', 4 * GB), img('recent', 1 * GB)];
const records = new Map<string, ImageRecord>([
  ['old', rec(0, 60_000)],
  ['older', rec(0, 30_000)],
  ['used', rec(0, now)],
  ['pause', rec(0)],
  ['young', rec(now - 60_000)],
  ['recent', rec(0, 5 * 60_000)],
]);
const planCases: { name: string; toFree: number; want: string[] }[] = [
  { name: 'nothing to free', toFree: 0, want: [] },
  { name: 'least recently used first, until enough', toFree: 4 * GB, want: ['older', 'old'] },
  { name: 'never in use, pinned or younger than MinAge', toFree: 100 * GB, want: ['older', 'old', 'recent'] },
];
for (const c of planCases) {
  void test(`planImageGC: ${c.name}`, () => {
    const got = planImageGC(images, new Set(['used']), new Set(['pause']), records, c.toFree, now, DEFAULT_IMAGE_GC_POLICY).map((i) => i.id);
    assert.deepEqual(got, c.want);
  });
}

void test('ImageGC: on the fake runtime, an unused image goes once the disk is full and MinAge passed; the sandbox image and used ones stay', async () => {
  let t = 0;
  const rt = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }, { ref: 'skiff/pause:0.1' }, { ref: 'unused:1' }], now: () => t });
  const s = await rt.runPodSandbox({ pod: { uid: 'u', namespace: 'ns', name: 'p' }, attempt: 0, hostname: 'p' });
  await rt.createContainer(s.id, { pod: { uid: 'u', namespace: 'ns', name: 'p' }, name: 'c', restartCount: 0, image: 'busybox:1.36', entrypoint: [], cmd: [], env: [] });
  let fs = { capacityBytes: 100 * GB, availableBytes: 50 * GB };
  const gc = new ImageGC({ runtime: rt, fsStats: async () => fs, pinnedRefs: ['skiff/pause:0.1'], now: () => t });
  assert.deepEqual((await gc.collect()).removed, [], 'the disk has room');
  fs = { capacityBytes: 100 * GB, availableBytes: 10 * GB };
  assert.deepEqual((await gc.collect()).removed, [], 'younger than MinAge');
  t += DEFAULT_IMAGE_GC_POLICY.minAgeMs;
  const unusedId = (await rt.inspectImage('unused:1'))?.id;
  assert.deepEqual((await gc.collect()).removed, [unusedId]);
  assert.equal(await rt.inspectImage('unused:1'), undefined);
  assert.ok(await rt.inspectImage('busybox:1.36'));
  assert.ok(await rt.inspectImage('skiff/pause:0.1'));
});
