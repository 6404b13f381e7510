// The registry's write semantics against a real apiserver and etcd (issue 9): no-op updates,
// preconditions, contention, DeleteCollection, strategic merge patch, Service type changes, the
// apiserver's own default/kubernetes Service, namespace and Service defaults.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { KObject } from '@skiff/api';
import { fromGrpcError, resourcesServiceDefinition } from '@skiff/machinery';
import { startCluster, type TestCluster } from '../harness/index.js';
import { rejects } from '../harness/api-assert.js';
import { Recorder } from './watch-helpers.js';

/** A call the typed client does not offer (strategic merge patch, DeleteCollection). */
function rawCall<T>(address: string, method: string, request: unknown): Promise<T> {
  const def = resourcesServiceDefinition()[method]!;
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<T>((resolve, reject) =>
    client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, (err, res) => {
      client.close();
      if (err) reject(fromGrpcError(err));
      else resolve(res as T);
    }),
  );
}

const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
const objects: Record<string, (name: string) => KObject> = {
  deployments: (name) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { selector: { matchLabels: { app: 'a' } }, template } }) as KObject,
  replicasets: (name) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { selector: { matchLabels: { app: 'a' } }, template } }) as KObject,
  services: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } }) as KObject,
  configmaps: (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } }) as KObject,
  pods: (name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'i' }] } }) as KObject,
};

const svc = (name: string, spec: object): KObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } }) as KObject;
type Spec = Record<string, any>;

