import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@skiff/machinery';
import { cleanup } from './iptables/cleanup.js';
import { FakeIptables } from './iptables/fake-iptables.js';
import type { PreparedRestore } from './iptables/iptables.js';
import type { SyncPlan } from './iptables/rules-planner.js';
import type { Table } from './iptables/fixed-rules.js';
import { FULL_SYNC_PERIOD_MS, Proxier } from './proxier.js';
import { endpoints, service } from './testing/objects.js';

function setup() {
  const clock = new FakeClock(0);
  const iptables = new FakeIptables();
  const syncs: { at: number; plan?: SyncPlan; error?: unknown; receivedTimes?: number[] }[] = [];
  const proxier = new Proxier({ nodeName: 'node1', iptables, clock, clusterCIDR: '10.244.0.0/16', onSync: (r) => syncs.push({ at: clock.now(), ...r }) });
  const ac = new AbortController();
  proxier.start(ac.signal);
  return { clock, iptables, syncs, proxier, ac };
}

const web = service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] });
const eps = (...ips: string[]) => endpoints('ns1', 'web', ips.map((ip) => ({ ip })), [{ name: 'http', port: 8080 }]);

void describe('proxier', () => {
  void it('programs nothing until Services and Endpoints have both synced once', async () => {
    const { clock, syncs, proxier, ac } = setup();
    proxier.onServiceUpdate(undefined, web);
    proxier.setServicesSynced();
    await clock.tick(5000);
    assert.equal(syncs.length, 0);
    assert.equal(proxier.pendingChanges(), 1);
    proxier.onEndpointsUpdate(undefined, eps('10.244.1.3'));
    proxier.setEndpointsSynced();
    await clock.tick(1000);
    assert.equal(syncs.length, 1);
    assert.equal(syncs[0]?.plan?.full, true);
    assert.equal(proxier.pendingChanges(), 0);
    ac.abort();
  });

  void it('a burst of changes is one partial sync; a sync every 30 s, a full one every hour', async () => {
    const { clock, syncs, proxier, ac } = setup();
    proxier.setServicesSynced();
    proxier.setEndpointsSynced();
    await clock.tick(0);
    proxier.onServiceUpdate(undefined, web);
    for (let i = 1; i <= 20; i++) proxier.onEndpointsUpdate(i === 1 ? undefined : eps(`10.244.1.${i - 1}`), eps(`10.244.1.${i}`));
    await clock.tick(1000);
    assert.deepEqual(
      syncs.map((s) => [s.at, s.plan?.full]),
      [
        [0, true],
        [1000, false],
      ],
    );
    await clock.tick(30000);
    assert.deepEqual(syncs.at(-1)?.plan?.full, false, 'the periodic sync is partial');
    assert.equal(syncs.at(-1)?.at, 31000);
    await clock.tick(FULL_SYNC_PERIOD_MS);
    const full = syncs.filter((s) => s.plan?.full).map((s) => s.at);
    assert.equal(full.length, 2, `one more full sync within the hour: ${JSON.stringify(full)}`);
    assert.ok((full[1] ?? 0) >= FULL_SYNC_PERIOD_MS && (full[1] ?? 0) <= FULL_SYNC_PERIOD_MS + 30000, `the next full sync an hour after the first: ${full[1]}`);
    ac.abort();
  });

  void it('a change right after a periodic sync that wrote nothing is synced at once; the minimum period holds after a sync that wrote', async () => {
    const { clock, syncs, proxier, ac } = setup();
    proxier.onServiceUpdate(undefined, web);
    proxier.onEndpointsUpdate(undefined, eps('10.244.1.1'));
    proxier.setServicesSynced();
    proxier.setEndpointsSynced();
    await clock.tick(0);
    assert.deepEqual(syncs.map((s) => [s.at, s.plan?.full]), [[0, true]], 'at once once both informers synced');
    await clock.tick(30000);
    assert.deepEqual(syncs.at(-1)?.plan?.restores, 0, 'the periodic sync wrote nothing');
    await clock.tick(100);
    proxier.onEndpointsUpdate(eps('10.244.1.1'), eps('10.244.1.2'));
    await clock.tick(0);
    assert.deepEqual([syncs.at(-1)?.at, syncs.at(-1)?.plan?.restores], [30100, 1], 'not held back by the periodic sync');
    assert.deepEqual(syncs.at(-1)?.receivedTimes, [30100], 'when the proxy received the change');
    await clock.tick(100);
    proxier.onEndpointsUpdate(eps('10.244.1.2'), eps('10.244.1.3'));
    await clock.tick(899);
    assert.equal(syncs.at(-1)?.at, 30100);
    await clock.tick(1);
    assert.deepEqual([syncs.at(-1)?.at, syncs.at(-1)?.plan?.restores], [31100, 1], 'a second after the sync that wrote');
    ac.abort();
  });

  void it('a slow full sync does not come back before the hour; the canary is looked for by the monitor once per sync period, never by a sync', async () => {
    const clock = new FakeClock(0);
    const canaryChecks: number[] = [];
    let syncing = false;
    class SlowFullSyncs extends FakeIptables {
      override prepare(pieces: string | Iterable<string>): Promise<PreparedRestore> {
        const payload = typeof pieces === 'string' ? pieces : [...pieces].join('');
        if (payload.includes(':SKIFF-PROXY-CANARY')) clock.advance(5000); // a full sync takes 5 s
        return super.prepare(payload);
      }
      override chainExists(table: Table, chain: string): Promise<boolean> {
        assert.equal(syncing, false, 'no canary check inside a sync');
        canaryChecks.push(clock.now());
        return super.chainExists(table, chain);
      }
    }
    const syncs: { at: number; full?: boolean }[] = [];
    const proxier = new Proxier({ nodeName: 'node1', iptables: new SlowFullSyncs(), clock, onSync: (r) => syncs.push({ at: clock.now(), full: r.plan?.full }) });
    const sync = proxier.syncProxyRules.bind(proxier);
    proxier.syncProxyRules = async () => {
      syncing = true;
      try {
        return await sync();
      } finally {
        syncing = false;
      }
    };
    const ac = new AbortController();
    proxier.start(ac.signal);
    proxier.onServiceUpdate(undefined, web);
    proxier.onEndpointsUpdate(undefined, eps('10.244.1.1'));
    proxier.setServicesSynced();
    proxier.setEndpointsSynced();
    await clock.tick(0);
    for (let i = 2; clock.now() < 140_000; i++) {
      proxier.onEndpointsUpdate(eps(`10.244.1.${i - 1}`), eps(`10.244.1.${i}`));
      await clock.tick(2000);
    }
    ac.abort();
    const full = syncs.filter((x) => x.full).map((x) => x.at);
    assert.deepEqual(full, [5000], 'only the first sync is full (and took 5 s)');
    const partial = syncs.filter((x) => x.full === false).length;
    assert.ok(partial >= 60, `partial syncs: ${partial}`);
    assert.deepEqual(canaryChecks, [30000, 60000, 90000, 120000], 'every 30 s on the monitor\'s own timer');
  });

  void it('the canary monitor forces a full sync when the canary is gone, and none while it is there', async () => {
    const { clock, iptables, syncs, proxier, ac } = setup();
    proxier.onServiceUpdate(undefined, web);
    proxier.onEndpointsUpdate(undefined, eps('10.244.1.1'));
    proxier.setServicesSynced();
    proxier.setEndpointsSynced();
    await clock.tick(0);
    const good = await iptables.save();
    await clock.tick(30000);
    assert.deepEqual(
      syncs.map((s) => [s.at, s.plan?.full]),
      [
        [0, true],
        [30000, false],
      ],
      'the canary is there: the periodic sync stays partial',
    );
    await clock.tick(5000);
    await cleanup(iptables); // someone flushed our chains
    await clock.tick(25000); // the monitor's next look, at 60 s
    assert.equal(syncs.at(-1)?.plan?.full, true, 'a full sync at once');
    assert.equal(syncs.at(-1)?.at, 60000);
    assert.equal(await iptables.save(), good, 'everything put back');
    await clock.tick(30000);
    assert.equal(syncs.at(-1)?.plan?.full, false, 'then partial again');
    ac.abort();
  });

  void it('the canary monitor does nothing before the first sync, nor after stop', async () => {
    const { clock, iptables, syncs, proxier, ac } = setup();
    assert.equal(await proxier.checkCanary(), false, 'nothing programmed yet: nothing to miss');
    proxier.setServicesSynced();
    proxier.setEndpointsSynced();
    await clock.tick(0);
    await cleanup(iptables);
    assert.equal(await proxier.checkCanary(), true);
    assert.equal(await proxier.checkCanary(), false, 'a full sync is already asked for');
    await clock.tick(1000);
    assert.equal(syncs.at(-1)?.plan?.full, true);
    ac.abort();
    const n = syncs.length;
    await cleanup(iptables);
    await clock.tick(120000);
    assert.equal(syncs.length, n, 'stopped: no timer left');
  });

  void it('a failed restore is reported and retried as a full sync after the minimum period', async () => {
    const { clock, iptables, syncs, proxier, ac } = setup();
    proxier.setServicesSynced();
    proxier.setEndpointsSynced();
    await clock.tick(0);
    await clock.tick(2000);
    iptables.failNext = true;
    proxier.onServiceUpdate(undefined, web);
    proxier.onEndpointsUpdate(undefined, eps('10.244.1.3'));
    await clock.tick(0);
    assert.match(String(syncs.at(-1)?.error), /injected failure/);
    await clock.tick(1000);
    const last = syncs.at(-1);
    assert.equal(last?.plan?.full, true);
    assert.equal(last?.at, 3000);
    assert.ok(iptables.chains('nat').get('SKIFF-SERVICES')?.some((r) => r.includes('10.96.0.10')));
    ac.abort();
  });
});
