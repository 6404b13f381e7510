import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, EndpointSubset, Pod, Service } from '@skiff/api';
import { ns, until, withControllers } from '../test-env.js';
import { endpointsController } from './index.js';
import { repackSubsets } from './repack.js';
import { desiredSubsets } from './subsets.js';

interface PodOpts {
  ip?: string;
  ready?: boolean;
  phase?: string;
  node?: string;
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  deleting?: boolean;
  hostname?: string;
  subdomain?: string;
}

const pod = (name: string, o: PodOpts = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: ns,
    uid: `uid-${name}`,
    labels: o.labels ?? { app: 'web' },
    ...(o.deleting ? { deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 30 } : {}),
  },
  spec: {
    containers: [{ name: 'c', image: 'busybox', ...(o.ports ? { ports: o.ports } : {}) }],
    ...(o.node !== '' ? { nodeName: o.node ?? 'n1' } : {}),
    ...(o.hostname ? { hostname: o.hostname } : {}),
    ...(o.subdomain ? { subdomain: o.subdomain } : {}),
  },
  status: {
    phase: o.phase ?? 'Running',
    ...(o.ip !== '' ? { podIP: o.ip ?? '10.244.1.1' } : {}),
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  },
});

const service = (name: string, spec: Partial<NonNullable<Service['spec']>> = {}, labels?: Record<string, string>): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, uid: `uid-${name}`, ...(labels ? { labels } : {}) },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
});

const ref = (name: string) => ({ kind: 'Pod', namespace: ns, name, uid: `uid-${name}` });
const addr = (name: string, ip: string, node = 'n1') => ({ ip, nodeName: node, targetRef: ref(name) });
const http = (port = 8080) => ({ name: 'http', port, protocol: 'TCP' });

describe('endpoints subsets', () => {
  const cases: { name: string; svc: Service; pods: Pod[]; want: EndpointSubset[] }[] = [
    {
      name: 'ready and not-ready addresses share a subset with its port',
      svc: service('s'),
      pods: [pod('a', { ip: '10.244.1.2' }), pod('b', { ip: '10.244.1.3', ready: false, node: 'n2' })],
      want: [{ addresses: [addr('a', '10.244.1.2')], notReadyAddresses: [addr('b', '10.244.1.3', 'n2')], ports: [http()] }],
    },
    { name: 'a pod without an IP is skipped', svc: service('s'), pods: [pod('a', { ip: '' })], want: [] },
    { name: 'a terminating pod is removed', svc: service('s'), pods: [pod('a', { deleting: true })], want: [] },
    { name: 'terminal pods are removed', svc: service('s'), pods: [pod('a', { phase: 'Succeeded' }), pod('b', { phase: 'Failed', ip: '10.244.1.9' })], want: [] },
    {
      name: 'publishNotReadyAddresses: not-ready and terminating pods are ready addresses',
      svc: service('s', { publishNotReadyAddresses: true }),
      pods: [pod('a', { ready: false, ip: '10.244.1.2' }), pod('b', { deleting: true, ip: '10.244.1.3' })],
      want: [{ addresses: [addr('a', '10.244.1.2'), addr('b', '10.244.1.3')], ports: [http()] }],
    },
    {
      name: 'a named targetPort is resolved per pod: one subset per port number',
      svc: service('s', { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] }),
      pods: [pod('a', { ip: '10.244.1.2', ports: [{ name: 'web', containerPort: 8080 }] }), pod('b', { ip: '10.244.1.3', ports: [{ name: 'web', containerPort: 9090 }] })],
      want: [
        { addresses: [addr('a', '10.244.1.2')], ports: [http(8080)] },
        { addresses: [addr('b', '10.244.1.3')], ports: [http(9090)] },
      ],
    },
    {
      name: 'a pod without the named port (or with another protocol) is left out of that port',
      svc: service('s', { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] }),
      pods: [pod('a', { ports: [{ name: 'other', containerPort: 8080 }] }), pod('b', { ports: [{ name: 'web', containerPort: 53, protocol: 'UDP' }] })],
      want: [],
    },
    {
      name: 'several ports: one subset per set of addresses serving the same ports (Kubernetes N-to-M packing)',
      svc: service('s', { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }, { name: 'm', port: 9100, targetPort: 9100, protocol: 'TCP' }] }),
      pods: [pod('a', { ip: '10.244.1.2', ports: [{ name: 'web', containerPort: 8080 }] }), pod('b', { ip: '10.244.1.3' })],
      want: [
        { addresses: [addr('a', '10.244.1.2'), addr('b', '10.244.1.3')], ports: [{ name: 'm', port: 9100, protocol: 'TCP' }] },
        { addresses: [addr('a', '10.244.1.2')], ports: [http(8080)] },
      ],
    },
    {
      name: 'a headless Service without ports lists its addresses without ports',
      svc: service('s', { clusterIP: 'None', ports: [] }),
      pods: [pod('a', { ip: '10.244.1.2' })],
      want: [{ addresses: [addr('a', '10.244.1.2')] }],
    },
    { name: 'a Service with a cluster IP and no ports has no endpoints', svc: service('s', { clusterIP: '10.96.0.5', ports: [] }), pods: [pod('a')], want: [] },
    {
      name: 'hostname only for a pod of the Service subdomain; an unscheduled pod has no nodeName',
      svc: service('s'),
      pods: [pod('a', { ip: '10.244.1.2', hostname: 'a0', subdomain: 's' }), pod('b', { ip: '10.244.1.3', hostname: 'b0', subdomain: 'other', node: '' })],
      want: [{ addresses: [{ ...addr('a', '10.244.1.2'), hostname: 'a0' }, { ip: '10.244.1.3', targetRef: ref('b') }], ports: [http()] }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(desiredSubsets(c.svc, c.pods).subsets, c.want));
  }
});

