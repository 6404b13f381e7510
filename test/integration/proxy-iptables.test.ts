// The proxy's rules in real iptables, on both backends, inside a private network namespace of the
// test's own (needs root): a node-like baseline (Docker's and the pod network's chains), the
// proxier's first full sync, partial syncs after an Endpoints and a Service change, a full sync
// forced by a deleted canary chain (the canary monitor's check), a restart that converges without flushing, and --cleanup
// leaving iptables-save exactly as before. The namespace is removed afterwards, also on failure.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Endpoints, Service } from '@skiff/api';
import { FakeClock } from '@skiff/machinery';
import { cleanup, ExecIptables, FULL_SYNC_PERIOD_MS, Proxier, spawnCommand, type Backend, type Iptables, type SyncPlan } from '@skiff/proxy';

const BASELINE = `*filter
:DOCKER-USER - [0:0]
:SKIFF-PODNET-FWD - [0:0]
-A FORWARD -j DOCKER-USER
-A DOCKER-USER -j SKIFF-PODNET-FWD
-A DOCKER-USER -j RETURN
-A SKIFF-PODNET-FWD -s 10.244.0.0/16 -j ACCEPT
COMMIT
*nat
:SKIFF-PODNET-MASQ - [0:0]
-A POSTROUTING -j SKIFF-PODNET-MASQ
-A SKIFF-PODNET-MASQ -s 10.244.1.0/24 ! -d 224.0.0.0/4 -j MASQUERADE
COMMIT
*mangle
-A POSTROUTING -p udp --dport 68 -j ACCEPT
COMMIT
`;

function service(ns: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec };
}
function endpoints(ns: string, name: string, ips: string[], ports: { name: string; port: number; protocol?: string }[]): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: ns, name }, subsets: [{ addresses: ips.map((ip) => ({ ip, nodeName: 'node1' })), ports }] };
}

