// The node lifecycle acceptance test, against a real apiserver and etcd with the real scheduler in
// process and three hollow nodes whose agents the test plays (it renews their Leases and reports
// every pod bound to a live node Running and Ready): a node that stops heartbeating goes Unknown after
// the grace period and is tainted; its pods are marked not ready, evicted once their toleration runs
// out and replaced on the other nodes; when it comes back it is untainted. Short flags throughout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, Lease, Node, Pod } from '@skiff/api';
import { type Client, discardLogger } from '@skiff/machinery';
import { run, type RunningControllerManager } from '@skiff/controller-manager';
import { defaultRunConfig, run as runScheduler, type RunningScheduler } from '@skiff/scheduler';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const NS = 'default';
const NODES = ['n1', 'n2', 'n3'];
const UNREACHABLE = 'node.kubernetes.io/unreachable';

const until = (cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> => waitUntil(cond, what, timeoutMs);

function hollowNode(name: string): Node {
  const resources = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date().toISOString() }] },
  } as Node;
}

/** The agents of the live nodes: Leases renewed, bound pods Running and Ready. */
function startAgents(client: Client, alive: Set<string>, signal: AbortSignal): Promise<void> {
  return (async () => {
    let ip = 2;
    while (!signal.aborted) {
      try {
        for (const n of alive) {
          const renewTime = new Date().toISOString();
          await client.patch<Lease>('leases', 'kube-node-lease', n, { spec: { renewTime } }).catch(async () => {
            await client.create<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: n, namespace: 'kube-node-lease' }, spec: { holderIdentity: n, leaseDurationSeconds: 40, renewTime } });
          });
        }
        for (const p of (await client.list<Pod>('pods', { namespace: NS })).items) {
          if (!p.spec?.nodeName || !alive.has(p.spec.nodeName) || p.metadata.deletionTimestamp || p.status?.conditions?.some((c) => c.type === 'Ready')) continue;
          const podIP = `10.244.9.${ip++ % 250}`;
          p.status = { ...(p.status ?? {}), phase: 'Running', podIP, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] };
          await client.updateStatus(p).catch(() => undefined);
        }
      } catch {
        // the server is going away at the end of the test
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}

const taints = async (client: Client, name: string): Promise<string[]> => ((await client.get<Node>('nodes', '', name)).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const ready = async (client: Client, name: string): Promise<string | undefined> => (await client.get<Node>('nodes', '', name)).status?.conditions?.find((c) => c.type === 'Ready')?.status;
const livePods = async (client: Client): Promise<Pod[]> => (await client.list<Pod>('pods', { namespace: NS, labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp);
const isReady = (p: Pod): boolean => !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('skiff-controller-manager: node lifecycle on hollow nodes', () => {
  let cluster: TestCluster;
  let cm: RunningControllerManager;
  let sched: RunningScheduler;
  const stop = new AbortController();
  const alive = new Set(NODES);
  let agents: Promise<void>;

  before(async () => {
    cluster = await startCluster();
    for (const n of NODES) await cluster.client.create(hollowNode(n));
    agents = startAgents(cluster.client, alive, stop.signal);
    sched = await runScheduler({ ...defaultRunConfig, server: cluster.server.address, leaderElect: false, healthPort: 0 }, stop.signal);
    cm = await run(
      {
        server: cluster.server.address,
        httpListen: '',
        leaderElect: false,
        controllers: ['replicaset', 'deployment', 'nodelifecycle', 'taint-eviction-controller'],
        nodeMonitorGracePeriodMs: 2_000,
        nodeMonitorPeriodMs: 200,
        nodeStartupGracePeriodMs: 2_000,
        nodeEvictionRate: 10,
      },
      stop.signal,
      discardLogger(),
    );
  });

  after(async () => {
    stop.abort();
    await cm?.stopped;
    await sched?.stopped;
    await agents;
    await cluster?.close();
  });

  it('a node that stops heartbeating goes NotReady, its pods are replaced on the others after the toleration; back, it is untainted', async () => {
    const { client } = cluster;
    const tolerationSeconds = 3;
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
            tolerations: [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds }],
          },
        },
      },
    };
    await client.create(d);
    await until(async () => {
      const pods = await livePods(client);
      return pods.length === 6 && pods.every(isReady);
    }, 'six ready pods');
    const pods = await livePods(client);
    // Admission added the default not-ready toleration next to the template's own unreachable one.
    assert.deepEqual(pods[0]!.spec?.tolerations?.map((t) => `${t.key}:${t.tolerationSeconds}`).sort(), ['node.kubernetes.io/not-ready:300', `${UNREACHABLE}:${tolerationSeconds}`]);
    // The node that goes silent: the one with the most pods.
    const count = (n: string): number => pods.filter((p) => p.spec?.nodeName === n).length;
    const victim = [...NODES].sort((a, b) => count(b) - count(a))[0]!;
    const onVictim = pods.filter((p) => p.spec?.nodeName === victim).map((p) => p.metadata.name!);

    const stopped = Date.now();
    alive.delete(victim);
    await until(async () => (await ready(client, victim)) === 'Unknown', 'the victim Ready=Unknown', 20_000);
    const unknownAfter = Date.now() - stopped;
    assert.ok(unknownAfter >= 1_500, `Unknown after ${unknownAfter} ms, not before the 2 s grace period`);
    await until(async () => (await taints(client, victim)).join() === `${UNREACHABLE}:NoExecute,${UNREACHABLE}:NoSchedule`, 'the victim tainted');
    await until(async () => {
      const mine = (await client.list<Pod>('pods', { namespace: NS })).items.filter((p) => onVictim.includes(p.metadata.name!));
      return mine.every((p) => !isReady(p));
    }, 'the victim\'s pods not ready');

    await until(async () => {
      const live = await livePods(client);
      return live.length === 6 && live.every(isReady) && live.every((p) => p.spec?.nodeName !== victim);
    }, 'six ready pods on the other nodes', 40_000);
    const replacedAfter = Date.now() - stopped;
    assert.ok(replacedAfter >= 2_000 + tolerationSeconds * 1000 - 500, `replaced after ${replacedAfter} ms: not before the toleration ran out`);
    for (const name of onVictim) {
      const p = await client.get<Pod>('pods', NS, name).catch(() => undefined);
      assert.ok(!p || p.metadata.deletionTimestamp, `${name} evicted`);
    }

    // The victim comes back: its agent renews the Lease and posts Ready=True.
    alive.add(victim);
    const back = await client.get<Node>('nodes', '', victim);
    back.status!.conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }];
    await client.updateStatus(back);
    await until(async () => (await taints(client, victim)).length === 0, 'the victim untainted');
    assert.equal(await ready(client, victim), 'True');
  });
});
