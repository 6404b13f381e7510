import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoints, Service } from '@skiff/api';
import { endpoints, service } from '../testing/objects.js';
import { EndpointsChangeTracker, ServiceChangeTracker, type EndpointsMap, type ServicePortMap } from '../tracker/change-tracker.js';
import { endpointChain, serviceChain } from './chain-names.js';
import { cleanup } from './cleanup.js';
import { FakeIptables } from './fake-iptables.js';
import type { PreparedRestore } from './iptables.js';
import type { EndpointInfo } from '../tracker/endpoint-info.js';
import type { Table } from './fixed-rules.js';
import type { PlannerConfig } from './rules-planner.js';
import { IptablesSyncer } from './syncer.js';

// What a node shows before the proxy ran: Docker's chains and the pod network's.
const NODE_BEFORE = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER-USER - [0:0]
:SKIFF-PODNET-FWD - [0:0]
-A FORWARD -j DOCKER-USER
-A DOCKER-USER -j SKIFF-PODNET-FWD
-A DOCKER-USER -j RETURN
-A SKIFF-PODNET-FWD -s 10.244.0.0/16 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:SKIFF-PODNET-MASQ - [0:0]
-A POSTROUTING -j SKIFF-PODNET-MASQ
-A SKIFF-PODNET-MASQ -s 10.244.1.0/24 ! -d 224.0.0.0/4 -j MASQUERADE
COMMIT
`;

async function harness(cfg: PlannerConfig = { clusterCIDR: '10.244.0.0/16' }, fake = new FakeIptables()) {
  if (fake.restores.length === 0) await fake.restore(NODE_BEFORE);
  const services: ServicePortMap = new Map();
  const eps: EndpointsMap = new Map();
  const st = new ServiceChangeTracker();
  const et = new EndpointsChangeTracker('node1');
  const syncer = new IptablesSyncer(fake, cfg);
  return {
    fake,
    syncer,
    svc: (prev: Service | undefined, cur: Service | undefined) => st.update(prev, cur),
    ep: (prev: Endpoints | undefined, cur: Endpoints | undefined) => et.update(prev, cur),
    sync: async (full = false, nodePortIPs?: string[]) => {
      const changed = new Set([...st.apply(services), ...et.apply(eps)]);
      const before = fake.restores.length;
      const plan = await syncer.sync({ services, endpoints: eps, ...(full ? {} : { changed }), ...(nodePortIPs ? { nodePortIPs } : {}) });
      return { plan, payloads: fake.restores.slice(before) };
    },
  };
}

const web = service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] });
const webEps = (...ips: string[]) => endpoints('ns1', 'web', ips.map((ip) => ({ ip })), [{ name: 'http', port: 8080 }]);
const SVC = serviceChain('ns1/web:http', 'tcp');
const SEP = (ip: string) => endpointChain('ns1/web:http', 'tcp', `${ip}:8080`);

void describe('iptables syncer with a fake iptables', () => {
  void it('the first sync is full: fixed chains, dispatch, service chains, the canary and the jumps, once', async () => {
    const h = await harness();
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3'));
    const { plan, payloads } = await h.sync();
    assert.equal(plan.full, true);
    assert.equal(payloads.length, 1);
    assert.equal(
      payloads[0],
      `*filter
