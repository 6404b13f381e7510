import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, type KObject } from '@skiff/api';
import type { ListOptions, ListResult } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import { FakeIptables } from './iptables/fake-iptables.js';
import { preparedRestore, type PreparedRestore } from './iptables/iptables.js';
import { defaultProxyRunConfig } from './process/run-config.js';
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from './proxier.js';
import { run, type RunningProxy } from './run.js';
import { queryPacket, startFakeUpstream, tcpQuery, udpQuery } from './testing/dns-client.js';
import { endpoints, service } from './testing/objects.js';

const web = service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] });
const eps = (...ips: string[]) => endpoints('ns1', 'web', ips.map((ip) => ({ ip })), [{ name: 'http', port: 8080 }]);

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** The proxy's own series of a /metrics body (the process metrics left out). */
const skiffMetrics = (body: string): string => body.split('\n').filter((l) => l.startsWith('skiff_')).join('\n') + '\n';

/** Runs the proxy on a fake client and fake iptables while `fn` runs; stops it after. */
async function withProxy(objects: KObject[], iptables: FakeIptables, fn: (p: RunningProxy, client: FakeClient) => Promise<void>, syncPeriodMs = 30000, client = new FakeClient({ objects })): Promise<void> {
  const ac = new AbortController();
  const p = await run({ ...defaultProxyRunConfig, nodeName: 'node1', clusterCIDR: '10.244.0.0/16', minSyncPeriodMs: 20, syncPeriodMs, healthPort: 0, client, iptables }, ac.signal);
  try {
    await fn(p, client);
  } finally {
    ac.abort();
    await p.stopped;
  }
}

const dnat = (ipt: FakeIptables): string[] => [...ipt.chains('nat').values()].flat().filter((r) => r.includes('DNAT')).map((r) => /--to-destination (\S+)/.exec(r)?.[1] ?? '').sort();

