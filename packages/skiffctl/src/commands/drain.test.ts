import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../testing/run.js';

const node = (name: string, unschedulable = false): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { pool: 'a' } }, spec: unschedulable ? { unschedulable: true } : {} });

interface PodOpts {
  owner?: string;
  emptyDir?: boolean;
  phase?: string;
  mirror?: boolean;
  node?: string;
}

const pod = (name: string, o: PodOpts = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner, name: 'x', uid: 'u-1', controller: true }] } : {}),
    ...(o.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc' } } : {}),
  },
  spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'x' }], ...(o.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}) },
  status: { phase: o.phase ?? 'Running' },
});

interface Case {
  name: string;
  argv: string[];
  pods: KObject[];
  stdout: string;
  stderr?: string;
  code?: number;
  /** Pods left afterwards. */
  left: string[];
  cordoned?: boolean;
}

const cases: Case[] = [
  {
    name: 'managed pods are deleted; other nodes untouched',
    argv: ['drain', 'n1', '--grace-period=0'],
    pods: [pod('a', { owner: 'ReplicaSet' }), pod('b', { owner: 'ReplicaSet' }), pod('elsewhere', { owner: 'ReplicaSet', node: 'n2' })],
    stdout: 'node/n1 cordoned\npod/a deleted\npod/b deleted\nnode/n1 drained\n',
    left: ['elsewhere'],
  },
  {
    name: 'an unmanaged pod stops the drain before anything is deleted',
    argv: ['drain', 'n1', '--grace-period=0'],
    pods: [pod('a', { owner: 'ReplicaSet' }), pod('bare')],
    stdout: 'node/n1 cordoned\n',
    stderr:
      'error: unable to drain node "n1" due to error: cannot delete Pods declare no controller (use --force to override): default/bare, continuing command...\n' +
      'There are pending nodes to be drained:\n n1\n' +
      'error: cannot delete Pods declare no controller (use --force to override): default/bare\n',
    code: 1,
    left: ['a', 'bare'],
  },
  {
    name: '--force deletes it with a warning',
    argv: ['drain', 'n1', '--force', '--grace-period=0'],
    pods: [pod('bare')],
    stdout: 'node/n1 cordoned\npod/bare deleted\nnode/n1 drained\n',
    stderr: 'Warning: deleting Pods that declare no controller: default/bare\n',
    left: [],
  },
  {
    name: 'emptyDir needs --delete-emptydir-data',
    argv: ['drain', 'n1', '--grace-period=0'],
    pods: [pod('cache', { owner: 'ReplicaSet', emptyDir: true })],
    stdout: 'node/n1 cordoned\n',
    stderr:
      'error: unable to drain node "n1" due to error: cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache, continuing command...\n' +
      'There are pending nodes to be drained:\n n1\n' +
      'error: cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache\n',
    code: 1,
    left: ['cache'],
  },
  {
    name: '--delete-emptydir-data',
    argv: ['drain', 'n1', '--delete-emptydir-data', '--grace-period=0'],
    pods: [pod('cache', { owner: 'ReplicaSet', emptyDir: true })],
    stdout: 'node/n1 cordoned\npod/cache deleted\nnode/n1 drained\n',
    stderr: 'Warning: deleting Pods with local storage: default/cache\n',
    left: [],
  },
  {
    name: 'DaemonSet pods need --ignore-daemonsets',
    argv: ['drain', 'n1'],
    pods: [pod('ds', { owner: 'DaemonSet' })],
    stdout: 'node/n1 cordoned\n',
    stderr:
      'error: unable to drain node "n1" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds, continuing command...\n' +
      'There are pending nodes to be drained:\n n1\n' +
      'error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds\n',
    code: 1,
    left: ['ds'],
  },
  {
    name: '--ignore-daemonsets leaves them; mirror pods are left; finished pods go regardless',
    argv: ['drain', 'n1', '--ignore-daemonsets', '--grace-period=0'],
    pods: [pod('ds', { owner: 'DaemonSet' }), pod('static', { mirror: true }), pod('done', { phase: 'Succeeded', emptyDir: true })],
    stdout: 'node/n1 cordoned\npod/done deleted\nnode/n1 drained\n',
    stderr: 'Warning: ignoring DaemonSet-managed Pods: default/ds\n',
    left: ['ds', 'static'],
  },
  {
    name: 'two refusals are listed together',
    argv: ['drain', 'n1'],
    pods: [pod('bare'), pod('cache', { owner: 'ReplicaSet', emptyDir: true })],
    stdout: 'node/n1 cordoned\n',
    stderr:
      'error: unable to drain node "n1" due to error: [cannot delete Pods declare no controller (use --force to override): default/bare, cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache], continuing command...\n' +
      'There are pending nodes to be drained:\n n1\n' +
      'error: [cannot delete Pods declare no controller (use --force to override): default/bare, cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache]\n',
    code: 1,
    left: ['bare', 'cache'],
  },
  { name: 'an unknown node', argv: ['drain', 'nope'], pods: [], stdout: '', stderr: 'Error from server (NotFound): nodes "nope" not found\n', code: 1, left: [], cordoned: false },
  { name: '--dry-run=client writes nothing', argv: ['drain', 'n1', '--dry-run=client'], pods: [pod('a', { owner: 'ReplicaSet' })], stdout: 'node/n1 cordoned (dry run)\npod/a deleted (dry run)\nnode/n1 drained (dry run)\n', left: ['a'], cordoned: false },
  { name: 'cordon', argv: ['cordon', 'n1'], pods: [pod('a', { owner: 'ReplicaSet' })], stdout: 'node/n1 cordoned\n', left: ['a'] },
  { name: 'cordon -l', argv: ['cordon', '-l', 'pool=a'], pods: [], stdout: 'node/n1 cordoned\nnode/n2 already cordoned\n', left: [] },
  { name: 'uncordon', argv: ['uncordon', 'n2'], pods: [], stdout: 'node/n2 uncordoned\n', left: [], cordoned: false },
  { name: 'uncordon an uncordoned node', argv: ['uncordon', 'n1'], pods: [], stdout: 'node/n1 already uncordoned\n', left: [], cordoned: false },
  { name: 'drain without a node', argv: ['drain'], pods: [], stdout: '', stderr: "error: USAGE: drain NODE [flags]\nSee 'skiffctl drain -h' for help and examples.\n", code: 1, left: [], cordoned: false },
  { name: 'a node and a selector', argv: ['uncordon', 'n1', '-l', 'pool=a'], pods: [], stdout: '', stderr: "error: cannot specify both a node name and a --selector option\nSee 'skiffctl uncordon -h' for help and examples.\n", code: 1, left: [], cordoned: false },
  { name: 'cordon without a node', argv: ['cordon'], pods: [], stdout: '', stderr: "error: USAGE: cordon NODE [flags]\nSee 'skiffctl cordon -h' for help and examples.\n", code: 1, left: [], cordoned: false },
];

