// The apiserver's use of etcd under pressure: concurrent large writes from several connections (each
// stored or refused for its own size, none for its neighbours', other clients unaffected), and etcd
// compaction (old revisions become unreadable; one compaction per interval however many apiservers).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { isApiError, type KObject } from '@skiff/api';
import { run, type RunningApiServer } from '@skiff/apiserver';
import { createClient, discardLogger, type Client } from '@skiff/machinery';
import { startCluster, startEtcd, type TestCluster, type TestEtcd } from '../harness/index.js';

const NS = 'default';
/** The apiserver's default object limit: etcd 3.4's 1.5 MiB request limit less 8 KiB for keys. */
const OBJECT_LIMIT = 1_572_864 - 8192;

function configMap(name: string, bytes: number): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { big: 'c'.repeat(bytes) } } as KObject;
}

/** A pod of about `bytes` bytes (env values have no size rule of their own). */
function pod(name: string, bytes: number): KObject {
  const env = [];
  for (let left = bytes, i = 0; left > 0; i++, left -= 100_000) env.push({ name: `V${i}`, value: 'p'.repeat(Math.min(left, 100_000)) });
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { containers: [{ name: 'c', image: 'busybox', env }] } } as KObject;
}

interface Write {
  name: string;
  obj: KObject;
  /** Refused for its own size (over the object limit), or stored. */
  tooLarge: boolean;
}

/** Per connection: writes of mixed sizes up to the limit (and one past it). */
function writesFor(c: number, round: number): Write[] {
  const n = (s: string): string => `w${round}-${c}-${s}`;
  return [
    { name: n('cm-1mb'), obj: configMap(n('cm-1mb'), 1_000_000), tooLarge: false },
    { name: n('cm-600k'), obj: configMap(n('cm-600k'), 600_000), tooLarge: false },
    { name: n('pod-near-limit'), obj: pod(n('pod-near-limit'), OBJECT_LIMIT - 6000), tooLarge: false },
    { name: n('pod-over-limit'), obj: pod(n('pod-over-limit'), OBJECT_LIMIT + 2000), tooLarge: true },
    { name: n('cm-small'), obj: configMap(n('cm-small'), 100), tooLarge: false },
  ];
}

