// skiff-controller-manager against a real apiserver and etcd, with a fake "kubelet" in the test
// that reports every pod Running and Ready through the status subresource: leader election, pod
// replacement (created within 2 s of the delete), scaling, and a rolling update whose bounds a
// watcher checks on every revision of the pods (machinery's PodBoundsWatch).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, Lease, Pod, ReplicaSet } from '@skiff/api';
import { type Client, discardLogger } from '@skiff/machinery';
import { PodBoundsWatch, isReadyPod as isReady, rollingBounds } from '@skiff/machinery/testing';
import { run, type RunningControllerManager } from '@skiff/controller-manager';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const until = (cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> => waitUntil(cond, what, timeoutMs);

const NS = 'default';
/** How soon a deleted pod of a Deployment must have its replacement (Kubernetes: "at once"). */
const REPLACE_WITHIN_MS = 2000;

async function podsOf(client: Client, app: string): Promise<Pod[]> {
  return (await client.list<Pod>('pods', { namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
}

/** The fake kubelet: every pod not yet Ready becomes Running and Ready. */
function startKubelet(client: Client, signal: AbortSignal): Promise<void> {
  return (async () => {
    while (!signal.aborted) {
      try {
        for (const p of (await client.list<Pod>('pods', { namespace: NS })).items) {
          if (isReady(p) || p.metadata.deletionTimestamp) continue;
          const now = new Date().toISOString();
          p.status = { ...(p.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
          await client.updateStatus(p).catch(() => undefined);
        }
      } catch {
        // the server is going away at the end of the test
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

const deployment = (name: string, replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
  },
});

async function rolledOut(client: Client, name: string, replicas: number): Promise<boolean> {
  const d = await client.get<Deployment>('deployments', NS, name);
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.availableReplicas === replicas && s.replicas === replicas;
}

describe('skiff-controller-manager', () => {
  let cluster: TestCluster;
  let cm: RunningControllerManager;
  const stop = new AbortController();
  let kubelet: Promise<void>;

  before(async () => {
    cluster = await startCluster();
    cm = await run({ server: cluster.server.address, httpListen: '127.0.0.1:0', identity: 'cm-test' }, stop.signal, discardLogger());
    kubelet = startKubelet(cluster.client, stop.signal);
  });

  after(async () => {
    stop.abort();
    await cm?.stopped;
    await kubelet;
    await cluster?.close();
  });

  it('leads on the Lease and serves health and metrics', async () => {
    await until(() => cm.isLeader(), 'leadership');
    const lease = await cluster.client.get<Lease>('leases', 'kube-system', 'skiff-controller-manager');
    assert.equal(lease.spec?.holderIdentity, 'cm-test');
    assert.equal((await fetch(`${cm.httpAddress}/healthz`)).status, 200);
    await until(async () => (await fetch(`${cm.httpAddress}/readyz`)).status === 200, 'readyz');
    assert.match(await (await fetch(`${cm.httpAddress}/metrics`)).text(), /process_cpu/);
  });

  it('replaces a deleted pod and scales up and down', async () => {
    const { client } = cluster;
    await client.create(deployment('web', 3));
    await until(() => rolledOut(client, 'web', 3), 'web available');
    const victim = (await podsOf(client, 'web'))[0];
    const watch = await PodBoundsWatch.start(client, NS, 'app=web');
    try {
      const t0 = Date.now();
      await client.delete('pods', NS, victim.metadata.name!);
      await watch.until((w) => w.added === 1, 'a replacement pod', REPLACE_WITHIN_MS);
      assert.ok(Date.now() - t0 <= REPLACE_WITHIN_MS, `replaced after ${Date.now() - t0} ms`);
      assert.equal(watch.relists, 0, 'the watch never broke');
    } finally {
      await watch.stop();
    }
    await until(async () => {
      const pods = await podsOf(client, 'web');
      return pods.length === 3 && pods.every((p) => p.metadata.name !== victim.metadata.name && isReady(p));
    }, 'a replacement pod');
    for (const replicas of [5, 1]) {
      // As `kubectl scale`: a patch, which the server applies to the latest version (the controller
      // writes the Deployment's status meanwhile, so a get-then-update could conflict).
      await client.patch('deployments', NS, 'web', { spec: { replicas } });
      await until(async () => (await rolledOut(client, 'web', replicas)) && (await podsOf(client, 'web')).length === replicas, `scaled to ${replicas}`);
    }
  });

  it('rolls out within replicas + maxSurge and replicas - maxUnavailable', async () => {
    const { client } = cluster;
    const replicas = 4;
    await client.create(deployment('roll', replicas));
    await until(() => rolledOut(client, 'roll', replicas), 'roll available');
    const bounds = rollingBounds(replicas, 1, 1);
    const watch = await PodBoundsWatch.start(client, NS, 'app=roll');
    watch.track(bounds);
    try {
      // As `kubectl set image`: a strategic merge patch of the one container, by name.
      const d = await client.get<Deployment>('deployments', NS, 'roll');
      const container = d.spec!.template.spec!.containers[0].name;
      await client.patch('deployments', NS, 'roll', { spec: { template: { spec: { containers: [{ name: container, image: 'nginx:2' }] } } } }, { patchType: 'application/strategic-merge-patch+json' });
      await until(async () => {
        const rss = (await client.list<ReplicaSet>('replicasets', { namespace: NS, labelSelector: 'app=roll' })).items;
        return rss.length === 2 && (await rolledOut(client, 'roll', replicas)) && rss.some((r) => r.spec?.replicas === 0 && r.status?.replicas === 0);
      }, 'the rollout to finish');
    } finally {
      await watch.stop();
    }
    assert.deepEqual(watch.breaches, []);
    assert.equal(watch.relists, 0, 'the watch never broke (no revision unseen)');
    // It saw the rollout: each new pod created once.
    assert.equal(watch.added, replicas);
    const rss = (await client.list<ReplicaSet>('replicasets', { namespace: NS, labelSelector: 'app=roll' })).items;
    const revs = rss.map((r) => [r.spec?.replicas, r.metadata.annotations?.['deployment.kubernetes.io/revision']]).sort();
    assert.deepEqual(revs, [[0, '1'], [4, '2']]);
    const pods = await podsOf(client, 'roll');
    assert.ok(pods.every((p) => p.spec?.containers[0].image === 'nginx:2'));
  });
});