describe('repackSubsets', () => {
  const a = { ip: '10.0.0.1' };
  const b = { ip: '10.0.0.2' };
  const p1 = { port: 1, protocol: 'TCP' };
  const p2 = { port: 2, protocol: 'TCP' };
  const cases: { name: string; in: EndpointSubset[]; want: EndpointSubset[] }[] = [
    { name: 'empty', in: [], want: [] },
    { name: 'same address, two ports: one subset', in: [{ addresses: [a], ports: [p1] }, { addresses: [a], ports: [p2] }], want: [{ addresses: [a], ports: [p1, p2] }] },
    { name: 'ready wins over not ready for the same port', in: [{ notReadyAddresses: [a], ports: [p1] }, { addresses: [a], ports: [p1] }], want: [{ addresses: [a], ports: [p1] }] },
    { name: 'input order does not matter', in: [{ addresses: [b], ports: [p1] }, { addresses: [a], ports: [p1] }], want: [{ addresses: [a, b], ports: [p1] }] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(repackSubsets(c.in), c.want));
});

const endpointsOf = (objs: Endpoints[], name: string): Endpoints | undefined => objs.find((e) => e.metadata.name === name);
const readyIPs = (e: Endpoints | undefined): string[] => (e?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();

describe('endpoints controller', () => {
  const fast = { endpointUpdatesBatchPeriodMs: 50 };

  it('writes the Endpoints of a Service with its labels and follows pod readiness', async () => {
    await withControllers([endpointsController], [service('web', {}, { tier: 'front' }), pod('a', { ip: '10.244.1.2' }), pod('b', { ip: '10.244.1.3', ready: false })], async ({ client }) => {
      await until(() => readyIPs(endpointsOf(client.objects('endpoints'), 'web')).length === 1, 'endpoints with a');
      const ep = endpointsOf(client.objects('endpoints'), 'web')!;
      assert.deepEqual(ep.metadata.labels, { tier: 'front' });
      assert.deepEqual(ep.subsets?.[0]?.notReadyAddresses?.map((x) => x.ip), ['10.244.1.3']);
      client.seed(pod('b', { ip: '10.244.1.3' }));
      await until(() => readyIPs(endpointsOf(client.objects('endpoints'), 'web')).length === 2, 'b ready');
    }, undefined, fast);
  });

  it('leaves the Endpoints of a Service without a selector alone', async () => {
    const manual: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 5432 }] }] };
    await withControllers([endpointsController], [service('ext', { selector: undefined }), manual, service('web'), pod('a')], async ({ client }) => {
      await until(() => !!endpointsOf(client.objects('endpoints'), 'web'), 'the other Service handled');
      assert.ok(!client.writes().some((w) => w.resource === 'endpoints' && w.name === 'ext'), 'no write to ext');
      assert.deepEqual(readyIPs(endpointsOf(client.objects('endpoints'), 'ext')), ['192.0.2.1']);
    }, undefined, fast);
  });

  it('deletes the Endpoints with the Service, and leftovers at start (not a leader lock)', async () => {
    const leftover: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'gone', namespace: ns }, subsets: [] };
    const lock: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'lock', namespace: ns, annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } } };
    await withControllers([endpointsController], [service('web'), pod('a'), leftover, lock], async ({ client }) => {
      await until(() => !!endpointsOf(client.objects('endpoints'), 'web') && !endpointsOf(client.objects('endpoints'), 'gone'), 'web written, leftover deleted');
      await client.delete('services', ns, 'web');
      await until(() => !endpointsOf(client.objects('endpoints'), 'web'), 'endpoints deleted with the service');
      assert.ok(endpointsOf(client.objects('endpoints'), 'lock'), 'the leader lock is kept');
    }, undefined, fast);
  });

  it('puts back deleted Endpoints and marks a headless Service', async () => {
    await withControllers([endpointsController], [service('db', { clusterIP: 'None' }), pod('a')], async ({ client }) => {
      await until(() => !!endpointsOf(client.objects('endpoints'), 'db'), 'endpoints');
      assert.deepEqual(endpointsOf(client.objects('endpoints'), 'db')!.metadata.labels, { 'service.kubernetes.io/headless': '' });
      await client.delete('endpoints', ns, 'db');
      await until(() => !!endpointsOf(client.objects('endpoints'), 'db'), 'endpoints put back');
    }, undefined, fast);
  });

  it('truncates over 1000 addresses, ready ones first, with the over-capacity annotation; removes it below', async () => {
    const ip = (i: number) => `10.244.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`;
    const pods = Array.from({ length: 1005 }, (_, i) => pod(`p${i}`, { ip: ip(i), ready: i < 990 }));
    await withControllers([endpointsController], [service('web'), ...pods], async ({ client }) => {
      const ep = () => endpointsOf(client.objects('endpoints'), 'web');
      await until(() => !!ep()?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'annotated');
      const s = ep()!.subsets!;
      assert.equal(s.reduce((n, x) => n + (x.addresses?.length ?? 0), 0), 990, 'every ready address kept');
      assert.equal(s.reduce((n, x) => n + (x.notReadyAddresses?.length ?? 0), 0), 10, 'not-ready cut to the capacity');
      assert.equal(ep()!.metadata.annotations!['endpoints.kubernetes.io/over-capacity'], 'truncated');
      for (let i = 1000; i < 1005; i++) await client.delete('pods', ns, `p${i}`);
      await until(() => !ep()?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'annotation removed at capacity');
      assert.equal(readyIPs(ep()).length, 990);
    }, undefined, fast);
  });

  it('writes a lone pod change at once, not after the batch period', async () => {
    await withControllers([endpointsController], [service('web'), pod('a', { ip: '10.244.1.2', ready: false })], async ({ client }) => {
      await until(() => !!endpointsOf(client.objects('endpoints'), 'web'), 'first write');
      // the start's pod add used up its period: a change after that period is a lone one
      await new Promise((r) => setTimeout(r, 3_100));
      const start = Date.now();
      client.seed(pod('a', { ip: '10.244.1.2' }));
      await until(() => readyIPs(endpointsOf(client.objects('endpoints'), 'web')).length === 1, 'a ready');
      const took = Date.now() - start;
      assert.ok(took < 1_500, `written ${took} ms after the change, with a 3 s batch period`);
    }, undefined, { endpointUpdatesBatchPeriodMs: 3_000 });
  });

  it('batches pod churn: at most one write per Service per batch period', async () => {
    await withControllers([endpointsController], [service('web'), pod('a', { ip: '10.244.1.2' })], async ({ client }) => {
      await until(() => readyIPs(endpointsOf(client.objects('endpoints'), 'web')).length === 1, 'first write');
      const before = client.writes().filter((w) => w.resource === 'endpoints').length;
      const start = Date.now();
      let i = 0;
      // At least a second and at least 60 pod changes (a loaded machine may run the loop slowly).
      while (Date.now() - start < 1_000 || i < 60) {
        client.seed(pod(`p${i}`, { ip: `10.244.2.${(i % 250) + 1}`, ready: i % 2 === 0 }));
        i++;
        await new Promise((r) => setTimeout(r, 5));
      }
      const last = `10.244.2.${((i - 1) % 250) + 1}`;
      await until(() => (endpointsOf(client.objects('endpoints'), 'web')?.subsets ?? []).some((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].some((a) => a.ip === last)), 'the last pod written');
      const writes = client.writes().filter((w) => w.resource === 'endpoints').length - before;
      const elapsed = Date.now() - start;
      assert.ok(i > 50, `churned ${i} pods`);
      assert.ok(writes <= Math.ceil(elapsed / 250) + 1, `${writes} writes in ${elapsed} ms for ${i} pod changes`);
    }, undefined, { endpointUpdatesBatchPeriodMs: 250 });
  });
});