:SKIFF-SERVICES - [0:0]
:SKIFF-EXTERNAL-SERVICES - [0:0]
:SKIFF-PROXY-CANARY - [0:0]
:SKIFF-FORWARD - [0:0]
-A SKIFF-SERVICES -m comment --comment "ns1/web has no such port" -d 10.96.0.10 -j REJECT
-A SKIFF-FORWARD -m conntrack --ctstate INVALID -j DROP
-A SKIFF-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A SKIFF-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-I INPUT 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j SKIFF-EXTERNAL-SERVICES
-I FORWARD 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j SKIFF-EXTERNAL-SERVICES
-I FORWARD 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j SKIFF-SERVICES
-I OUTPUT 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j SKIFF-SERVICES
-I FORWARD 1 -m comment --comment "kubernetes forwarding rules" -j SKIFF-FORWARD
COMMIT
*nat
:SKIFF-SERVICES - [0:0]
:SKIFF-NODEPORTS - [0:0]
:SKIFF-PROXY-CANARY - [0:0]
:SKIFF-MARK-MASQ - [0:0]
:SKIFF-POSTROUTING - [0:0]
:${SVC} - [0:0]
:${SEP('10.244.1.3')} - [0:0]
-A SKIFF-SERVICES -m comment --comment "ns1/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j ${SVC}
-A SKIFF-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS
-A SKIFF-MARK-MASQ -j MARK --or-mark 0x4000
-A SKIFF-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A SKIFF-POSTROUTING -j MARK --xor-mark 0x4000
-A SKIFF-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A ${SVC} -m comment --comment "ns1/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A ${SVC} -m comment --comment "ns1/web:http -> 10.244.1.3:8080" -j ${SEP('10.244.1.3')}
-A ${SEP('10.244.1.3')} -m comment --comment ns1/web:http -s 10.244.1.3 -j SKIFF-MARK-MASQ
-A ${SEP('10.244.1.3')} -m comment --comment ns1/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.3:8080
-I OUTPUT 1 -m comment --comment "kubernetes service portals" -j SKIFF-SERVICES
-I PREROUTING 1 -m comment --comment "kubernetes service portals" -j SKIFF-SERVICES
-I POSTROUTING 1 -m comment --comment "kubernetes postrouting rules" -j SKIFF-POSTROUTING
COMMIT
*mangle
:SKIFF-PROXY-CANARY - [0:0]
COMMIT
`,
    );
    // A second full sync adds no jump twice.
    await h.sync(true);
    const nat = h.fake.chains('nat');
    assert.equal(nat.get('PREROUTING')?.filter((r) => r.endsWith('-j SKIFF-SERVICES')).length, 1);
    assert.equal(h.fake.chains('filter').get('FORWARD')?.length, 4, 'three jumps of ours and Docker\'s');
  });

  void it('an endpoints-only change rewrites the service chain and its new endpoint chain, not the dispatch chains', async () => {
    const h = await harness();
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3'));
    await h.sync();
    h.ep(webEps('10.244.1.3'), webEps('10.244.1.3', '10.244.2.4'));
    const { plan, payloads } = await h.sync();
    assert.equal(plan.full, false);
    assert.equal(
      payloads.join(''),
      `*nat