for (const c of cases) {
  test(`drain/cordon: ${c.name}`, async () => {
    const client = new FakeClient({ objects: [node('n1'), node('n2', true), ...c.pods] });
    const r = await run(client, c.argv);
    assert.equal(r.stdout, c.stdout, r.stderr);
    assert.equal(r.stderr, c.stderr ?? '');
    assert.equal(r.code, c.code ?? 0);
    const left = (await client.list('pods')).items.map((p) => p.metadata.name).filter((n) => c.pods.some((p) => p.metadata.name === n));
    assert.deepEqual(left.sort(), c.left);
    assert.equal(!!(client.find('nodes', '', 'n1') as { spec?: { unschedulable?: boolean } }).spec?.unschedulable, c.cordoned ?? true);
  });
}

test('drain: waits for pods in graceful termination to be gone, with their own grace period', async () => {
  const client = new FakeClient({ objects: [node('n1'), pod('a', { owner: 'ReplicaSet' })] });
  const done = run(client, ['drain', 'n1'], {});
  // The pod stays (terminating) until its node agent confirms; here the test plays the agent.
  let terminating: KObject | undefined;
  for (let i = 0; i < 200 && !terminating?.metadata.deletionTimestamp; i++) {
    await new Promise((r) => setTimeout(r, 10));
    terminating = client.find('pods', 'default', 'a');
  }
  assert.ok(terminating?.metadata.deletionTimestamp, 'the pod is terminating');
  await client.delete('pods', 'default', 'a', { gracePeriodSeconds: 0 });
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'node/n1 cordoned\npod/a deleted\nnode/n1 drained\n');
  const del = client.calls.find((x) => x.verb === 'delete' && x.name === 'a');
  assert.equal((del?.opts as { gracePeriodSeconds?: number }).gracePeriodSeconds, undefined, "the pod's own grace period");
});

test('drain: --timeout gives up while a pod is still terminating', async () => {
  const client = new FakeClient({ objects: [node('n1'), pod('a', { owner: 'ReplicaSet' })] });
  const r = await run(client, ['drain', 'n1', '--timeout=200ms']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: unable to drain node "n1" due to error: drain did not complete within 200ms, continuing command...\n/);
});
