import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type TestCluster } from '../harness/index.js';
import type { KObject } from '@skiff/api';

describe('apiserver smoke', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.close();
  });

  it('creates and reads back the seed Deployment and Service', async () => {
    const dep = {
      apiVersion: 'v1',
      kind: 'Deployment',
      metadata: { name: 'my-app' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'my-app' } },
        template: { metadata: { labels: { app: 'my-app' } }, spec: { containers: [{ name: 'my-app', image: 'my-app', ports: [{ containerPort: 3000 }] }] } },
      },
    } as KObject;
    const r = await c.client.createWithWarnings(dep);
    assert.equal(r.object.apiVersion, 'apps/v1');
    assert.equal(r.warnings.length, 1);
    assert.ok(r.object.metadata.uid);
    const svc = await c.client.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'my-app' },
      spec: { selector: { app: 'my-app' }, ports: [{ protocol: 'TCP', port: 80, targetPort: 3000 }] },
    } as KObject);
    const spec = svc.spec as { clusterIP: string; ports: { targetPort: unknown }[] };
    assert.match(spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\./);
    assert.equal(spec.ports[0]!.targetPort, 3000);
    const got = await c.client.get('deploy', 'default', 'my-app');
    assert.equal(got.metadata.resourceVersion, r.object.metadata.resourceVersion);
    const list = await c.client.list('services', { namespace: 'default' });
    // Beside the apiserver's own default/kubernetes Service.
    assert.deepEqual(list.items.map((s) => s.metadata.name).sort(), ['kubernetes', 'my-app']);
  });

  it('counts requests by method and code, and their latency by method, on /metrics', async () => {
    const scrape = async (): Promise<string> => (await fetch(`${c.server.httpAddress}/metrics`)).text();
    const value = (text: string, series: string): number => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    const before = await scrape();
    await c.client.get('namespaces', '', 'default');
    await assert.rejects(c.client.get('namespaces', '', 'no-such-namespace'));
    const after = await scrape();
    assert.equal(value(after, 'skiff_apiserver_requests_total{method="Get",code="OK"}') - value(before, 'skiff_apiserver_requests_total{method="Get",code="OK"}'), 1);
    assert.equal(value(after, 'skiff_apiserver_requests_total{method="Get",code="NOT_FOUND"}') - value(before, 'skiff_apiserver_requests_total{method="Get",code="NOT_FOUND"}'), 1);
    assert.equal(value(after, 'skiff_apiserver_request_duration_seconds_count{method="Get"}') - value(before, 'skiff_apiserver_request_duration_seconds_count{method="Get"}'), 2);
  });
});
