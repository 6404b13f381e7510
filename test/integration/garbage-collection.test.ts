// Garbage collection and namespace deletion against a real apiserver and etcd, with the
// controller-manager's replicaset, deployment, garbagecollector and namespace controllers and
// skiffctl in-process: the acceptance lines of issue 12 on deleting Deployments and namespaces.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Deployment, type KObject, type Namespace, type Pod, type ReplicaSet, isApiError, resourceTypes } from '@skiff/api';
import { type Client, discardLogger } from '@skiff/machinery';
import { run, type RunningControllerManager } from '@skiff/controller-manager';
import { StringOutput, runCli } from '@skiff/skiffctl';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const until = (cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> => waitUntil(cond, what, timeoutMs);

const deployment = (namespace: string, name: string, replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
});

async function gone(client: Client, resource: string, namespace: string, name: string): Promise<boolean> {
  try {
    await client.get(resource, namespace, name);
    return false;
  } catch (e) {
    if (isApiError(e, 'NOT_FOUND')) return true;
    throw e;
  }
}

const itemsOf = async <T extends KObject>(client: Client, resource: string, namespace: string, app?: string): Promise<T[]> =>
  (await client.list<T>(resource, { namespace, ...(app ? { labelSelector: `app=${app}` } : {}) })).items;

