import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoints, service } from '../testing/objects.js';
import { EndpointsChangeTracker, ServiceChangeTracker, type EndpointsMap, type ServicePortMap } from './change-tracker.js';
import { servicePortsOf } from './service-port.js';

const web = service('ns1', 'web', {
  clusterIP: '10.96.0.10',
  type: 'NodePort',
  ports: [
    { name: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
    { name: 'dns', port: 53, protocol: 'UDP' },
  ],
  sessionAffinity: 'ClientIP',
});

void describe('service ports', () => {
  const cases: { name: string; svc: Parameters<typeof servicePortsOf>[0]; want: string[] }[] = [
    { name: 'one entry per port, keyed ns/name:port', svc: web, want: ['ns1/web:http', 'ns1/web:dns'] },
    { name: 'an unnamed port is keyed ns/name', svc: service('a', 'b', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] }), want: ['a/b'] },
    { name: 'headless services are not proxied', svc: service('a', 'b', { clusterIP: 'None', ports: [{ port: 80 }] }), want: [] },
    { name: 'ExternalName services are not proxied', svc: service('a', 'b', { type: 'ExternalName', externalName: 'x.example', ports: [{ port: 80 }] }), want: [] },
    { name: 'no cluster IP yet', svc: service('a', 'b', { ports: [{ port: 80 }] }), want: [] },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual([...servicePortsOf(c.svc).keys()], c.want));

  void it('defaults: TCP, affinity timeout 10800, node port only for NodePort', () => {
    const p = servicePortsOf(web);
    assert.equal(p.get('ns1/web:http')?.protocol, 'TCP');
    assert.equal(p.get('ns1/web:dns')?.protocol, 'UDP');
    assert.equal(p.get('ns1/web:http')?.affinityTimeoutSeconds, 10800);
    assert.equal(p.get('ns1/web:http')?.nodePort, 30080);
    const cip = servicePortsOf(service('a', 'b', { clusterIP: '10.96.0.1', ports: [{ port: 80, nodePort: 30001 }] }));
    assert.equal(cip.get('a/b')?.nodePort, 0);
  });
});

void describe('service change tracker', () => {
  void it('records adds, updates and deletes per service and applies them', () => {
    const t = new ServiceChangeTracker();
    const map: ServicePortMap = new Map();
    assert.equal(t.update(undefined, web), true);
    assert.deepEqual([...t.apply(map)], ['ns1/web']);
    assert.deepEqual([...map.keys()], ['ns1/web:http', 'ns1/web:dns']);
    const oneport = service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 8080 }] });
    t.update(web, oneport);
    t.apply(map);
    assert.deepEqual([...map.keys()], ['ns1/web:http']);
    assert.equal(map.get('ns1/web:http')?.port, 8080);
    t.update(oneport, undefined);
    assert.equal(t.pending(), 1);
    t.apply(map);
    assert.equal(map.size, 0);
    assert.equal(t.pending(), 0);
  });

  void it('a change undone before the sync cancels out', () => {
    const t = new ServiceChangeTracker();
    const changed = service('ns1', 'web', { ...web.spec, clusterIP: '10.96.0.11' });
    t.update(web, changed);
    assert.equal(t.update(changed, web), false);
    assert.equal(t.pending(), 0);
    t.update(undefined, web);
    t.update(web, undefined);
    assert.equal(t.pending(), 0);
  });

  void it('a change that does not touch the ports is no change', () => {
    const t = new ServiceChangeTracker();
    const labelled = { ...web, metadata: { ...web.metadata, labels: { a: 'b' } } };
    assert.equal(t.update(web, labelled), false);
  });
});

void describe('endpoints change tracker', () => {
  void it('groups endpoints by service port name, ready or not, local or not, sorted', () => {
    const t = new EndpointsChangeTracker('node1');
    const map: EndpointsMap = new Map();
    t.update(
      undefined,
      endpoints('ns1', 'web', [{ ip: '10.244.2.5', node: 'node2' }, { ip: '10.244.1.3', node: 'node1' }, { ip: '10.244.1.4', ready: false }], [
        { name: 'http', port: 8080 },
        { name: 'dns', port: 5353, protocol: 'UDP' },
      ]),
    );
    assert.deepEqual([...t.apply(map)], ['ns1/web']);
    assert.deepEqual(
      map.get('ns1/web:http')?.map((e) => [e.ip, e.port, e.ready, e.isLocal]),
      [
        ['10.244.1.3', 8080, true, true],
        ['10.244.1.4', 8080, false, false],
        ['10.244.2.5', 8080, true, false],
      ],
    );
    assert.equal(map.get('ns1/web:dns')?.[0]?.port, 5353);
  });

  void it('a deleted Endpoints removes its ports', () => {
    const t = new EndpointsChangeTracker('node1');
    const map: EndpointsMap = new Map();
    const ep = endpoints('ns1', 'web', [{ ip: '10.244.1.3' }], [{ port: 80 }]);
    t.update(undefined, ep);
    t.apply(map);
    assert.ok(map.has('ns1/web'));
    t.update(ep, undefined);
    t.apply(map);
    assert.equal(map.size, 0);
  });
});