void describe('skiff-proxy run()', () => {
  void it('programs the Services and Endpoints it lists, then follows their changes', async () => {
    const ipt = new FakeIptables();
    await withProxy([web, eps('10.244.1.3')], ipt, async (p, client) => {
      await until(() => dnat(ipt).length === 1, 'the first endpoint');
      assert.deepEqual(dnat(ipt), ['10.244.1.3:8080']);
      const current = await client.get<KObject>('endpoints', 'ns1', 'web');
      const triggered = new Date(Date.now() - 2000).toISOString();
      await client.update({ ...eps('10.244.1.3', '10.244.2.7'), metadata: { ...current.metadata, annotations: { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: triggered } } });
      await until(() => dnat(ipt).length === 2, 'the second endpoint');
      assert.deepEqual(dnat(ipt), ['10.244.1.3:8080', '10.244.2.7:8080']);
      await client.delete('services', 'ns1', 'web');
      await until(() => dnat(ipt).length === 0, 'the service gone');

      const url = p.healthServer?.url ?? '';
      assert.deepEqual(await get(`${url}/healthz`), { status: 200, body: 'ok' });
      assert.deepEqual(await get(`${url}/readyz`), { status: 200, body: 'ok' });
      const metrics = skiffMetrics((await get(`${url}/metrics`)).body);
      assert.match(metrics, /skiff_proxy_sync_proxy_rules_duration_seconds_count\{component="proxy",sync="full"\} 1\n/);
      assert.match(metrics, /skiff_proxy_sync_proxy_rules_duration_seconds_count\{component="proxy",sync="partial"\} [1-9]/);
      assert.match(metrics, /skiff_proxy_sync_proxy_rules_changes_pending\{component="proxy"\} 0\n/);
      assert.match(metrics, /skiff_proxy_sync_proxy_rules_last_timestamp_seconds\{component="proxy"\} 1[0-9.e+]+\n/);
      // Two Endpoints changes: the first list (from receipt, under 1 s), the annotated one (2 s ago).
      assert.match(metrics, /skiff_proxy_network_programming_duration_seconds_bucket\{le="1",component="proxy"\} 1\n/);
      assert.match(metrics, /skiff_proxy_network_programming_duration_seconds_count\{component="proxy"\} 2\n/);
    });
  });

  void it('programs nothing until Endpoints have been listed', async () => {
    /** Endpoints lists fail until `down` is false. */
    class FlakyClient extends FakeClient {
      down = true;
      override list<T extends KObject>(resource: string, opts?: ListOptions): Promise<ListResult<T>> {
        if (this.down && resource === 'endpoints') return Promise.reject(new ApiError('UNAVAILABLE', 'apiserver down'));
        return super.list<T>(resource, opts);
      }
    }
    const ipt = new FakeIptables();
    const client = new FlakyClient({ objects: [web, eps('10.244.1.3')] });
    await withProxy(
      [],
      ipt,
      async (p) => {
        await new Promise((r) => setTimeout(r, 300));
        assert.equal((await ipt.save()).includes('SKIFF'), false);
        assert.equal(p.proxier.pendingChanges(), 1);
        assert.equal((await get(`${p.healthServer?.url ?? ''}/readyz`)).status, 503);
        client.down = false;
        await until(() => dnat(ipt).length === 1, 'the endpoint after the list succeeded', 10000);
      },
      30000,
      client,
    );
  });

  void it('serves cluster DNS from the same informers, forwarding other names', async () => {
    const upstream = await startFakeUpstream('example.test', '192.0.2.7');
    const client = new FakeClient({ objects: [web, eps('10.244.1.3')] });
    const ac = new AbortController();
    const p = await run(
      { ...defaultProxyRunConfig, nodeName: 'node1', minSyncPeriodMs: 20, healthPort: 0, client, iptables: new FakeIptables(), clusterDNSIP: '127.0.0.1', dnsPort: 0, manageDNSAddress: false, upstreams: [{ host: '127.0.0.1', port: upstream.port }] },
      ac.signal,
    );
    try {
      const port = p.dns?.port ?? 0;
      const a = (r: { answers?: unknown[] }) => (r.answers ?? []).map((x) => (x as { data: unknown }).data);
      await until(async () => a(await udpQuery('127.0.0.1', port, queryPacket('web.ns1.svc.cluster.local'))).length === 1, 'the service name');
      assert.deepEqual(a(await tcpQuery('127.0.0.1', port, queryPacket('web.ns1.svc.cluster.local'))), ['10.96.0.10']);
      assert.deepEqual(a(await udpQuery('127.0.0.1', port, queryPacket('www.ns.svc.example.test'))), ['192.0.2.7']);
      await client.delete('services', 'ns1', 'web');
      await until(async () => ((await udpQuery('127.0.0.1', port, queryPacket('web.ns1.svc.cluster.local'))).flags ?? 0) % 16 === 3, 'NXDOMAIN once deleted');
      const metrics = skiffMetrics((await get(`${p.healthServer?.url ?? ''}/metrics`)).body);
      assert.match(metrics, /skiff_proxy_dns_queries_total\{result="forwarded",component="proxy"\} 1\n/);
      assert.match(metrics, /skiff_proxy_dns_queries_total\{result="nxdomain",component="proxy"\} 1\n/);
    } finally {
      ac.abort();
      await p.stopped;
      await upstream.close();
    }
  });

  void it('/healthz fails once syncs stall for twice the sync period', async () => {
    class BrokenIptables extends FakeIptables {
      override prepare(): Promise<PreparedRestore> {
        return Promise.resolve(preparedRestore(() => Promise.reject(new Error('iptables-restore: line 3 failed')), () => Promise.resolve()));
      }
    }
    const ipt = new BrokenIptables();
    await withProxy(
      [web, eps('10.244.1.3')],
      ipt,
      async (p) => {
        const url = p.healthServer?.url ?? '';
        await until(async () => (await get(`${url}/healthz`)).status === 503, '/healthz failing', 3000);
        assert.match((await get(`${url}/healthz`)).body, /\[-\]proxy-rules failed: rules not synced for/);
        assert.match((await get(`${url}/metrics`)).body, /skiff_proxy_sync_proxy_rules_iptables_restore_failures_total\{component="proxy"\} [1-9]/);
      },
      200,
    );
  });
});
