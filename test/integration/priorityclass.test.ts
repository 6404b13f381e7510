// PriorityClass through the real apiserver and etcd: the built-in classes, create / get / list /
// delete, the one-default rule, immutability, pod admission resolving priorityClassName (and refusing
// an unknown class), and `skiffctl get priorityclasses`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isApiError, type KObject, type PodSpec, type PriorityClass } from '@skiff/api';
import { runCli, StringOutput } from '@skiff/skiffctl';
import { startCluster, type TestCluster } from '../harness/index.js';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name },
  value,
  ...extra,
});

const pod = (name: string, spec: Partial<PodSpec> = {}, namespace = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ...spec },
});

/** The ApiError a call rejects with, checked for its code. */
async function rejection(p: Promise<unknown>, code: string): Promise<Error & { code: string; reason: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isApiError(e), String(e));
    assert.equal(e.code, code, e.message);
    return e as Error & { code: string; reason: string };
  }
  assert.fail(`expected ${code}`);
}

describe('PriorityClass through the real apiserver', () => {
  let c: TestCluster;
  let home: string;
  /** What the test created, deleted in `after` even when a test fails. */
  const created: { resource: string; namespace: string; name: string }[] = [];

  const create = async <T extends KObject>(obj: T): Promise<T> => {
    const out = await c.client.create(obj);
    created.push({ resource: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name! });
    return out;
  };
  const cli = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const stdout = new StringOutput();
    const stderr = new StringOutput();
    const code = await runCli(['--server', c.server.address, ...argv], { stdout, stderr, stdin: (async function* () {})() }, { home, env: {} });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };

  before(async () => {
    c = await startCluster();
    home = mkdtempSync(join(tmpdir(), 'skiff-pc-home-'));
  });
  after(async () => {
    for (const o of created.reverse()) await c?.client.delete(o.resource, o.namespace, o.name, { gracePeriodSeconds: 0 }).catch(() => {});
    await c?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('serves the built-in classes from the start', async () => {
    const list = await c.client.list<PriorityClass>('priorityclasses');
    const byName = new Map(list.items.map((p) => [p.metadata.name, p]));
    assert.equal(byName.get('system-cluster-critical')?.value, 2_000_000_000);
    assert.equal(byName.get('system-node-critical')?.value, 2_000_001_000);
    for (const p of byName.values()) {
      assert.equal(p.apiVersion, 'scheduling.k8s.io/v1');
      assert.equal(p.preemptionPolicy, 'PreemptLowerPriority');
      assert.equal(p.metadata.namespace, undefined);
    }
  });

  it('a restarted apiserver leaves the built-ins as they are', async () => {
    const before = await c.client.get('pc', '', 'system-node-critical');
    await c.stopServer();
    await c.restartServer();
    const after = await c.client.get('pc', '', 'system-node-critical');
    assert.equal(after.metadata.uid, before.metadata.uid);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('creates, gets (by resource, short name and kind), lists and deletes a class', async () => {
    const made = await create(pc('high', 1000, { description: 'important' }));
    assert.equal(made.preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(made.globalDefault, undefined);
    for (const r of ['priorityclasses', 'pc', 'PriorityClass', 'priorityclasses.scheduling.k8s.io']) {
      const got = await c.client.get<PriorityClass>(r, '', 'high');
      assert.equal(got.value, 1000, r);
      assert.equal(got.description, 'important');
    }
    // Cluster-scoped: a namespace in the request is ignored.
    assert.equal((await c.client.get('pc', 'kube-system', 'high')).metadata.name, 'high');
    const names = (await c.client.list('pc')).items.map((p) => p.metadata.name);
    assert.deepEqual(names.sort(), ['high', 'system-cluster-critical', 'system-node-critical']);
    await c.client.delete('pc', '', 'high');
    await rejection(c.client.get('pc', '', 'high'), 'NOT_FOUND');
  });

  it('refuses reserved names and values above the user maximum', async () => {
    const reserved = await rejection(c.client.create(pc('system-mine', 10)), 'INVALID_ARGUMENT');
    assert.match(reserved.message, /metadata\.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only/);
    const big = await rejection(c.client.create(pc('huge', 1_000_000_001)), 'INVALID_ARGUMENT');
    assert.match(big.message, /value: Forbidden: maximum allowed value of a user defined priority is 1000000000/);
  });

  it('allows one globalDefault class, refusing a second on create and on update', async () => {
    await create(pc('normal', 100, { globalDefault: true }));
    const second = await rejection(c.client.create(pc('other-default', 5, { globalDefault: true })), 'PERMISSION_DENIED');
    assert.equal(second.reason, 'Forbidden');
    assert.match(second.message, /PriorityClass normal is already marked as default\. Only one default can exist/);
    const low = await create(pc('low', 1));
    await rejection(c.client.update({ ...low, globalDefault: true }), 'PERMISSION_DENIED');
    await rejection(c.client.patch('pc', '', 'low', { globalDefault: true }), 'PERMISSION_DENIED');
    // The default itself may be updated (its description), and once it is no longer the default another may be.
    await c.client.patch('pc', '', 'normal', { description: 'the default' });
    await c.client.patch('pc', '', 'normal', { globalDefault: false });
    await c.client.patch('pc', '', 'low', { globalDefault: true });
    await c.client.patch('pc', '', 'low', { globalDefault: false });
    await c.client.patch('pc', '', 'normal', { globalDefault: true });
  });

  it('keeps value and preemptionPolicy immutable', async () => {
    const v = await rejection(c.client.patch('pc', '', 'low', { value: 2 }), 'INVALID_ARGUMENT');
    assert.match(v.message, /value: Forbidden: may not be changed in an update/);
    const p = await rejection(c.client.patch('pc', '', 'low', { preemptionPolicy: 'Never' }), 'INVALID_ARGUMENT');
    assert.match(p.message, /preemptionPolicy: Invalid value: "Never": field is immutable/);
  });

  it('refuses to delete or change the built-in classes', async () => {
    const del = await rejection(c.client.delete('pc', '', 'system-cluster-critical'), 'PERMISSION_DENIED');
    assert.equal(del.message, 'priorityclasses.scheduling.k8s.io "system-cluster-critical" is forbidden: this is a system priority class and cannot be deleted');
    await rejection(c.client.patch('pc', '', 'system-node-critical', { value: 5 }), 'INVALID_ARGUMENT');
    await rejection(c.client.patch('pc', '', 'system-node-critical', { globalDefault: true }), 'INVALID_ARGUMENT');
    await rejection(c.client.patch('pc', '', 'system-node-critical', { description: 'mine' }), 'INVALID_ARGUMENT');
    assert.equal((await c.client.get<PriorityClass>('pc', '', 'system-node-critical')).value, 2_000_001_000);
  });

  it('resolves a pod\'s priorityClassName into spec.priority and spec.preemptionPolicy', async () => {
    await create(pc('batch', 50, { preemptionPolicy: 'Never' }));
    const cases: { name: string; spec: Partial<PodSpec>; namespace?: string; want: Partial<PodSpec> }[] = [
      { name: 'p-batch', spec: { priorityClassName: 'batch' }, want: { priorityClassName: 'batch', priority: 50, preemptionPolicy: 'Never' } },
      { name: 'p-default', spec: {}, want: { priorityClassName: 'normal', priority: 100, preemptionPolicy: 'PreemptLowerPriority' } },
      { name: 'p-system', spec: { priorityClassName: 'system-node-critical' }, namespace: 'kube-system', want: { priority: 2_000_001_000 } },
      { name: 'p-system-elsewhere', spec: { priorityClassName: 'system-cluster-critical' }, want: { priority: 2_000_000_000 } },
      { name: 'p-same', spec: { priorityClassName: 'batch', priority: 50 }, want: { priority: 50 } },
    ];
    for (const k of cases) {
      const got = await create(pod(k.name, k.spec, k.namespace));
      const spec = got.spec as PodSpec;
      for (const [f, v] of Object.entries(k.want)) assert.deepEqual(spec[f as keyof PodSpec], v, `${k.name}: ${f}`);
    }
    // An update that leaves the resolved fields out keeps them; one that changes them is refused.
    const stored = await c.client.get('pods', 'default', 'p-batch');
    const bare = structuredClone(stored);
    delete (bare.spec as PodSpec).priority;
    delete (bare.spec as PodSpec).preemptionPolicy;
    const updated = await c.client.update({ ...bare, metadata: { ...bare.metadata, labels: { a: 'b' } } });
    assert.equal((updated.spec as PodSpec).priority, 50);
    await rejection(c.client.patch('pods', 'default', 'p-batch', { spec: { priority: 7 } }), 'INVALID_ARGUMENT');
  });

  it('refuses a pod naming an unknown class, or a priority that differs from its class', async () => {
    const unknown = await rejection(c.client.create(pod('p-unknown', { priorityClassName: 'nope' })), 'PERMISSION_DENIED');
    assert.equal(unknown.message, 'pods "p-unknown" is forbidden: no PriorityClass with name nope was found');
    const differs = await rejection(c.client.create(pod('p-differs', { priorityClassName: 'batch', priority: 7 })), 'PERMISSION_DENIED');
    assert.match(differs.message, /the integer value of priority \(7\) must not be provided in pod spec; priority admission controller computed 50/);
    await rejection(c.client.get('pods', 'default', 'p-unknown'), 'NOT_FOUND');
  });

  it('a class created a moment ago resolves at once (the cache is not the only source)', async () => {
    await create(pc('fresh', 7));
    const got = await create(pod('p-fresh', { priorityClassName: 'fresh' }));
    assert.equal((got.spec as PodSpec).priority, 7);
  });

  it('skiffctl get priorityclasses prints kubectl\'s columns', async () => {
    const r = await cli('get', 'priorityclasses');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/);
    const row = (name: string): string[] => lines.find((l) => l.startsWith(`${name} `))?.split(/\s+/) ?? [];
    assert.deepEqual([row('batch')[1], row('batch')[2], row('batch')[4]], ['50', 'false', 'Never']);
    assert.deepEqual([row('normal')[1], row('normal')[2]], ['100', 'true']);
    assert.deepEqual([row('system-node-critical')[1], row('system-node-critical')[4]], ['2000001000', 'PreemptLowerPriority']);
    const short = await cli('get', 'pc', 'batch', '-o', 'name');
    assert.equal(short.stdout, 'priorityclass.scheduling.k8s.io/batch\n');
  });
});
