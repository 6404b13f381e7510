// skiff-controller-manager as its own process against a real apiserver and etcd, with two hollow
// nodes and a fake agent in the test (binds each pod to a node, reports it Running and Ready after a
// short delay, removes pods marked for deletion as a kubelet does):
// - `kill -9` of the controller-manager in the middle of a rollout, then a restart: a watcher checks
//   on every revision of the pods (machinery's PodBoundsWatch) that there are never more than replicas + maxSurge pods nor fewer than
//   replicas - maxUnavailable available ones, and the rollout completes;
// - two instances: only the leader reconciles; killing it hands over within the lease duration.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isApiError, type Deployment, type Lease, type Node, type Pod, type ReplicaSet } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { PodBoundsWatch, isReadyPod as isReady, rollingBounds } from '@skiff/machinery/testing';
import { startCluster, type TestCluster } from '../harness/index.js';
import { freePort, killOnExit } from '../harness/etcd.js';
import { waitUntil } from '../harness/eventually.js';

const main = join(fileURLToPath(new URL('../../../', import.meta.url)), 'packages/controller-manager/dist/main.js');
const NS = 'default';
/** Short leader election so that a handover fits a test: lease 3 s, renew deadline 2 s, retry 0.5 s. */
const LEASE_S = 3;
const NODES = ['hollow-a', 'hollow-b'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface CmProcess {
  identity: string;
  http: string;
  proc: ChildProcess;
  output(): string;
  kill9(): Promise<void>;
}

async function spawnControllerManager(server: string, identity: string): Promise<CmProcess> {
  const http = `127.0.0.1:${await freePort()}`;
  const proc = spawn(
    process.execPath,
    [main, '--server', server, '--http-listen', http, '--leader-elect-identity', identity, '--leader-elect-lease-duration', String(LEASE_S), '--leader-elect-renew-deadline', '2', '--leader-elect-retry-period', '0.5', '--controllers', 'replicaset,deployment'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' } },
  );
  killOnExit(proc);
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-6000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    identity,
    http,
    proc,
    output: () => out,
    async kill9() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** The sum of controller_reconcile_total of a process (0 when it never reconciled). */
async function reconciles(cm: CmProcess): Promise<number> {
  const text = await (await fetch(`http://${cm.http}/metrics`)).text();
  return [...text.matchAll(/^controller_reconcile_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

/** The fake agent: binds, then reports Ready after `readyDelayMs`; removes deleted pods at once. */
function startAgent(client: Client, signal: AbortSignal, readyDelayMs: number): Promise<void> {
  const seen = new Map<string, number>();
  let next = 0;
  return (async () => {
    while (!signal.aborted) {
      try {
        for (const p of (await client.list<Pod>('pods', { namespace: NS })).items) {
          const name = p.metadata.name!;
          if (p.metadata.deletionTimestamp) {
            await client.delete('pods', NS, name, { gracePeriodSeconds: 0 }).catch(() => undefined);
          } else if (!p.spec?.nodeName) {
            await client.bind(NS, name, NODES[next++ % NODES.length]!).catch(() => undefined);
          } else if (!isReady(p)) {
            const first = seen.get(name) ?? Date.now();
            seen.set(name, first);
            if (Date.now() - first < readyDelayMs) continue;
            const now = new Date().toISOString();
            p.status = { ...(p.status ?? {}), phase: 'Running', podIP: '10.244.0.9', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
            await client.updateStatus(p).catch(() => undefined);
          }
        }
      } catch {
        // the server goes away at the end of the test
      }
      await sleep(30);
    }
  })();
}

const deployment = (name: string, replicas: number, image: string): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

async function rolledOut(client: Client, name: string, replicas: number): Promise<boolean> {
  const d = await client.get<Deployment>('deployments', NS, name);
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.availableReplicas === replicas && s.replicas === replicas;
}

async function holder(client: Client): Promise<string | undefined> {
  try {
    return (await client.get<Lease>('leases', 'kube-system', 'skiff-controller-manager')).spec?.holderIdentity;
  } catch (e) {
    if (isApiError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

describe('skiff-controller-manager processes: kill -9 and leader handover', () => {
  let cluster: TestCluster;
  const procs: CmProcess[] = [];
  const stop = new AbortController();
  let agent: Promise<void>;
  const cm = async (identity: string): Promise<CmProcess> => {
    const p = await spawnControllerManager(cluster.server.address, identity);
    procs.push(p);
    return p;
  };

  before(async () => {
    cluster = await startCluster();
    for (const name of NODES) {
      await cluster.client.create<Node>({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { pods: '110', cpu: '8', memory: '16Gi' } },
      } as Node);
    }
    agent = startAgent(cluster.client, stop.signal, 250);
  });

  after(async () => {
    stop.abort();
    for (const p of procs) await p.kill9();
    await agent;
    await cluster?.close();
  });

  it('kill -9 in the middle of a rollout: bounds hold throughout, the restarted process completes it', async () => {
    const { client } = cluster;
    const replicas = 6;
    const first = await cm('cm-first');
    await client.create(deployment('crash', replicas, 'app:1'));
    await waitUntil(() => rolledOut(client, 'crash', replicas), 'crash available', 90_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}; status ${JSON.stringify((await client.get<Deployment>('deployments', NS, 'crash')).status)}; pods ${(await client.list<Pod>('pods', { namespace: NS })).items.length}; controller-manager: ${first.output()}`);
    });

    const watch = await PodBoundsWatch.start(client, NS, 'app=crash');
    watch.track(rollingBounds(replicas, 1, 1));
    try {
      await client.patch('deployments', NS, 'crash', { spec: { template: { spec: { containers: [{ name: 'c', image: 'app:2' }] } } } }, { patchType: 'application/strategic-merge-patch+json' });
      // Mid-rollout: the new ReplicaSet has some pods, not all.
      await waitUntil(async () => {
        const rss = (await client.list<ReplicaSet>('replicasets', { namespace: NS, labelSelector: 'app=crash' })).items;
        const fresh = rss.find((r) => r.spec?.template?.spec?.containers[0]?.image === 'app:2');
        const n = fresh?.status?.readyReplicas ?? 0;
        return n >= 2 && n < replicas;
      }, 'the rollout half way', 60_000);
      await first.kill9();
      const partial = (await client.list<ReplicaSet>('replicasets', { namespace: NS, labelSelector: 'app=crash' })).items.map((r) => `${r.spec?.template?.spec?.containers[0]?.image}:${r.spec?.replicas}`);
      assert.ok(!(await rolledOut(client, 'crash', replicas)), `killed before the end (${partial.join(' ')})`);
      // The Lease of the killed process runs out before the restarted one leads.
      await cm('cm-restarted');
      await waitUntil(() => rolledOut(client, 'crash', replicas), 'the rollout to complete after the restart', 90_000);
      await waitUntil(async () => (await client.list<Pod>('pods', { namespace: NS, labelSelector: 'app=crash' })).items.length === replicas, 'old pods gone', 30_000);
    } finally {
      await watch.stop();
    }
    assert.deepEqual(watch.breaches, []);
    assert.equal(watch.relists, 0, 'the watch never broke (no revision unseen)');
    assert.equal(watch.added, replicas, 'it saw every new pod created');
    const pods = (await client.list<Pod>('pods', { namespace: NS, labelSelector: 'app=crash' })).items;
    assert.ok(pods.every((p) => p.spec?.containers[0]?.image === 'app:2'), 'every pod runs the new template');
    assert.equal(await holder(client), 'cm-restarted');
  });

  it('two instances: only the leader acts; killing it hands over within the lease duration', async () => {
    const { client } = cluster;
    for (const p of procs) await p.kill9();
    // Whoever held the Lease before must lose it first: start both, then see who leads.
    const a = await cm('cm-a');
    const b = await cm('cm-b');
    await waitUntil(async () => ['cm-a', 'cm-b'].includes((await holder(client)) ?? ''), 'a leader among the two', 30_000);
    const leader = (await holder(client)) === 'cm-a' ? a : b;
    const standby = leader === a ? b : a;
    await client.create(deployment('ha', 2, 'app:1'));
    await waitUntil(() => rolledOut(client, 'ha', 2), 'ha available', 60_000);
    assert.ok((await reconciles(leader)) > 0, 'the leader reconciles');
    assert.equal(await reconciles(standby), 0, 'the standby does not');

    await leader.kill9();
    const killedAt = Date.now();
    await waitUntil(async () => (await holder(client)) === standby.identity, 'the standby to take the Lease', 30_000, 50);
    const handover = (Date.now() - killedAt) / 1000;
    // Kubernetes' bound: the lease duration after the last renewal, plus one retry period of the standby
    // (and, on a loaded machine, some scheduling slack).
    assert.ok(handover <= LEASE_S + 0.5 + 1.5, `handover took ${handover.toFixed(1)} s (lease ${LEASE_S} s)`);

    await client.updateScale('deployments', { metadata: { name: 'ha', namespace: NS }, spec: { replicas: 4 } });
    await waitUntil(() => rolledOut(client, 'ha', 4), 'the new leader scales', 60_000);
    assert.ok((await reconciles(standby)) > 0, 'the new leader reconciles');
  });
});
