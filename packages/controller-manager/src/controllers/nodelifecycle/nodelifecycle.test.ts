import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, Node, NodeCondition, Pod, Taint, Toleration } from '@skiff/api';
import { until, withControllers } from '../test-env.js';
import { unknownConditions } from './health.js';
import { nodeLifecycleController, taintEvictionController } from './index.js';
import { evictionTime } from './taint-eviction.js';
import { desiredTaints, noScheduleTaintKeys } from './taints.js';
import { TokenBucket, zoneRate, zoneState } from './zones.js';

const cond = (type: string, status: string, extra: Partial<NodeCondition> = {}): NodeCondition => ({ type, status, lastHeartbeatTime: '2026-01-01T00:00:00.000Z', lastTransitionTime: '2026-01-01T00:00:00.000Z', ...extra });

const node = (name: string, o: { ready?: string; conditions?: NodeCondition[]; taints?: Taint[]; unschedulable?: boolean; zone?: string } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}`, ...(o.zone ? { labels: { 'topology.kubernetes.io/zone': o.zone } } : {}) },
  spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
  status: { conditions: o.conditions ?? (o.ready ? [cond('Ready', o.ready, { lastHeartbeatTime: new Date().toISOString() })] : []) },
});

describe('node lifecycle taints', () => {
  const cases: { name: string; node: Node; want: string[] }[] = [
    { name: 'a ready node has none', node: node('a', { ready: 'True' }), want: [] },
    { name: 'Ready=False: not-ready', node: node('a', { ready: 'False' }), want: ['node.kubernetes.io/not-ready'] },
    { name: 'Ready=Unknown: unreachable', node: node('a', { ready: 'Unknown' }), want: ['node.kubernetes.io/unreachable'] },
    {
      name: 'pressure conditions and cordon',
      node: node('a', { conditions: [cond('Ready', 'True'), cond('MemoryPressure', 'True'), cond('DiskPressure', 'True'), cond('PIDPressure', 'False'), cond('NetworkUnavailable', 'True')], unschedulable: true }),
      want: ['node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/network-unavailable', 'node.kubernetes.io/unschedulable'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(noScheduleTaintKeys(c.node), c.want));

  const now = '2026-01-02T00:00:00.000Z';
  const taintCases: { name: string; have: Taint[]; noSchedule: string[]; noExecute?: string; want: Taint[] }[] = [
    { name: 'adds both kinds, timeAdded on NoExecute', have: [], noSchedule: ['node.kubernetes.io/unreachable'], noExecute: 'node.kubernetes.io/unreachable', want: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: now }] },
    { name: 'keeps other taints and an existing timeAdded', have: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'T0' }], noSchedule: [], noExecute: 'node.kubernetes.io/unreachable', want: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'T0' }] },
    { name: 'swaps unreachable for not-ready', have: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'T0' }], noSchedule: [], noExecute: 'node.kubernetes.io/not-ready', want: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: now }] },
    { name: 'removes managed taints of a node back to Ready', have: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'T0' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'user', effect: 'NoExecute' }], noSchedule: [], want: [{ key: 'user', effect: 'NoExecute' }] },
  ];
  for (const c of taintCases) it(`desiredTaints: ${c.name}`, () => assert.deepEqual(desiredTaints(node('a', { taints: c.have }), c.noSchedule, c.noExecute, now), c.want));
});

describe('node lifecycle health and zones', () => {
  const now = '2026-01-02T00:00:00.000Z';
  it('unknownConditions: Ready and pressure conditions Unknown, missing ones never updated', () => {
    const got = unknownConditions(node('a', { conditions: [cond('Ready', 'True'), cond('MemoryPressure', 'False'), cond('NetworkUnavailable', 'False')] }), now)!;
    const by = new Map(got.map((c) => [c.type, c]));
    assert.equal(by.get('Ready')!.status, 'Unknown');
    assert.equal(by.get('Ready')!.reason, 'NodeStatusUnknown');
    assert.equal(by.get('Ready')!.message, 'Kubelet stopped posting node status.');
    assert.equal(by.get('Ready')!.lastTransitionTime, now);
    assert.equal(by.get('Ready')!.lastHeartbeatTime, '2026-01-01T00:00:00.000Z');
    assert.equal(by.get('MemoryPressure')!.status, 'Unknown');
    assert.equal(by.get('DiskPressure')!.reason, 'NodeStatusNeverUpdated');
    assert.equal(by.get('NetworkUnavailable')!.status, 'False');
  });
  it('unknownConditions: nothing to change when already Unknown', () => {
    const all = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => cond(t, 'Unknown'));
    assert.equal(unknownConditions(node('a', { conditions: all }), now), undefined);
  });

  const zones: { name: string; ready: number; notReady: number; want: string }[] = [
    { name: 'all ready', ready: 3, notReady: 0, want: 'Normal' },
    { name: 'none ready', ready: 0, notReady: 2, want: 'FullDisruption' },
    { name: 'two of three down is still normal (more than two needed)', ready: 1, notReady: 2, want: 'Normal' },
    { name: 'three of five down', ready: 2, notReady: 3, want: 'PartialDisruption' },
    { name: 'three of ten down', ready: 7, notReady: 3, want: 'Normal' },
  ];
  for (const c of zones) it(`zoneState: ${c.name}`, () => assert.equal(zoneState(c.ready, c.notReady, 0.55), c.want));

  const rates = { nodeEvictionRate: 0.1, secondaryNodeEvictionRate: 0.01, largeClusterSizeThreshold: 50 };
  const rateCases: { name: string; state: 'Normal' | 'PartialDisruption' | 'FullDisruption'; size: number; want: number }[] = [
    { name: 'normal', state: 'Normal', size: 3, want: 0.1 },
    { name: 'full disruption', state: 'FullDisruption', size: 3, want: 0.1 },
    { name: 'partial, small zone: stop', state: 'PartialDisruption', size: 50, want: 0 },
    { name: 'partial, large zone: secondary rate', state: 'PartialDisruption', size: 51, want: 0.01 },
  ];
  for (const c of rateCases) it(`zoneRate: ${c.name}`, () => assert.equal(zoneRate(c.state, c.size, rates), c.want));

  it('TokenBucket: burst 1, then one per 1/qps', () => {
    const b = new TokenBucket(0.1, 0);
    assert.equal(b.tryTake(0), true);
    assert.equal(b.tryTake(5_000), false);
    assert.equal(b.waitMs(5_000), 5_000);
    assert.equal(b.tryTake(10_000), true);
    assert.equal(new TokenBucket(0, 0).tryTake(0), false);
  });
});

describe('taint-based eviction time', () => {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00.000Z' };
  const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2026-01-01T00:01:00.000Z' };
  const tol = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) });
  const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; want: number | undefined }[] = [
    { name: 'no taints', taints: [], want: undefined },
    { name: 'NoSchedule taints do not evict', taints: [{ key: 'x', effect: 'NoSchedule' }], want: undefined },
    { name: 'an untolerated taint: at once', taints: [unreachable], want: -Infinity },
    { name: 'tolerated forever', taints: [unreachable], tolerations: [tol('node.kubernetes.io/unreachable')], want: undefined },
    { name: 'tolerationSeconds from timeAdded', taints: [unreachable], tolerations: [tol('node.kubernetes.io/unreachable', 300)], want: t0 + 300_000 },
    { name: 'the earliest of several taints', taints: [unreachable, notReady], tolerations: [tol('node.kubernetes.io/not-ready', 10), tol('node.kubernetes.io/unreachable', 300)], want: t0 + 70_000 },
    { name: 'the first matching toleration is the one used', taints: [unreachable], tolerations: [{ operator: 'Exists' }, tol('node.kubernetes.io/unreachable', 5)], want: undefined },
    { name: 'one taint tolerated, another not', taints: [unreachable, notReady], tolerations: [tol('node.kubernetes.io/unreachable')], want: -Infinity },
  ];
  for (const c of cases) it(c.name, () => assert.equal(evictionTime(c.taints, c.tolerations, t0), c.want));
});

// ---- the controllers on the fake client, with short flags ----

const lease = (name: string): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString() } });

const pod = (name: string, nodeName: string, tolerations?: Toleration[]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) },
  status: { phase: 'Running', podIP: '10.244.0.5', conditions: [{ type: 'Ready', status: 'True' }] },
});

const fast = { nodeMonitorGracePeriodMs: 1_000, nodeMonitorPeriodMs: 50, nodeStartupGracePeriodMs: 1_000, nodeEvictionRate: 100 };

const taintKeys = (n: Node | undefined): string[] => (n?.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const find = (nodes: Node[], name: string): Node | undefined => nodes.find((n) => n.metadata.name === name);

/** Renews the Leases of `names` every 50 ms (the agents of the live nodes) until stopped. */
function heartbeat(client: { seed<T extends Lease>(o: T): T }, names: () => string[]): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const n of names()) client.seed(lease(n));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: () => {
      stopped = true;
      return loop;
    },
  };
}

describe('nodelifecycle controller', () => {
  it('a silent node goes Unknown and is tainted, its pods not ready; back to Ready it is untainted', async () => {
    const seeds = [node('n1', { ready: 'True' }), node('n2', { ready: 'True' }), node('n3', { ready: 'True' }), lease('n1'), lease('n2'), lease('n3'), pod('p1', 'n1')];
    await withControllers([nodeLifecycleController], seeds, async ({ client }) => {
      const alive = new Set(['n2', 'n3']);
      const beating = heartbeat(client, () => [...alive]);
      try {
      await until(() => condOf(find(client.objects<Node>('nodes'), 'n1'), 'Ready')?.status === 'Unknown', 'n1 Unknown');
      const n1 = find(client.objects<Node>('nodes'), 'n1')!;
      assert.equal(condOf(n1, 'Ready')!.reason, 'NodeStatusUnknown');
      assert.equal(condOf(n1, 'MemoryPressure')!.status, 'Unknown');
      await until(() => taintKeys(find(client.objects<Node>('nodes'), 'n1')).length === 2, 'n1 tainted');
      assert.deepEqual(taintKeys(find(client.objects<Node>('nodes'), 'n1')), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
      await until(() => client.objects<Pod>('pods').find((p) => p.metadata.name === 'p1')?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', 'p1 not ready');
      assert.deepEqual(taintKeys(find(client.objects<Node>('nodes'), 'n2')), []);

      // The agent comes back: Lease renewed and Ready=True posted.
      alive.add('n1');
      const back = find(client.objects<Node>('nodes'), 'n1')!;
      client.seed({ ...back, status: { conditions: [cond('Ready', 'True', { lastHeartbeatTime: new Date().toISOString() })] } });
      await until(() => taintKeys(find(client.objects<Node>('nodes'), 'n1')).length === 0, 'n1 untainted');
      } finally {
        await beating.stop();
      }
    }, undefined, fast);
  });

  it('an agent reporting Ready=False gets the not-ready taints', async () => {
    const seeds = [node('n1', { ready: 'False' }), node('n2', { ready: 'True' }), node('n3', { ready: 'True' }), lease('n1'), lease('n2'), lease('n3')];
    await withControllers([nodeLifecycleController], seeds, async ({ client }) => {
      const beating = heartbeat(client, () => ['n1', 'n2', 'n3']);
      try {
      await until(() => taintKeys(find(client.objects<Node>('nodes'), 'n1')).length === 2, 'n1 tainted');
      assert.deepEqual(taintKeys(find(client.objects<Node>('nodes'), 'n1')), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
      assert.equal(condOf(find(client.objects<Node>('nodes'), 'n1'), 'Ready')!.status, 'False');
      } finally {
        await beating.stop();
      }
    }, undefined, fast);
  });

  it('every zone fully disrupted: no NoExecute taint (the controller may be the one cut off)', async () => {
    await withControllers([nodeLifecycleController], [node('n1', { ready: 'True' }), node('n2', { ready: 'True' })], async ({ client }) => {
      await until(() => client.objects<Node>('nodes').every((n) => taintKeys(n).includes('node.kubernetes.io/unreachable:NoSchedule')), 'both Unknown');
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(client.objects<Node>('nodes').every((n) => !taintKeys(n).some((k) => k.endsWith('NoExecute'))), 'no NoExecute taint');
    }, undefined, fast);
  });

  it('NoExecute tainting is rate-limited per zone', async () => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
    const seeds = [...names.map((n) => node(n, { ready: 'True' })), ...names.map(lease)];
    await withControllers([nodeLifecycleController], seeds, async ({ client }) => {
      const beating = heartbeat(client, () => ['n3', 'n4', 'n5', 'n6']);
      try {
      const tainted = (n: string) => taintKeys(find(client.objects<Node>('nodes'), n)).includes('node.kubernetes.io/unreachable:NoExecute');
      await until(() => tainted('n1') && tainted('n2'), 'both tainted', 10_000);
      const added = ['n1', 'n2'].map((n) => Date.parse(find(client.objects<Node>('nodes'), n)!.spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!)).sort();
      assert.ok(added[1]! - added[0]! >= 900, `taints ${added[1]! - added[0]!} ms apart at 1 node/s`);
      } finally {
        await beating.stop();
      }
    }, undefined, { ...fast, nodeEvictionRate: 1 });
  });
});

describe('taint-eviction-controller', () => {
  it('deletes pods not tolerating the taint at once, the others when their tolerationSeconds run out', async () => {
    const tol = (seconds?: number): Toleration[] => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) }];
    const tainted = node('n1', { ready: 'Unknown', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: new Date().toISOString() }] });
    const seeds = [tainted, node('n2', { ready: 'True' }), pod('none', 'n1'), pod('short', 'n1', tol(1)), pod('forever', 'n1', tol()), pod('elsewhere', 'n2')];
    await withControllers([taintEvictionController], seeds, async ({ client }) => {
      const start = Date.now();
      const gone = (n: string) => { const p = client.objects<Pod>('pods').find((x) => x.metadata.name === n); return !p || !!p.metadata.deletionTimestamp; };
      await until(() => gone('none'), 'the untolerating pod evicted');
      assert.ok(!gone('short'), 'short not yet');
      await until(() => gone('short'), 'short evicted after 1 s', 5_000);
      assert.ok(Date.now() - start >= 800, 'short waited for its toleration');
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(!gone('forever') && !gone('elsewhere'), 'forever and elsewhere stay');
      const events = client.objects<{ reason?: string } & Pod>('events').filter((e) => e.reason === 'TaintManagerEviction');
      assert.equal(events.length, 2);
    });
  });
});

function condOf(n: Node | undefined, type: string): NodeCondition | undefined {
  return n?.status?.conditions?.find((c) => c.type === type);
}
