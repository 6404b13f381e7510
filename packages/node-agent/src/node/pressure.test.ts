import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EVICTION_HARD, PressureTracker, observePressure, parseEvictionHard, parseEvictionSoft, readNodeFigures, type NodeFigures } from './pressure.js';
import { nodeConditions } from './node-conditions.js';

const Mi = 1 << 20;
const roomy: NodeFigures = { memoryAvailableBytes: 2048 * Mi, memoryCapacityBytes: 4096 * Mi, nodefsAvailableBytes: 50e9, nodefsCapacityBytes: 100e9, nodefsInodesFree: 5e6, nodefsInodes: 6e6 };

const parseCases: { name: string; spec: string; want: unknown }[] = [
  {
    name: 'the kubelet defaults',
    spec: DEFAULT_EVICTION_HARD,
    want: [
      { signal: 'memory.available', bytes: 100 * Mi },
      { signal: 'nodefs.available', percent: 10 },
      { signal: 'imagefs.available', percent: 15 },
      { signal: 'nodefs.inodesFree', percent: 5 },
    ],
  },
  { name: 'absolute disk threshold', spec: 'nodefs.available<1Gi', want: [{ signal: 'nodefs.available', bytes: 1 << 30 }] },
  { name: 'empty: no thresholds', spec: '', want: [] },
  { name: 'unknown signal', spec: 'pid.available<10', want: 'unsupported eviction signal "pid.available": one of memory.available, nodefs.available, imagefs.available, nodefs.inodesFree' },
  { name: 'not a threshold', spec: 'memory.available=1Gi', want: 'invalid eviction threshold "memory.available=1Gi": want SIGNAL<QUANTITY or SIGNAL<PERCENT%' },
  { name: 'percentage above 100', spec: 'nodefs.available<120%', want: 'invalid percentage in "nodefs.available<120%"' },
  { name: 'a signal twice', spec: 'memory.available<1Gi,memory.available<2Gi', want: 'found duplicate eviction threshold for signal memory.available' },
];
for (const c of parseCases) {
  void test(`parseEvictionHard: ${c.name}`, () => {
    let got: unknown;
    try {
      got = parseEvictionHard(c.spec);
    } catch (e) {
      got = (e as Error).message;
    }
    assert.deepEqual(got, c.want);
  });
}

const softCases: { name: string; spec: string; grace: string; want: unknown }[] = [
  {
    name: 'each threshold with its grace period (Go durations)',
    spec: 'memory.available<1.5Gi,nodefs.available<15%',
    grace: 'memory.available=1m30s,nodefs.available=2m',
    want: [
      { signal: 'memory.available', bytes: 1536 * Mi, gracePeriodMs: 90_000 },
      { signal: 'nodefs.available', percent: 15, gracePeriodMs: 120_000 },
    ],
  },
  { name: 'none', spec: '', grace: '', want: [] },
  { name: 'a threshold without a grace period', spec: 'memory.available<1Gi', grace: 'nodefs.available=1m', want: 'grace period must be specified for the soft eviction threshold memory.available' },
  { name: 'a negative grace period', spec: 'memory.available<1Gi', grace: 'memory.available=-1s', want: 'invalid eviction grace period specified: -1s, must be a positive value' },
  { name: 'a duration without unit', spec: 'memory.available<1Gi', grace: 'memory.available=90', want: 'time: missing unit in duration "90"' },
  { name: 'a grace period of an unknown signal', spec: '', grace: 'pid.available=1m', want: 'unsupported eviction signal "pid.available": one of memory.available, nodefs.available, imagefs.available, nodefs.inodesFree' },
];
for (const c of softCases) {
  void test(`parseEvictionSoft: ${c.name}`, () => {
    let got: unknown;
    try {
      got = parseEvictionSoft(c.spec, c.grace);
    } catch (e) {
      got = (e as Error).message;
    }
    assert.deepEqual(got, c.want);
  });
}

const observeCases: { name: string; figures: Partial<NodeFigures>; want: { memory: boolean; disk: boolean } }[] = [
  { name: 'plenty of everything', figures: {}, want: { memory: false, disk: false } },
  { name: 'memory below 100Mi', figures: { memoryAvailableBytes: 99 * Mi }, want: { memory: true, disk: false } },
  { name: 'memory at exactly 100Mi is no pressure', figures: { memoryAvailableBytes: 100 * Mi }, want: { memory: false, disk: false } },
  { name: 'disk below 10%', figures: { nodefsAvailableBytes: 9e9 }, want: { memory: false, disk: true } },
  { name: 'inodes below 5%', figures: { nodefsInodesFree: 2e5 }, want: { memory: false, disk: true } },
];
for (const c of observeCases) {
  void test(`observePressure: ${c.name}`, () => {
    assert.deepEqual(observePressure({ ...roomy, ...c.figures }, parseEvictionHard(DEFAULT_EVICTION_HARD)), c.want);
  });
}

void test('PressureTracker: a pressure stays for the transition period after it was last seen', () => {
  const tr = new PressureTracker(300_000);
  const steps: [number, boolean, boolean][] = [
    [0, false, false],
    [10_000, true, false],
    [20_000, false, false],
    [309_999, false, false],
    [310_000, false, false],
  ];
  const got = steps.map(([at, memory]) => tr.observe(at, { memory, disk: false }).memoryPressure);
  assert.deepEqual(got, [false, true, true, true, false]);
});

void test('nodeConditions: pressure flags turn MemoryPressure/DiskPressure True with the kubelet reasons, Ready stays True', () => {
  const got = nodeConditions([], { memoryPressure: true, diskPressure: false }, '2026-12-03T12:00:00Z').map((c) => `${c.type}=${c.status} ${c.reason}`);
  assert.deepEqual(got, ['MemoryPressure=True KubeletHasInsufficientMemory', 'DiskPressure=False KubeletHasNoDiskPressure', 'PIDPressure=False KubeletHasSufficientPID', 'Ready=True KubeletReady']);
  const disk = nodeConditions([], { diskPressure: true }, '2026-12-03T12:00:00Z').find((c) => c.type === 'DiskPressure');
  assert.equal(disk?.reason, 'KubeletHasDiskPressure');
});

void test('readNodeFigures: real figures of this machine are sane', async () => {
  const f = await readNodeFigures('/');
  assert.ok(f.memoryCapacityBytes > 0 && f.memoryAvailableBytes > 0 && f.memoryAvailableBytes <= f.memoryCapacityBytes);
  assert.ok(f.nodefsCapacityBytes > 0 && f.nodefsAvailableBytes <= f.nodefsCapacityBytes);
});