describe('registry behaviours', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.close();
  });

  for (const resource of Object.keys(objects)) {
    it(`a no-op update of ${resource} writes nothing: same resourceVersion, no MODIFIED`, async () => {
      const created = await c.client.create(objects[resource]!(`noop-${resource}`));
      const rec = new Recorder(c.client, resource, { namespace: 'default', resourceVersion: created.metadata.resourceVersion! });
      try {
        const same = await c.client.update(created);
        assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
        const patched = await c.client.patch(resource, 'default', created.metadata.name!, { metadata: { labels: {} } });
        assert.equal(patched.metadata.resourceVersion, created.metadata.resourceVersion);
        const changed = await c.client.patch(resource, 'default', created.metadata.name!, { metadata: { labels: { changed: 'yes' } } });
        assert.notEqual(changed.metadata.resourceVersion, created.metadata.resourceVersion);
        await rec.waitFor(1);
        assert.deepEqual(rec.seen, [{ type: 'MODIFIED', name: created.metadata.name, rv: changed.metadata.resourceVersion }]);
      } finally {
        await rec.stop();
      }
    });
  }

  it('preconditions: an update with another uid is a Conflict; a create with a resourceVersion is refused', async () => {
    const o = await c.client.create(objects.configmaps!('uid'));
    const e = await rejects(c.client.update({ ...o, metadata: { ...o.metadata, uid: '6a1f2b47-0000-4000-8000-000000000000', resourceVersion: '' } }), 'ABORTED');
    assert.match(e.message, /UID in precondition/);
    const bad = await rejects(c.client.create({ ...objects.configmaps!('with-rv'), metadata: { name: 'with-rv', resourceVersion: '12' } } as KObject), 'INVALID_ARGUMENT');
    assert.equal(bad.fields[0].field, 'metadata.resourceVersion');
  });

  it('64 concurrent merge patches of one object all apply', async () => {
    await c.client.create(objects.configmaps!('contended'));
    const n = 64;
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => c.client.patch('configmaps', 'default', 'contended', { metadata: { labels: { [`l${i}`]: 'x' } }, data: { [`k${i}`]: String(i) } })),
    );
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failed, []);
    const got = (await c.client.get('configmaps', 'default', 'contended')) as KObject & { data: Record<string, string> };
    assert.equal(Object.keys(got.metadata.labels ?? {}).length, n);
    assert.equal(Object.keys(got.data).length, n + 1);
  });

  it('DeleteCollection by label selector and by field selector; listed in discovery', async () => {
    await c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dc' } } as KObject);
    for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db'], ['d', 'db']] as const) {
      await c.client.create({ ...objects.configmaps!(name), metadata: { name, namespace: 'dc', labels: { tier } } } as KObject);
    }
    const byLabel = await rawCall<{ items?: { object: KObject; pending?: boolean }[] }>(c.server.address, 'DeleteCollection', { resource: 'configmaps', namespace: 'dc', labelSelector: 'tier=web' });
    assert.deepEqual(byLabel.items!.map((i) => [i.object.metadata.name, !!i.pending]), [['a', false], ['b', false]]);
    const byField = await rawCall<{ items?: { object: KObject }[] }>(c.server.address, 'DeleteCollection', { resource: 'configmaps', namespace: 'dc', fieldSelector: 'metadata.name=c' });
    assert.deepEqual(byField.items!.map((i) => i.object.metadata.name), ['c']);
    const left = await c.client.list('configmaps', { namespace: 'dc' });
    assert.deepEqual(left.items.map((o) => o.metadata.name), ['d']);
    await rejects(rawCall(c.server.address, 'DeleteCollection', { resource: 'configmaps', namespace: 'dc', labelSelector: 'tier in (' }), 'INVALID_ARGUMENT');
    const all = await rawCall<{ items?: unknown[] }>(c.server.address, 'DeleteCollection', { resource: 'configmaps', namespace: 'dc' });
    assert.equal(all.items?.length, 1);
    const discovery = await c.client.discovery();
    assert.ok(discovery.resources.find((r) => r.name === 'configmaps')!.verbs.includes('deletecollection'));
  });

  it('a strategic merge patch of one container keeps the others', async () => {
    const podSpec = { containers: [{ name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }] }, { name: 'sidecar', image: 'side:1' }] };
    await c.client.create({ ...objects.deployments!('smp'), spec: { selector: { matchLabels: { app: 'a' } }, template: { ...template, spec: podSpec } } } as KObject);
    const patch = { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }] }] } } } };
    const got = await rawCall<KObject>(c.server.address, 'Patch', {
      resource: 'deployments',
      namespace: 'default',
      name: 'smp',
      patchType: 'application/strategic-merge-patch+json',
      patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    });
    assert.equal(got.metadata.generation, 2);
    const containers = (got.spec as Spec).template.spec.containers as { name: string; image: string; env?: { name: string }[] }[];
    assert.deepEqual(containers.map((x) => [x.name, x.image]), [['app', 'app:2'], ['sidecar', 'side:1']]);
    assert.deepEqual(containers[0]!.env!.map((e) => e.name), ['A', 'B']);
    const jsonPatch = rawCall(c.server.address, 'Patch', { resource: 'deployments', namespace: 'default', name: 'smp', patchType: 'application/json-patch+json', patch: Buffer.from('[]').toString('base64') });
    const e = await rejects(jsonPatch, 'INVALID_ARGUMENT');
    assert.equal(e.fields[0].field, 'patchType');
  });

  it('a patch that renames the object is refused', async () => {
    await c.client.create(objects.configmaps!('named'));
    const e = await rejects(c.client.patch('configmaps', 'default', 'named', { metadata: { name: 'other' } }), 'INVALID_ARGUMENT');
    assert.equal(e.fields[0].field, 'metadata.name');
    await c.client.get('configmaps', 'default', 'named');
    await rejects(c.client.get('configmaps', 'default', 'other'), 'NOT_FOUND');
  });

  it('Service type changes: NodePort to ClusterIP frees the node port, to ExternalName frees the IP; ClientIP to None', async () => {
    const np = await c.client.create(svc('np', { type: 'NodePort' }));
    const nodePort = (np.spec as Spec).ports[0].nodePort as number;
    assert.equal((np.spec as Spec).externalTrafficPolicy, 'Cluster');
    const cip = await c.client.patch('services', 'default', 'np', { spec: { type: 'ClusterIP' } });
    assert.equal((cip.spec as Spec).ports[0].nodePort, undefined);
    assert.equal((cip.spec as Spec).externalTrafficPolicy, undefined);
    const reuse = await c.client.create(svc('np-reuse', { type: 'NodePort', ports: [{ port: 80, nodePort }] }));
    assert.equal((reuse.spec as Spec).ports[0].nodePort, nodePort, 'the node port was freed');

    const ip = (cip.spec as Spec).clusterIP as string;
    const ext = await c.client.patch('services', 'default', 'np', { spec: { type: 'ExternalName', externalName: 'example.com' } });
    assert.equal((ext.spec as Spec).clusterIP, undefined);
    assert.equal((ext.spec as Spec).clusterIPs, undefined);
    assert.equal((ext.spec as Spec).ipFamilies, undefined);
    const ipReuse = await c.client.create(svc('ip-reuse', { clusterIP: ip }));
    assert.equal((ipReuse.spec as Spec).clusterIP, ip, 'the cluster IP was freed');

    const aff = await c.client.create(svc('aff', { sessionAffinity: 'ClientIP' }));
    assert.equal((aff.spec as Spec).sessionAffinityConfig.clientIP.timeoutSeconds, 10800);
    const none = await c.client.patch('services', 'default', 'aff', { spec: { sessionAffinity: 'None' } });
    assert.equal((none.spec as Spec).sessionAffinityConfig, undefined);
  });

  it('a LoadBalancer Service with externalTrafficPolicy Local gets a health check node port, kept on update, freed when Cluster', async () => {
    const lb = await c.client.create(svc('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    const hc = (lb.spec as Spec).healthCheckNodePort as number;
    assert.ok(hc >= 30000 && hc <= 32767, `allocated from the node port range: ${hc}`);
    assert.notEqual(hc, (lb.spec as Spec).ports[0].nodePort);
    const kept = await c.client.patch('services', 'default', 'lb-local', { spec: { ports: [{ port: 81 }] } });
    assert.equal((kept.spec as Spec).healthCheckNodePort, hc);
    const taken = await rejects(c.client.create(svc('lb-taken', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: hc })), 'INVALID_ARGUMENT');
    assert.equal(taken.fields[0].field, 'spec.healthCheckNodePort');
    const cluster = await c.client.patch('services', 'default', 'lb-local', { spec: { externalTrafficPolicy: 'Cluster' } });
    assert.equal((cluster.spec as Spec).healthCheckNodePort, undefined);
    const reuse = await c.client.create(svc('lb-reuse', { type: 'NodePort', ports: [{ port: 80, nodePort: hc }] }));
    assert.equal((reuse.spec as Spec).ports[0].nodePort, hc, 'the health check node port was freed');
  });

  it('Services get ipFamilies / ipFamilyPolicy defaults as Kubernetes', async () => {
    const cases: { name: string; spec: object; policy?: string; families?: string[] }[] = [
      { name: 'fam-cluster', spec: {}, policy: 'SingleStack', families: ['IPv4'] },
      { name: 'fam-headless', spec: { clusterIP: 'None' }, policy: 'SingleStack', families: ['IPv4'] },
      { name: 'fam-headless-noselector', spec: { clusterIP: 'None', selector: undefined }, policy: 'RequireDualStack', families: ['IPv4'] },
      { name: 'fam-external', spec: { type: 'ExternalName', externalName: 'example.com' } },
    ];
    for (const k of cases) {
      const s = await c.client.create(svc(k.name, k.spec));
      assert.equal((s.spec as Spec).ipFamilyPolicy, k.policy, k.name);
      assert.deepEqual((s.spec as Spec).ipFamilies, k.families, k.name);
    }
  });

  it('the apiserver serves default/kubernetes: Service on the first IP, Endpoints at its own address', async () => {
    const port = Number(c.server.address.split(':').pop());
    const s = await c.client.get('services', 'default', 'kubernetes');
    assert.equal((s.spec as Spec).clusterIP, '10.96.0.1');
    assert.deepEqual((s.spec as Spec).ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }]);
    const ep = await c.client.get('endpoints', 'default', 'kubernetes');
    assert.deepEqual((ep as KObject & { subsets: unknown }).subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }]);
  });

  it('namespaces carry the kubernetes.io/metadata.name label', async () => {
    const ns = await c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'labelled' } } as KObject);
    assert.equal(ns.metadata.labels?.['kubernetes.io/metadata.name'], 'labelled');
    const list = await c.client.list('namespaces', { labelSelector: 'kubernetes.io/metadata.name=labelled' });
    assert.deepEqual(list.items.map((n) => n.metadata.name), ['labelled']);
  });

  it('generation only for kinds that track it; status sent on create is reset where Kubernetes resets it', async () => {
    const cm = await c.client.create(objects.configmaps!('no-generation'));
    assert.equal(cm.metadata.generation, undefined);
    const d = await c.client.create({ ...objects.deployments!('status-on-create'), status: { replicas: 7 } } as KObject);
    assert.equal(d.metadata.generation, 1);
    assert.equal(d.status, undefined);
  });
});
