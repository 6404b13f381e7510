import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictionReservation, parseReserved, sumReservations } from './allocatable.js';
import { nodeObject, type NodeFactsInput } from './node-facts.js';
import { DEFAULT_EVICTION_HARD, parseEvictionHard, parseEvictionSoft } from './pressure.js';

const facts: NodeFactsInput = {
  nodeName: 'n1',
  nodeIP: '192.0.2.1',
  cpus: 2,
  memoryBytes: 4 * 1024 ** 3,
  ephemeralStorageBytes: 20 * 1024 ** 3 + 100,
  kernelVersion: '6.1.0',
  osImage: 'Debian',
  containerRuntimeVersion: 'docker://24.0.7',
  machineID: 'm',
  bootID: 'b',
  arch: 'amd64',
};
const capacity = { cpuMilli: 2000n, memoryBytes: 4n * 1024n ** 3n, ephemeralStorageBytes: 20n * 1024n ** 3n };

const cases: { name: string; kube?: string; system?: string; evictionHard?: string; evictionSoft?: [string, string]; want: Record<string, string> }[] = [
  { name: 'no reservation, no thresholds: allocatable = capacity', want: { cpu: '2', memory: '4194304Ki', 'ephemeral-storage': '20971520Ki', pods: '110' } },
  {
    name: "the kubelet's default hard thresholds: memory - 100Mi, ephemeral-storage - 10 % (imagefs and inodes reserve nothing)",
    evictionHard: DEFAULT_EVICTION_HARD,
    want: { cpu: '2', memory: '4091904Ki', 'ephemeral-storage': '18874368Ki', pods: '110' },
  },
  {
    name: 'kube-reserved and system-reserved add up, with the thresholds',
    kube: 'cpu=100m,memory=256Mi,ephemeral-storage=1Gi,pid=1000',
    system: 'cpu=0.5,memory=1G',
    evictionHard: 'memory.available<100Mi',
    want: { cpu: '1400m', memory: String(4 * 1024 ** 3 - 256 * 1024 ** 2 - 1e9 - 100 * 1024 ** 2), 'ephemeral-storage': '19922944Ki', pods: '110' },
  },
  { name: 'a percentage of memory', evictionHard: 'memory.available<5%', want: { cpu: '2', memory: String(4 * 1024 ** 3 - Math.floor(0.05 * 4 * 1024 ** 3)), 'ephemeral-storage': '20971520Ki', pods: '110' } },
  { name: 'soft thresholds reserve nothing', evictionSoft: ['memory.available<1Gi', 'memory.available=1m'], want: { cpu: '2', memory: '4194304Ki', 'ephemeral-storage': '20971520Ki', pods: '110' } },
  { name: 'more reserved than there is: zero, never negative', kube: 'cpu=3,memory=8Gi', want: { cpu: '0', memory: '0Ki', 'ephemeral-storage': '20971520Ki', pods: '110' } },
];

for (const c of cases) {
  void test(`allocatable: ${c.name}`, () => {
    const thresholds = [...parseEvictionHard(c.evictionHard ?? ''), ...(c.evictionSoft ? parseEvictionSoft(...c.evictionSoft) : [])];
    const reservation = sumReservations(parseReserved('kube-reserved', c.kube ?? ''), parseReserved('system-reserved', c.system ?? ''), evictionReservation(thresholds, capacity));
    const n = nodeObject({ ...facts, reservation });
    assert.deepEqual(n.status?.capacity, { cpu: '2', memory: '4194304Ki', 'ephemeral-storage': '20971520Ki', pods: '110' });
    assert.deepEqual(n.status?.allocatable, c.want);
  });
}

const bad: { name: string; spec: string; error: RegExp }[] = [
  { name: 'a resource the kubelet cannot reserve', spec: 'gpu=1', error: /^--kube-reserved: cannot reserve "gpu" resource$/ },
  { name: 'a bad quantity', spec: 'memory=lots', error: /^--kube-reserved: failed to parse quantity "lots" for "memory" resource/ },
  { name: 'a negative quantity', spec: 'cpu=-1', error: /^--kube-reserved: resource quantity for "cpu" cannot be negative: -1$/ },
  { name: 'no "="', spec: 'cpu', error: /^--kube-reserved: malformed pair "cpu", expect string=string$/ },
];
for (const c of bad) {
  void test(`parseReserved: ${c.name}`, () => {
    assert.throws(() => parseReserved('kube-reserved', c.spec), { message: c.error });
  });
}