:${SVC} - [0:0]
:${SEP('10.244.1.3')} - [0:0]
:${SEP('10.244.2.4')} - [0:0]
-A ${SVC} -m comment --comment "ns1/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A ${SVC} -m comment --comment "ns1/web:http -> 10.244.1.3:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP('10.244.1.3')}
-A ${SVC} -m comment --comment "ns1/web:http -> 10.244.2.4:8080" -j ${SEP('10.244.2.4')}
-A ${SEP('10.244.1.3')} -m comment --comment ns1/web:http -s 10.244.1.3 -j SKIFF-MARK-MASQ
-A ${SEP('10.244.1.3')} -m comment --comment ns1/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.3:8080
-A ${SEP('10.244.2.4')} -m comment --comment ns1/web:http -s 10.244.2.4 -j SKIFF-MARK-MASQ
-A ${SEP('10.244.2.4')} -m comment --comment ns1/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.4:8080
COMMIT
`,
    );
  });

  void it('a removed endpoint: its chain is deleted after the service chain is rewritten', async () => {
    const h = await harness();
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3', '10.244.2.4'));
    await h.sync();
    h.ep(webEps('10.244.1.3', '10.244.2.4'), webEps('10.244.1.3'));
    const { payloads } = await h.sync();
    const p = payloads.join('');
    assert.match(p, new RegExp(`^:${SEP('10.244.2.4')} - \\[0:0\\]$`, 'm'));
    assert.match(p, new RegExp(`^-X ${SEP('10.244.2.4')}\nCOMMIT\n$`, 'm'));
    assert.doesNotMatch(p, /SKIFF-SERVICES/);
    assert.equal(h.fake.chains('nat').has(SEP('10.244.2.4')), false);
  });

  void it('the last endpoint gone: dispatch rewritten to REJECT in filter, service chains deleted', async () => {
    const h = await harness();
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3'));
    await h.sync();
    h.ep(webEps('10.244.1.3'), webEps());
    await h.sync();
    const filter = h.fake.chains('filter').get('SKIFF-SERVICES');
    assert.deepEqual(filter, [
      '-A SKIFF-SERVICES -m comment --comment "ns1/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j REJECT',
      '-A SKIFF-SERVICES -m comment --comment "ns1/web has no such port" -d 10.96.0.10 -j REJECT',
    ]);
    const nat = h.fake.chains('nat');
    assert.equal(nat.has(SVC) || nat.has(SEP('10.244.1.3')), false);
    assert.deepEqual(nat.get('SKIFF-SERVICES')?.length, 1, 'only the node ports jump');
  });

  void it('a deleted service leaves nothing behind but the fixed chains', async () => {
    const h = await harness();
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3'));
    await h.sync();
    h.svc(web, undefined);
    h.ep(webEps('10.244.1.3'), undefined);
    await h.sync();
    assert.deepEqual([...h.fake.chains('nat').keys()].filter((c) => c.startsWith('SKIFF-') && !c.startsWith('SKIFF-PODNET')).sort(), [
      'SKIFF-MARK-MASQ',
      'SKIFF-NODEPORTS',
      'SKIFF-POSTROUTING',
      'SKIFF-PROXY-CANARY',
      'SKIFF-SERVICES',
    ]);
  });

  void it('--nodeport-addresses: SKIFF-SERVICES ends with a jump per listed local address, rewritten when they change', async () => {
    const h = await harness();
    const np = service('ns1', 'np', { type: 'NodePort', clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
    h.svc(undefined, np);
    h.ep(undefined, endpoints('ns1', 'np', [{ ip: '10.244.1.3' }], [{ name: 'http', port: 8080 }]));
    const tail = (): string[] => (h.fake.chains('nat').get('SKIFF-SERVICES') ?? []).filter((r) => r.includes('SKIFF-NODEPORTS'));
    const note = '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"';
    const cases: { name: string; ips: string[] | undefined; want: string[] }[] = [
      { name: 'two addresses', ips: ['192.168.5.10', '192.168.5.11'], want: [`-A SKIFF-SERVICES ${note} -d 192.168.5.10/32 -j SKIFF-NODEPORTS`, `-A SKIFF-SERVICES ${note} -d 192.168.5.11/32 -j SKIFF-NODEPORTS`] },
      { name: 'one gone', ips: ['192.168.5.11'], want: [`-A SKIFF-SERVICES ${note} -d 192.168.5.11/32 -j SKIFF-NODEPORTS`] },
      { name: 'none local', ips: [], want: [] },
      { name: 'unset: every local address', ips: undefined, want: [`-A SKIFF-SERVICES ${note} -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS`] },
    ];
    let first = true;
    for (const c of cases) {
      const { plan, payloads } = await h.sync(false, c.ips);
      assert.equal(plan.full, first, c.name);
      first = false;
      assert.deepEqual(tail(), c.want, c.name);
      if (c.want.length > 0) assert.deepEqual((h.fake.chains('nat').get('SKIFF-SERVICES') ?? []).slice(-c.want.length), c.want, `${c.name}: the last rules`);
      if (!plan.full) assert.match(payloads[0] ?? '', /^:SKIFF-SERVICES - \[0:0\]$/m, `${c.name}: the partial sync rewrote the dispatch chain`);
    }
  });

  void it('a flushed table (canary gone) is seen by canaryMissing, and a full sync puts everything back', async () => {
    const h = await harness();
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3'));
    await h.sync();
    assert.equal(await h.syncer.canaryMissing(), false);
    const good = await h.fake.save();
    await cleanup(h.fake); // someone else removed our chains
    assert.equal(await h.syncer.canaryMissing(), true);
    const { plan } = await h.sync(true);
    assert.equal(plan.full, true);
    assert.equal(await h.fake.save(), good);
    assert.equal(await h.syncer.canaryMissing(), false);
  });

  void it('a sync never looks for the canary itself (the proxier\'s monitor does)', async () => {
    let checks = 0;
    class Counting extends FakeIptables {
      override chainExists(table: Table, chain: string): Promise<boolean> {
        checks++;
        return super.chainExists(table, chain);
      }
    }
    const h = await harness(undefined, new Counting());
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3'));
    await h.sync();
    h.ep(webEps('10.244.1.3'), webEps('10.244.1.4'));
    assert.equal((await h.sync()).plan.full, false);
    await h.sync();
    assert.equal(checks, 0);
  });

  void it('a failed restore makes the next sync full', async () => {
    const h = await harness();
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.1.3'));
    await h.sync();
    h.ep(webEps('10.244.1.3'), webEps('10.244.1.4'));
    h.fake.failNext = true;
    await assert.rejects(h.sync(), /injected failure/);
    const { plan } = await h.sync();
    assert.equal(plan.full, true);
    assert.equal(h.fake.chains('nat').has(SEP('10.244.1.4')), true);
    assert.equal(h.fake.chains('nat').has(SEP('10.244.1.3')), false, 'the full sync deletes the stale chain');
  });

  void it('after a restart the first full sync deletes chains of services gone meanwhile, keeps working ones', async () => {
    const h = await harness();
    const other = service('ns1', 'other', { clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80 }] });
    h.svc(undefined, web);
    h.svc(undefined, other);
    h.ep(undefined, webEps('10.244.1.3'));
    h.ep(undefined, endpoints('ns1', 'other', [{ ip: '10.244.1.9' }], [{ name: 'http', port: 8080 }]));
    await h.sync();
    const h2 = await harness(undefined, h.fake);
    h2.svc(undefined, web);
    h2.ep(undefined, webEps('10.244.1.3'));
    const { plan } = await h2.sync();
    assert.equal(plan.full, true);
    assert.equal(plan.chainsDeleted, 2);
    const nat = h.fake.chains('nat');
    assert.equal(nat.has(serviceChain('ns1/other:http', 'tcp')), false);
    assert.equal(nat.has(SVC), true);
  });

  void it('a large sync is split into restores of bounded chain count, with the same result', async () => {
    const build = async (max?: number) => {
      const h = await harness({ clusterCIDR: '10.244.0.0/16', ...(max ? { maxChainsPerRestore: max } : {}) });
      for (let i = 0; i < 5; i++) {
        h.svc(undefined, service('ns1', `s${i}`, { clusterIP: `10.96.1.${i}`, ports: [{ name: 'http', port: 80 }] }));
        h.ep(undefined, endpoints('ns1', `s${i}`, [{ ip: `10.244.1.${i}` }, { ip: `10.244.2.${i}` }], [{ name: 'http', port: 8080 }]));
      }
      const { payloads } = await h.sync();
      return { payloads, saved: await h.fake.save() };
    };
    const one = await build();
    const split = await build(7);
    assert.equal(one.payloads.length, 1);
    assert.equal(split.payloads.length, 4, 'three chunks of at most 7 service chains (3 per service), then the rest');
    for (const p of split.payloads.slice(0, -1)) assert.ok((p.match(/^:/gm) ?? []).length <= 7);
    assert.equal(split.saved, one.saved);
  });

  void it('a sync reports its stages: save and plan, then each restore prepared and applied in order (one restore alone: streamed)', async () => {
    const h = await harness({ clusterCIDR: '10.244.0.0/16', maxChainsPerRestore: 7 });
    for (let i = 0; i < 5; i++) {
      h.svc(undefined, service('ns1', `s${i}`, { clusterIP: `10.96.1.${i}`, ports: [{ name: 'http', port: 80 }] }));
      h.ep(undefined, endpoints('ns1', `s${i}`, [{ ip: `10.244.1.${i}` }, { ip: `10.244.2.${i}` }], [{ name: 'http', port: 8080 }]));
    }
    const { plan } = await h.sync();
    const tl = plan.timeline;
    assert.ok(tl);
    const names = tl.stages.map(([n]) => n);
    assert.deepEqual([...names].sort(), ['apply 1', 'apply 2', 'apply 3', 'apply 4', 'plan', 'prepare 1', 'prepare 2', 'prepare 3', 'prepare 4', 'rewrite', 'save'].sort());
    const at = (n: string): [number, number] => {
      const s = tl.stages.find(([x]) => x === n);
      assert.ok(s, n);
      return [s[1], s[2]];
    };
    for (const [, a, b] of tl.stages) assert.ok(a <= b && b <= tl.totalMs, `${a}-${b} within ${tl.totalMs}`);
    assert.ok(at('plan')[1] <= at('prepare 1')[0], 'the payloads after the plan');
    assert.ok(at('plan')[0] <= at('rewrite')[0] && at('rewrite')[1] <= at('plan')[1], 'the rewrite is part of the plan');
    for (let n = 1; n <= 4; n++) assert.ok(at(`prepare ${n}`)[1] <= at(`apply ${n}`)[0], `restore ${n} applied after it was prepared`);
    for (let n = 2; n <= 4; n++) assert.ok(at(`apply ${n - 1}`)[1] <= at(`apply ${n}`)[0], `restore ${n} after restore ${n - 1}`);
    assert.ok(tl.cpuMs >= 0);
    h.ep(endpoints('ns1', 's0', [{ ip: '10.244.1.0' }, { ip: '10.244.2.0' }], [{ name: 'http', port: 8080 }]), endpoints('ns1', 's0', [{ ip: '10.244.1.0' }], [{ name: 'http', port: 8080 }]));
    const partial = (await h.sync()).plan;
    assert.deepEqual(partial.timeline?.stages.map(([n]) => n), ['plan', 'restore 1'], 'a partial sync: no save, its one restore streamed');
  });

  void it('a split sync prepares the next payload while the one before is applied, one ahead at most, and applies them in order; a failed restore stops the ones after it', async () => {
    // Each apply is held until released, and a prepare may be held too; `events` records them.
    const events: string[] = [];
    const held: { release: () => void; fail: (e: Error) => void }[] = [];
    let open = false; // once set, nothing more is held
    const gate = () => (open ? Promise.resolve() : new Promise<void>((resolve, reject) => held.push({ release: resolve, fail: reject })));
    const openAll = () => {
      open = true;
      held.forEach((h) => h.release());
    };
    class HeldIptables extends FakeIptables {
      reads = 0;
      /** Prepares that finish only when released (the syncer must not apply a later one first). */
      slowPrepares = false;
      override async prepare(pieces: string | Iterable<string>): Promise<PreparedRestore> {
        const n = ++this.reads;
        const ready = await super.prepare(pieces);
        if (n === 1) return ready; // NODE_BEFORE
        events.push(`read ${n}`);
        if (this.slowPrepares) await gate();
        return {
          apply: async () => {
            events.push(`start ${n}`);
            if (!this.slowPrepares) await gate();
            await ready.apply();
            events.push(`done ${n}`);
          },
          discard: async () => {
            events.push(`discard ${n}`);
            await ready.discard();
          },
        };
      }
    }
    const setup = async (slowPrepares = false) => {
      const fake = new HeldIptables();
      const h = await harness({ clusterCIDR: '10.244.0.0/16', maxChainsPerRestore: 7 }, fake);
      for (let i = 0; i < 5; i++) {
        h.svc(undefined, service('ns1', `s${i}`, { clusterIP: `10.96.1.${i}`, ports: [{ name: 'http', port: 80 }] }));
        h.ep(undefined, endpoints('ns1', `s${i}`, [{ ip: `10.244.1.${i}` }, { ip: `10.244.2.${i}` }], [{ name: 'http', port: 8080 }]));
      }
      events.length = 0;
      held.length = 0;
      open = false;
      fake.slowPrepares = slowPrepares;
      return { fake, syncing: h.sync() };
    };
    const settle = () => new Promise((r) => setTimeout(r, 10));

    const ok = await setup();
    await settle();
    assert.deepEqual(events, ['read 2', 'start 2', 'read 3'], 'the second payload is prepared while the first is applied, the third not yet');
    held[0]?.release();
    await settle();
    assert.deepEqual(events.slice(3), ['done 2', 'start 3', 'read 4']);
    openAll();
    const { payloads } = await ok.syncing;
    assert.equal(payloads.length, 4);
    assert.deepEqual(events.filter((e) => e.startsWith('start')), ['start 2', 'start 3', 'start 4', 'start 5'], 'applied in order, one at a time');

    // Prepares that take long (a wrapper, a slow disk): each restore still waits for the one before.
    const slow = await setup(true);
    await settle();
    assert.deepEqual(events, ['read 2'], 'nothing is applied before its payload is prepared');
    held[0]?.release();
    await settle();
    assert.deepEqual(events.slice().sort(), ['done 2', 'read 2', 'read 3', 'start 2'], 'the first is applied while the second is prepared');
    held[1]?.release();
    await settle();
    assert.deepEqual(events.slice(4).sort(), ['done 3', 'read 4', 'start 3']);
    openAll();
    assert.equal((await slow.syncing).payloads.length, 4);
    assert.deepEqual(events.filter((e) => !e.startsWith('read')), ['start 2', 'done 2', 'start 3', 'done 3', 'start 4', 'done 4', 'start 5', 'done 5']);
    assert.equal(await slow.fake.save(), await ok.fake.save(), 'the same rules');

    const bad = await setup();
    await settle();
    held[0]?.fail(new Error('iptables-restore: refused'));
    await assert.rejects(bad.syncing, /refused/);
    assert.deepEqual(events, ['read 2', 'start 2', 'read 3', 'discard 3'], 'the restore prepared behind the failed one is discarded, and no other is read');
    assert.equal(bad.fake.restores.length, 1, 'nothing but the node\'s own rules was applied');
  });

  void it('a full sync plans the service chains while one iptables-save reads every table, and writes what it found', async () => {
    const saves: { table: string | undefined; release: () => void }[] = [];
    class SlowSaves extends FakeIptables {
      hold = false;
      override save(table?: Table): Promise<string> {
        if (!this.hold) return super.save(table);
        return new Promise<void>((resolve) => saves.push({ table, release: resolve })).then(() => super.save(table));
      }
    }
    const fake = new SlowSaves();
    await fake.restore(NODE_BEFORE);
    // A chain left by an earlier run, and the jump into SKIFF-SERVICES already there.
    await fake.restore('*nat\n:SKIFF-SERVICES - [0:0]\n:SKIFF-SVC-LEFTOVER0000000 - [0:0]\n-A PREROUTING -m comment --comment "kubernetes service portals" -j SKIFF-SERVICES\nCOMMIT\n');
    const services: ServicePortMap = new Map();
    const lookups: string[] = [];
    class Recording extends Map<string, EndpointInfo[]> {
      override get(name: string) {
        lookups.push(name);
        return super.get(name);
      }
    }
    const eps = new Recording();
    const st = new ServiceChangeTracker();
    const et = new EndpointsChangeTracker('node1');
    st.update(undefined, web);
    et.update(undefined, webEps('10.244.1.3'));
    st.apply(services);
    et.apply(eps);
    fake.hold = true;
    const syncing = new IptablesSyncer(fake, { clusterCIDR: '10.244.0.0/16' }).sync({ services, endpoints: eps });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(saves.map((x) => x.table), [undefined], 'one iptables-save of every table started');
    assert.ok(lookups.includes('ns1/web:http'), 'the service was planned while the saves ran');
    assert.equal(fake.restores.length, 2, 'nothing restored before the saves are read');
    saves.forEach((x) => x.release());
    const plan = await syncing;
    assert.equal(plan.full, true);
    assert.equal(plan.chainsDeleted, 1);
    const nat = fake.chains('nat');
    assert.equal(nat.has('SKIFF-SVC-LEFTOVER0000000'), false, 'the stale chain the save found is deleted');
    assert.equal(nat.get('PREROUTING')?.filter((r) => r.includes('-j SKIFF-SERVICES')).length, 1, 'the jump the save found is not added again');
    assert.equal(nat.get('OUTPUT')?.filter((r) => r.includes('-j SKIFF-SERVICES')).length, 1, 'the missing one is');
    assert.ok(nat.has(SVC));
  });

  void it('over 1,000 endpoints the per-endpoint rules carry no comment (kube-proxy\'s large cluster mode); crossing the threshold rewrites every chain', async () => {
    const h = await harness();
    for (let i = 0; i < 100; i++) {
      h.svc(undefined, service('ns1', `s${i}`, { clusterIP: `10.96.1.${i}`, ports: [{ name: 'http', port: 80 }] }));
      h.ep(undefined, endpoints('ns1', `s${i}`, Array.from({ length: 10 }, (_, j) => ({ ip: `10.244.${i}.${j + 1}` })), [{ name: 'http', port: 8080 }]));
    }
    const sepRules = (): string[] => [...h.fake.chains('nat')].filter(([c]) => c.startsWith('SKIFF-SEP-')).flatMap(([, rules]) => rules);
    await h.sync();
    assert.equal(sepRules().length, 2000);
    assert.ok(sepRules().every((r) => r.includes('--comment')), '1,000 endpoints: with comments');
    h.svc(undefined, web);
    h.ep(undefined, webEps('10.244.200.1'));
    const { plan } = await h.sync();
    assert.equal(plan.full, false);
    assert.equal(sepRules().length, 2002);
    assert.ok(sepRules().every((r) => !r.includes('--comment')), '1,001 endpoints: none, in every chain');
    h.ep(webEps('10.244.200.1'), undefined);
    assert.equal((await h.sync()).plan.full, false);
    assert.ok(sepRules().every((r) => r.includes('--comment')), 'back to 1,000: with comments again');
  });

  void it('cleanup leaves the tables exactly as before the proxy ran', async () => {
    const h = await harness();
    const before = await h.fake.save();
    h.svc(undefined, service('ns2', 'np', { type: 'NodePort', clusterIP: '10.96.0.20', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }));
    h.ep(undefined, endpoints('ns2', 'np', [{ ip: '10.244.1.3', node: 'node1' }], [{ name: 'http', port: 8080 }]));
    h.svc(undefined, web);
    await h.sync();
    assert.notEqual(await h.fake.save(), before);
    assert.ok((await cleanup(h.fake)) > 10);
    assert.equal(await h.fake.save(), before);
    assert.equal(await cleanup(h.fake), 0, 'a second cleanup finds nothing');
  });
});
