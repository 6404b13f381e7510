// The scale subresource (GetScale / UpdateScale) against the real apiserver: the Scale of a
// Deployment and a ReplicaSet, writes of spec.replicas only (generation moves, status untouched),
// resourceVersion preconditions, validation with field paths, resources without a scale subresource.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, KObject, ReplicaSet } from '@skiff/api';
import { startCluster, type TestCluster } from '../harness/index.js';
import { rejects } from '../harness/api-assert.js';

const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const deployment = (name: string, replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, template: template(name) },
});
const replicaSet = (name: string, replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name) },
});

describe('scale subresource', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.close();
  });

  it('GetScale of a Deployment: replicas, observed replicas, selector string, the object resourceVersion', async () => {
    const d = await c.client.create(deployment('web', 3));
    const s = await c.client.getScale('deployments', 'default', 'web');
    assert.deepEqual(s, {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default', uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion, creationTimestamp: d.metadata.creationTimestamp },
      spec: { replicas: 3 },
      status: { replicas: 0, selector: 'app=web,tier notin (db)' },
    });
  });

  it('UpdateScale writes spec.replicas only: generation moves, the rest stays', async () => {
    const before = await c.client.create(replicaSet('rs1', 2));
    const s = await c.client.updateScale('rs', { metadata: { name: 'rs1', namespace: 'default' }, spec: { replicas: 5 } });
    assert.equal(s.spec?.replicas, 5);
    const after = await c.client.get<ReplicaSet>('replicasets', 'default', 'rs1');
    assert.equal(after.spec?.replicas, 5);
    assert.equal(after.metadata.generation, (before.metadata.generation ?? 1) + 1);
    assert.equal(s.metadata.resourceVersion, after.metadata.resourceVersion);
    assert.deepEqual(after.spec?.template, before.spec?.template);
  });

  it('the Scale resourceVersion is a precondition: a stale one is ABORTED (Conflict), the current one wins', async () => {
    await c.client.create(deployment('rv', 1));
    const s = await c.client.getScale('deploy', 'default', 'rv');
    await c.client.patch('deployments', 'default', 'rv', { metadata: { labels: { moved: 'yes' } } });
    const e = await rejects(c.client.updateScale('deployments', { ...s, spec: { replicas: 4 } }), 'ABORTED');
    assert.equal(e.reason, 'Conflict');
    assert.match(e.message, /Operation cannot be fulfilled on deployments "rv": the object has been modified/);
    const fresh = await c.client.getScale('deployments', 'default', 'rv');
    assert.equal((await c.client.updateScale('deployments', { ...fresh, spec: { replicas: 4 } })).spec?.replicas, 4);
  });

  it('without a resourceVersion, concurrent scales all apply (the server retries conflicts)', async () => {
    await c.client.create(deployment('many', 1));
    const writes = Array.from({ length: 8 }, (_, i) => c.client.updateScale('deployments', { metadata: { name: 'many' }, spec: { replicas: i + 2 } }));
    const done = await Promise.all(writes);
    assert.equal(done.length, 8);
    const final = (await c.client.get<Deployment>('deployments', 'default', 'many')).spec?.replicas;
    assert.ok(done.some((s) => s.spec?.replicas === final), `final ${final}`);
  });

  it('validation: replicas below 0 is Invalid with the field path; dry run writes nothing', async () => {
    await c.client.create(deployment('bad', 2));
    const e = await rejects(c.client.updateScale('deployments', { metadata: { name: 'bad' }, spec: { replicas: -1 } }), 'INVALID_ARGUMENT');
    assert.equal(e.reason, 'Invalid');
    assert.deepEqual(e.fields.map((f: { field: string }) => f.field), ['spec.replicas']);
    assert.match(e.message, /^Scale "bad" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    const dry = await c.client.updateScale('deployments', { metadata: { name: 'bad' }, spec: { replicas: 9 } }, { dryRun: true });
    assert.equal(dry.spec?.replicas, 9);
    assert.equal((await c.client.get<Deployment>('deployments', 'default', 'bad')).spec?.replicas, 2);
  });

  it('NOT_FOUND: a missing object, a resource without a scale subresource; discovery lists scale', async () => {
    await rejects(c.client.getScale('deployments', 'default', 'nope'), 'NOT_FOUND');
    await rejects(c.client.updateScale('deployments', { metadata: { name: 'nope' }, spec: { replicas: 1 } }), 'NOT_FOUND');
    await c.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' } } as KObject);
    const e = await rejects(c.client.getScale('configmaps', 'default', 'cm'), 'NOT_FOUND');
    assert.match(e.message, /configmaps\/scale/);
    const resources = (await c.client.discovery()).resources;
    assert.deepEqual(resources.find((r) => r.name === 'deployments')?.subresources, ['status', 'scale']);
    assert.deepEqual(resources.find((r) => r.name === 'replicasets')?.subresources, ['status', 'scale']);
  });
});
