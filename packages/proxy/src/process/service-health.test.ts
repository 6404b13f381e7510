import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { discardLogger } from '@skiff/machinery';
import { endpoints, service } from '../testing/objects.js';
import { EndpointsChangeTracker, ServiceChangeTracker, type EndpointsMap, type ServicePortMap } from '../tracker/change-tracker.js';
import { healthCheckBody, healthCheckServices, ServiceHealthServer } from './service-health.js';

function maps(...objs: Parameters<ServiceChangeTracker['update']>[1][]): { services: ServicePortMap; eps: EndpointsMap; et: EndpointsChangeTracker } {
  const services: ServicePortMap = new Map();
  const eps: EndpointsMap = new Map();
  const st = new ServiceChangeTracker();
  for (const o of objs) st.update(undefined, o);
  st.apply(services);
  return { services, eps, et: new EndpointsChangeTracker('node1') };
}

const lb = (name: string, spec: object) =>
  service('ns1', name, { type: 'LoadBalancer', clusterIP: '10.96.0.40', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30090 }, { name: 'https', port: 443, nodePort: 30091 }], ...spec });

void describe('health check node ports', () => {
  const cases: { name: string; svc: ReturnType<typeof lb>; addrs: { ip: string; node?: string; ready?: boolean }[]; want: [string, { port: number; localEndpoints: number }][] }[] = [
    { name: 'local ready endpoints counted once over both ports', svc: lb('a', { healthCheckNodePort: 31000 }), addrs: [{ ip: '10.244.1.3', node: 'node1' }, { ip: '10.244.1.4', node: 'node1' }, { ip: '10.244.2.3', node: 'node2' }], want: [['ns1/a', { port: 31000, localEndpoints: 2 }]] },
    { name: 'not-ready and remote endpoints do not count', svc: lb('b', { healthCheckNodePort: 31001 }), addrs: [{ ip: '10.244.1.3', node: 'node1', ready: false }, { ip: '10.244.2.3', node: 'node2' }], want: [['ns1/b', { port: 31001, localEndpoints: 0 }]] },
    { name: 'no health check node port: none', svc: lb('c', {}), addrs: [{ ip: '10.244.1.3', node: 'node1' }], want: [] },
    { name: 'Cluster policy: none even with the field', svc: lb('d', { externalTrafficPolicy: 'Cluster', healthCheckNodePort: 31002 }), addrs: [{ ip: '10.244.1.3', node: 'node1' }], want: [] },
  ];
  for (const c of cases)
    void it(c.name, () => {
      const m = maps(c.svc);
      m.et.update(undefined, endpoints('ns1', c.svc.metadata.name ?? '', c.addrs, [{ name: 'http', port: 8080 }, { name: 'https', port: 8443 }]));
      m.et.apply(m.eps);
      assert.deepEqual([...healthCheckServices(m.services, m.eps)], c.want);
    });

  void it("the body is kube-proxy's", () => {
    assert.equal(healthCheckBody('ns1/a', 2, true), '{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "a"\n\t},\n\t"localEndpoints": 2,\n\t"serviceProxyHealthy": true\n}');
  });

  void it('serves 200 with local endpoints, 503 without or when the proxy is unhealthy; closes ports of services gone', async () => {
    let healthy = true;
    const server = new ServiceHealthServer({ host: '127.0.0.1', proxyHealthy: () => healthy, log: discardLogger() });
    const get = (port: number): Promise<{ status: number; body: string; weight: string | undefined }> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, weight: res.headers['x-load-balancing-endpoint-weight'] as string | undefined }));
        });
        req.on('error', reject);
        req.end();
      });
    const port = 31000 + Math.floor(Math.random() * 700);
    try {
      server.sync(new Map([['ns1/a', { port, localEndpoints: 2 }]]));
      await new Promise((r) => setTimeout(r, 50));
      const ok = await get(port);
      assert.equal(ok.status, 200);
      assert.equal(ok.weight, '2');
      assert.deepEqual(JSON.parse(ok.body), { service: { namespace: 'ns1', name: 'a' }, localEndpoints: 2, serviceProxyHealthy: true });
      server.sync(new Map([['ns1/a', { port, localEndpoints: 0 }]]));
      assert.equal((await get(port)).status, 503);
      server.sync(new Map([['ns1/a', { port, localEndpoints: 1 }]]));
      healthy = false;
      const sick = await get(port);
      assert.equal(sick.status, 503);
      assert.equal(JSON.parse(sick.body).serviceProxyHealthy, false);
      server.sync(new Map());
      assert.deepEqual(server.ports(), []);
      await new Promise((r) => setTimeout(r, 50));
      await assert.rejects(get(port), /ECONNREFUSED/);
    } finally {
      await server.close();
    }
  });
});