describe('garbage collection and namespace deletion', () => {
  let cluster: TestCluster;
  let cm: RunningControllerManager;
  let stop = new AbortController();
  const home = mkdtempSync(join(tmpdir(), 'skiff-gc-'));

  const skiffctl = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const stdout = new StringOutput();
    const stderr = new StringOutput();
    const code = await runCli(['--server', cluster.server.address, ...argv], { stdout, stderr, stdin: (async function* () {})() }, { home, env: {} });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };

  /** A Deployment whose pods all exist, and its ReplicaSet. */
  const deployed = async (namespace: string, name: string, replicas: number): Promise<{ rs: ReplicaSet; pods: Pod[] }> => {
    await cluster.client.create(deployment(namespace, name, replicas));
    let out: { rs: ReplicaSet; pods: Pod[] } | undefined;
    await until(async () => {
      const rss = await itemsOf<ReplicaSet>(cluster.client, 'replicasets', namespace, name);
      const pods = await itemsOf<Pod>(cluster.client, 'pods', namespace, name);
      if (rss.length === 1 && pods.length === replicas) out = { rs: rss[0]!, pods };
      return !!out;
    }, `${name}'s ReplicaSet and ${replicas} pods`);
    return out!;
  };

  const startControllerManager = async (): Promise<void> => {
    stop = new AbortController();
    cm = await run(
      { server: cluster.server.address, httpListen: '', leaderElect: false, controllers: ['replicaset', 'deployment', 'garbagecollector', 'namespace'] },
      stop.signal,
      discardLogger(),
    );
  };

  before(async () => {
    cluster = await startCluster();
    await startControllerManager();
  });

  after(async () => {
    stop.abort();
    await cm?.stopped;
    await cluster?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('deleting the Deployment removes its ReplicaSets and pods (background, the default)', async () => {
    const { rs } = await deployed('default', 'bg', 3);
    const r = await skiffctl('delete', 'deployment', 'bg');
    assert.equal(r.code, 0, r.stderr);
    await until(async () => (await gone(cluster.client, 'replicasets', 'default', rs.metadata.name!)) && (await itemsOf(cluster.client, 'pods', 'default', 'bg')).length === 0, 'the ReplicaSet and pods to be collected');
  });

  it('--cascade=foreground: the Deployment goes only after its ReplicaSet and pods', async () => {
    await deployed('default', 'fg', 2);
    const r = await skiffctl('delete', 'deployment', 'fg', '--cascade=foreground');
    assert.equal(r.code, 0, r.stderr);
    await until(async () => {
      if (!(await gone(cluster.client, 'deployments', 'default', 'fg'))) return false;
      // The owner is gone: whatever it waited for must be gone already.
      assert.deepEqual((await itemsOf(cluster.client, 'replicasets', 'default', 'fg')).map((o) => o.metadata.name), []);
      assert.deepEqual((await itemsOf(cluster.client, 'pods', 'default', 'fg')).map((o) => o.metadata.name), []);
      return true;
    }, 'the Deployment to be deleted in the foreground');
  });

  it('--cascade=orphan leaves the ReplicaSet and pods, released from the Deployment', async () => {
    const { rs, pods } = await deployed('default', 'orphan', 2);
    const r = await skiffctl('delete', 'deployment', 'orphan', '--cascade=orphan');
    assert.equal(r.code, 0, r.stderr);
    await until(() => gone(cluster.client, 'deployments', 'default', 'orphan'), 'the Deployment to be deleted');
    await until(async () => !(await cluster.client.get<ReplicaSet>('replicasets', 'default', rs.metadata.name!)).metadata.ownerReferences?.length, 'the ReplicaSet to be released');
    await new Promise((res) => setTimeout(res, 1000));
    const left = await cluster.client.get<ReplicaSet>('replicasets', 'default', rs.metadata.name!);
    assert.equal(left.metadata.uid, rs.metadata.uid);
    const podsLeft = await itemsOf<Pod>(cluster.client, 'pods', 'default', 'orphan');
    assert.deepEqual(podsLeft.map((p) => p.metadata.uid).sort(), pods.map((p) => p.metadata.uid).sort(), 'the same pods, still owned by the ReplicaSet');
    assert.ok(podsLeft.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid && !p.metadata.deletionTimestamp));
    // Clean up: the ReplicaSet takes its pods with it.
    await cluster.client.delete('replicasets', 'default', rs.metadata.name!);
    await until(async () => (await itemsOf(cluster.client, 'pods', 'default', 'orphan')).length === 0, 'the orphaned pods to be collected with their ReplicaSet');
  });

  it('a Deployment deleted while the controller-manager was down: its ReplicaSet and pods are collected after the restart', async () => {
    const { rs } = await deployed('default', 'restart', 2);
    stop.abort();
    await cm.stopped;
    await cluster.client.delete('deployments', 'default', 'restart');
    await new Promise((res) => setTimeout(res, 300));
    assert.equal((await cluster.client.get<ReplicaSet>('replicasets', 'default', rs.metadata.name!)).metadata.uid, rs.metadata.uid, 'nothing collects while it is down');
    await startControllerManager();
    await until(async () => (await gone(cluster.client, 'replicasets', 'default', rs.metadata.name!)) && (await itemsOf(cluster.client, 'pods', 'default', 'restart')).length === 0, 'the ReplicaSet and pods to be collected after the restart');
  });

  it('deleting a namespace with a Deployment, a Service and a ConfigMap in it leaves nothing behind', async () => {
    await cluster.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KObject);
    await deployed('team', 'web', 2);
    await cluster.client.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as KObject);
    await cluster.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'team' }, data: { k: 'v' } } as KObject);
    const r = await skiffctl('delete', 'namespace', 'team');
    assert.equal(r.code, 0, r.stderr);
    await until(() => gone(cluster.client, 'namespaces', '', 'team'), 'the namespace to be deleted');
    for (const t of resourceTypes) {
      if (!t.namespaced) continue;
      assert.deepEqual((await itemsOf(cluster.client, t.resource, 'team')).map((o) => o.metadata.name), [], `${t.resource} left in the deleted namespace`);
    }
    // The name is free again, and a new namespace of that name starts Active and empty.
    const again = await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as Namespace);
    assert.equal(again.status?.phase, 'Active');
    await cluster.client.delete('namespaces', '', 'team');
    await until(() => gone(cluster.client, 'namespaces', '', 'team'), 'the empty namespace to be deleted');
  });
});