describe('concurrent large writes', () => {
  let k: TestCluster;
  const clients: Client[] = [];
  before(async () => {
    k = await startCluster();
    for (let i = 0; i < 4; i++) clients.push(createClient({ server: k.server.address }));
  });
  after(async () => {
    for (const c of clients) c.close();
    await k?.close();
  });

  it('stores or refuses each write for its own size, and other clients keep writing throughout', async () => {
    // Another client writes small objects all along; every one must succeed.
    let background = 0;
    const backgroundErrors: unknown[] = [];
    let stop = false;
    const other = (async () => {
      while (!stop) {
        try {
          await k.client.create(configMap(`bg-${background}`, 10));
          background++;
        } catch (e) {
          backgroundErrors.push(e);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const outcomes: { w: Write; err?: unknown }[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          clients.flatMap((client, c) =>
            writesFor(c, round).map(async (w) => {
              try {
                await client.create(w.obj);
                outcomes.push({ w });
              } catch (err) {
                outcomes.push({ w, err });
              }
            }),
          ),
        );
      }
    } finally {
      stop = true;
      await other;
    }
    assert.equal(outcomes.length, 3 * 4 * 5);
    for (const { w, err } of outcomes) {
      if (!w.tooLarge) {
        assert.equal(err, undefined, `${w.name} failed: ${String((err as Error)?.message ?? err)}`);
        continue;
      }
      assert.ok(isApiError(err), `${w.name}: ${String(err)}`);
      assert.equal(err.code, 'RESOURCE_EXHAUSTED', err.message);
      assert.equal(err.reason, 'RequestEntityTooLarge');
      assert.match(err.message, new RegExp(`the limit is ${OBJECT_LIMIT}`));
    }
    // What was stored is whole.
    const stored = await k.client.get('configmaps', NS, 'w2-3-cm-1mb');
    assert.equal((stored as KObject & { data: { big: string } }).data.big.length, 1_000_000);
    assert.deepEqual(backgroundErrors.map(String), [], 'writes of another client failed meanwhile');
    assert.ok(background > 0, 'the other client wrote');
    // And the etcd client's breaker is closed (an open one fails every write at once).
    await k.client.create(configMap('after', 10));
  });
});

describe("an apiserver whose request limit is set above etcd's", () => {
  // The apiserver is told etcd takes 4 MiB; etcd (3.4's defaults) refuses requests over 1.5 MiB,
  // and gRPC on etcd refuses messages over 2 MiB before etcd sees them.
  let etcd: TestEtcd;
  const ac = new AbortController();
  let server: RunningApiServer;
  const clients: Client[] = [];
  before(async () => {
    etcd = await startEtcd();
    server = await run({ etcdServers: [etcd.endpoint], listen: '127.0.0.1:0', httpListen: '', etcdMaxRequestBytes: 4 * 1024 * 1024 }, ac.signal, discardLogger());
    for (let i = 0; i < 5; i++) clients.push(createClient({ server: server.address }));
  });
  after(async () => {
    for (const c of clients) c.close();
    ac.abort();
    await server?.stopped;
    await etcd?.stop();
  });

  it("keeps each of etcd's refusals with its own write and never opens the etcd client's breaker", async () => {
    const writes = clients.slice(0, 4).flatMap((_, c) => [
      // Batched together past etcd's limits, refused as a batch, then stored one by one.
      { client: c, obj: configMap(`mis-${c}-a`, 1_000_000), refused: false },
      { client: c, obj: configMap(`mis-${c}-b`, 1_000_000), refused: false },
      // Past etcd's --max-request-bytes, and past gRPC's limit on etcd.
      { client: c, obj: pod(`mis-${c}-1600k`, 1_600_000), refused: true },
      { client: c, obj: pod(`mis-${c}-2500k`, 2_500_000), refused: true },
    ]);
    const outcomes = await Promise.all(
      writes.map((w) =>
        clients[w.client]!.create(w.obj).then(
          () => ({ w, err: undefined as unknown }),
          (err: unknown) => ({ w, err }),
        ),
      ),
    );
    for (const { w, err } of outcomes) {
      if (!w.refused) {
        assert.equal(err, undefined, `${w.obj.metadata.name} failed: ${String((err as Error)?.message ?? err)}`);
        continue;
      }
      assert.ok(isApiError(err), `${w.obj.metadata.name}: ${String(err)}`);
      assert.equal(err.code, 'RESOURCE_EXHAUSTED', err.message);
      assert.equal(err.reason, 'RequestEntityTooLarge');
    }
    // Eight refusals in a row did not open the breaker (an open one fails every write at once).
    await clients[4]!.create(configMap('mis-after', 10));
  });
});

describe('etcd compaction', () => {
  let etcd: TestEtcd;
  const servers: { ac: AbortController; server: RunningApiServer }[] = [];
  let client: Client;
  const INTERVAL_MS = 1000;

  before(async () => {
    etcd = await startEtcd();
    for (let i = 0; i < 2; i++) {
      const ac = new AbortController();
      const server = await run(
        { etcdServers: [etcd.endpoint], listen: '127.0.0.1:0', httpListen: '127.0.0.1:0', etcdCompactionIntervalMs: INTERVAL_MS },
        ac.signal,
        discardLogger(),
      );
      servers.push({ ac, server });
    }
    client = createClient({ server: servers[0]!.server.address });
  });
  after(async () => {
    client?.close();
    for (const s of servers) s.ac.abort();
    await Promise.all(servers.map((s) => s.server.stopped));
    await etcd?.stop();
  });

  /** A counter of one apiserver's /metrics, by outcome. */
  async function turns(s: RunningApiServer): Promise<Record<string, number>> {
    const text = await (await fetch(`${s.httpAddress}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^skiff_apiserver_etcd_compaction_turns_total\{outcome="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
    return out;
  }

  it('makes old revisions unreadable, one compaction per interval for two apiservers', async () => {
    const first = await client.create(configMap('compact-me', 10));
    const old = first.metadata.resourceVersion!;
    await client.update({ ...first, data: { big: 'changed' } } as KObject);
    await client.create(configMap('compact-me-2', 10));
    const page = await client.list('configmaps', { namespace: NS, limit: 1 });
    assert.ok(page.continue, 'a first page of two');

    const raw = new Etcd3({ hosts: etcd.endpoint });
    try {
      // The object as of the page's revision (after its create at `old`, and its update).
      const readOld = (): Promise<unknown> => raw.kv.range({ key: Buffer.from(`/registry/configmaps/${NS}/compact-me`), revision: page.resourceVersion });
      assert.ok(BigInt(old) < BigInt(page.resourceVersion!));
      await readOld(); // readable now
      const started = Date.now();
      // The first turn records a revision, the next compacts at it: within about two intervals.
      let compacted = false;
      while (!compacted && Date.now() - started < 10 * INTERVAL_MS) {
        await new Promise((r) => setTimeout(r, 200));
        compacted = await readOld().then(
          () => false,
          (e: Error) => /compacted/.test(e.message),
        );
      }
      assert.ok(compacted, 'the old revision is still readable');
      // Through the API: a continue token of that time is expired.
      await assert.rejects(client.list('configmaps', { namespace: NS, limit: 1, continue: page.continue }), (e: unknown) => isApiError(e) && e.code === 'OUT_OF_RANGE');

      // Several more intervals: the turns the two apiservers took add up to one per interval.
      const t0 = Date.now();
      const before = await Promise.all(servers.map((s) => turns(s.server)));
      await new Promise((r) => setTimeout(r, 4.5 * INTERVAL_MS));
      const afterTurns = await Promise.all(servers.map((s) => turns(s.server)));
      const elapsed = (Date.now() - t0) / INTERVAL_MS;
      const won = (t: Record<string, number>[]): number => t.reduce((n, x) => n + (x.compacted ?? 0) + (x.recorded ?? 0), 0);
      const compactions = won(afterTurns) - won(before);
      const skipped = afterTurns.reduce((n, x) => n + (x.skipped ?? 0), 0);
      assert.ok(compactions >= Math.floor(elapsed) - 1 && compactions <= Math.ceil(elapsed) + 1, `${compactions} compactions in ${elapsed.toFixed(1)} intervals`);
      assert.ok(skipped > 0, 'the other apiserver found its turns taken');
      assert.equal(afterTurns.reduce((n, x) => n + (x.error ?? 0), 0), 0, 'no compaction failed');
      // The lock key's version counts every turn taken, by either apiserver.
      const lock = await raw.kv.range({ key: Buffer.from('/registry/compact_rev_key') });
      assert.equal(Number(lock.kvs[0]!.version), won(afterTurns));
    } finally {
      raw.close();
    }
  });
});