const web = service('ns1', 'web', { clusterIP: '10.96.0.10', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80 }] });
const np = service('ns2', 'np', {
  type: 'NodePort',
  clusterIP: '10.96.0.20',
  externalTrafficPolicy: 'Local',
  externalIPs: ['192.168.9.9'],
  ports: [
    { name: 'http', port: 80, nodePort: 30080 },
    { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
  ],
});
const empty = service('ns3', 'empty', { type: 'NodePort', clusterIP: '10.96.0.30', ports: [{ name: 'http', port: 80, nodePort: 30081 }] });

for (const backend of ['nft', 'legacy'] as Backend[]) {
  void describe(`proxy rules in real iptables (${backend})`, () => {
    const ns = `skiff-proxy-${randomUUID().slice(0, 8)}`;
    const netns = `/var/run/netns/${ns}`;
    const exec = new ExecIptables(backend, spawnCommand(netns));
    // The real one, recording each payload restored.
    const payloads: string[] = [];
    const iptables: Iptables = {
      backend,
      save: (t) => exec.save(t),
      chainExists: (t, c) => exec.chainExists(t, c),
      prepare: (p) => {
        const text = typeof p === 'string' ? p : [...p].join('');
        payloads.push(text);
        return exec.prepare(text);
      },
      // Streamed as the proxy streams it, each piece recorded as it passes.
      restore: (p) => {
        if (typeof p === 'string') {
          payloads.push(p);
          return exec.restore(p);
        }
        return exec.restore(
          (function* () {
            let text = '';
            for (const piece of p) {
              text += piece;
              yield piece;
            }
            payloads.push(text);
          })(),
        );
      },
    };
    const save = async (): Promise<string> => {
      let out = '';
      for (const t of ['filter', 'nat', 'mangle'] as const) out += await iptables.save(t);
      return out.replace(/^#.*\n/gm, '');
    };
    let baseline = '';

    before(async () => {
      execFileSync('ip', ['netns', 'add', ns]);
      await iptables.restore(BASELINE);
      baseline = await save();
    });
    after(() => {
      execFileSync('ip', ['netns', 'del', ns]);
    });

    const clock = new FakeClock();
    const syncs: { plan?: SyncPlan; error?: unknown }[] = [];
    const newProxier = (): Proxier =>
      new Proxier({ nodeName: 'node1', iptables, clock, clusterCIDR: '10.244.0.0/16', maxChainsPerRestore: 5, onSync: (r) => syncs.push(r) });
    let proxier = newProxier();
    const sync = async (): Promise<SyncPlan> => {
      await proxier.syncProxyRules();
      const last = syncs.at(-1);
      if (last?.error) throw last.error;
      assert.ok(last?.plan);
      return last.plan;
    };

    void it('writes nothing before Services and Endpoints have synced, then a full sync in chunks', async () => {
      proxier.onServiceUpdate(undefined, web);
      proxier.onServiceUpdate(undefined, np);
      proxier.onServiceUpdate(undefined, empty);
      proxier.onEndpointsUpdate(undefined, endpoints('ns1', 'web', ['10.244.1.3', '10.244.2.3'], [{ name: 'http', port: 8080 }]));
      proxier.onEndpointsUpdate(undefined, endpoints('ns2', 'np', ['10.244.1.4'], [{ name: 'http', port: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }]));
      proxier.setServicesSynced();
      await proxier.syncProxyRules();
      assert.equal(syncs.length, 0);
      assert.equal(await save(), baseline);
      proxier.setEndpointsSynced();
      const plan = await sync();
      assert.equal(plan.full, true);
      assert.ok(plan.restores > 1, 'split into bounded restores');
      const saved = await save();
      assert.match(saved, /-A PREROUTING .*-j SKIFF-SERVICES/);
      assert.match(saved, /-A SKIFF-SERVICES .*-d 10\.96\.0\.30\/32 .*ns3\/empty:http has no endpoints.*-j REJECT/);
      assert.match(saved, /--to-destination 10\.244\.2\.3:8080/);
      assert.match(saved, /-A SKIFF-NODEPORTS .*--dport 30053 -j SKIFF-EXT-/);
    });

    void it('partial syncs: an endpoint change, a new service, a deleted service', async () => {
      clock.advance(1000);
      proxier.onEndpointsUpdate(
        endpoints('ns1', 'web', ['10.244.1.3', '10.244.2.3'], [{ name: 'http', port: 8080 }]),
        endpoints('ns1', 'web', ['10.244.1.3', '10.244.2.5'], [{ name: 'http', port: 8080 }]),
      );
      const from = payloads.length;
      let plan = await sync();
      assert.equal(plan.full, false);
      assert.doesNotMatch(payloads.slice(from).join(''), /^:SKIFF-SERVICES/m, 'the dispatch chain stays');
      let saved = await save();
      assert.match(saved, /--to-destination 10\.244\.2\.5:8080/);
      assert.doesNotMatch(saved, /10\.244\.2\.3/);

      proxier.onEndpointsUpdate(undefined, endpoints('ns3', 'empty', ['10.244.1.7'], [{ name: 'http', port: 8080 }]));
      proxier.onServiceUpdate(web, undefined);
      plan = await sync();
      assert.equal(plan.full, false);
      saved = await save();
      assert.doesNotMatch(saved, /ns1\/web/);
      assert.doesNotMatch(saved, /ns3\/empty:http has no endpoints/);
      assert.match(saved, /--to-destination 10\.244\.1\.7:8080/);
    });

    void it('a deleted canary chain forces a full sync; the full resync period does too', async () => {
      assert.equal(await proxier.checkCanary(), false, 'the canary is there');
      await iptables.restore('*mangle\n-X SKIFF-PROXY-CANARY\nCOMMIT\n');
      assert.equal(await proxier.checkCanary(), true, 'the monitor sees it gone');
      assert.equal((await sync()).full, true);
      assert.equal(await iptables.chainExists('mangle', 'SKIFF-PROXY-CANARY'), true);
      assert.equal((await sync()).full, false);
      clock.advance(FULL_SYNC_PERIOD_MS);
      assert.equal((await sync()).full, true);
    });

    void it('a restarted proxier converges without change', async () => {
      const before = await save();
      proxier = newProxier();
      proxier.onServiceUpdate(undefined, np);
      proxier.onServiceUpdate(undefined, empty);
      proxier.onEndpointsUpdate(undefined, endpoints('ns2', 'np', ['10.244.1.4'], [{ name: 'http', port: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }]));
      proxier.onEndpointsUpdate(undefined, endpoints('ns3', 'empty', ['10.244.1.7'], [{ name: 'http', port: 8080 }]));
      proxier.setServicesSynced();
      proxier.setEndpointsSynced();
      const plan = await sync();
      assert.equal(plan.full, true);
      assert.equal(plan.chainsDeleted, 0);
      assert.equal(await save(), before);
    });

    void it('cleanup leaves iptables-save exactly as before the proxy ran', async () => {
      assert.ok((await cleanup(iptables)) > 10);
      assert.equal(await save(), baseline);
    });
  });
}
