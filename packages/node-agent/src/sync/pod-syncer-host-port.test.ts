// A hostPort that is already taken on the node (by a process outside Skiff, or by a pod bound
// without the scheduler): the sandbox cannot start, and as the kubelet the pod stays Pending with
// its containers ContainerCreating, a FailedCreatePodSandBox event carries the runtime's error, the
// sync fails (its worker retries with back-off), nothing of the pod is left in the runtime and the
// node's other pods are untouched. Once the port is free the next sync runs the pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerPort, Pod } from '@skiff/api';
import { Clientset } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import { PodSandboxError } from '../errors.js';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { StatusManager } from '../status/status-manager.js';
import { CrashBackoff } from './backoff.js';
import { ImageManager } from './images.js';
import { PodSyncer } from './pod-syncer.js';

function setup() {
  const cs = new Clientset(new FakeClient());
  const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }] });
  const events: { pod: string; reason: string; message: string }[] = [];
  const record = (p: Pod, _t: string, reason: string, message: string) => events.push({ pod: p.metadata.name ?? '', reason, message });
  const backoff = new CrashBackoff();
  const statuses = new StatusManager(cs);
  const syncer = new PodSyncer({
    runtime,
    clients: cs,
    images: new ImageManager(runtime, backoff, record, Date.now),
    backoff,
    statuses,
    record,
    node: { hostIP: '192.0.2.1', memoryCapacityBytes: 1 << 30 },
    runtimeName: 'fake',
    now: Date.now,
  });
  const create = (name: string, ports: ContainerPort[]) =>
    cs.pods('default').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox:1.36', ports }] } });
  // status writes are batched: each step waits for them before it looks
  const sync = async (p: Pod) => {
    try {
      return await syncer.sync(p);
    } finally {
      await statuses.flush();
    }
  };
  return { cs, runtime, events, syncer, sync, create };
}

const cases: { name: string; held: 'outside' | 'pod'; heldIP?: string; ports: ContainerPort[]; error?: RegExp }[] = [
  {
    name: 'held by a process outside Skiff',
    held: 'outside',
    ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }],
    error: /^Failed to create pod sandbox: start sandbox skiff_POD_late_default_[^ ]+: driver failed programming external connectivity on endpoint skiff_POD_late_default_[^ ]+ \([0-9a-f]+\): Error starting userland proxy: listen tcp4 0\.0\.0\.0:8080: bind: address already in use$/,
  },
  {
    name: 'held by a pod bound without the scheduler',
    held: 'pod',
    ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }],
    error: /: Bind for 0\.0\.0\.0:8080 failed: port is already allocated$/,
  },
  { name: 'the same port on another address is free', held: 'outside', heldIP: '127.0.0.1', ports: [{ containerPort: 80, hostPort: 8080, hostIP: '192.0.2.1', protocol: 'TCP' }] },
  { name: 'the same port for UDP is free', held: 'outside', ports: [{ containerPort: 53, hostPort: 8080, protocol: 'UDP' }] },
];

for (const c of cases) {
  void test(`PodSyncer, hostPort in use: ${c.name}`, async () => {
    const t = setup();
    const other = await t.create('other', c.held === 'pod' ? [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] : []);
    await t.sync(other);
    const release = c.held === 'outside' ? t.runtime.hostPorts.holdFromOutside(8080, 'tcp', c.heldIP) : undefined;
    const before = (await t.runtime.listContainers()).map((x) => `${x.id}:${x.state}`);
    const late = await t.create('late', c.ports);

    if (!c.error) {
      await t.sync(late);
      assert.equal((await t.cs.pods('default').get('late')).status?.phase, 'Running');
      return;
    }
    await assert.rejects(t.sync(late), (e: unknown) => e instanceof PodSandboxError && c.error!.test(e.message));
    const failed = t.events.filter((e) => e.reason === 'FailedCreatePodSandBox');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.pod, 'late');
    assert.match(failed[0]!.message, c.error);
    const st = (await t.cs.pods('default').get('late')).status;
    assert.equal(st?.phase, 'Pending');
    assert.deepEqual(st?.containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(st?.containerStatuses?.[0]?.ready, false);
    assert.deepEqual(await t.runtime.listPodSandboxes({ podUid: late.metadata.uid ?? '' }), [], 'no sandbox of the pod is left');
    assert.deepEqual((await t.runtime.listContainers()).map((x) => `${x.id}:${x.state}`), before, 'the other pod is untouched');
    assert.equal((await t.cs.pods('default').get('other')).status?.phase, 'Running');

    // the port is freed: the retried sync runs the pod
    if (release) release();
    else await t.syncer.removeOrphan(other.metadata.uid ?? '', 0);
    await t.sync(await t.cs.pods('default').get('late'));
    assert.equal((await t.cs.pods('default').get('late')).status?.phase, 'Running');
  });
}
