// Crash safety of skiff-apiserver:
// - `kill -9` of the apiserver during a burst of creates loses no acknowledged write, and leaves no
//   partial object behind;
// - a watch resumed from a resourceVersion sees every later change exactly once, across an apiserver
//   crash and across an etcd crash; one that resumes from before the restarted apiserver's window
//   sees each change up to there once, then OUT_OF_RANGE (the client re-lists).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, type KObject } from '@skiff/api';
import { createClient, type Client } from '@skiff/machinery';
import { startEtcd, type TestEtcd } from '../harness/etcd.js';
import { eventually, sleep, spawnApiServer, type ApiServerProcess } from '../harness/fuzz-proc.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const codeOf = (e: unknown): string => (e instanceof ApiError ? e.code : String(e));

function configMap(namespace: string, name: string, step: string): KObject {
  const payload = randomBytes(512 + Math.floor(Math.random() * 2048)).toString('base64');
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { test: 'crash' } }, data: { step, payload, sha: sha(payload) } };
}

/** A stored burst object is complete: its payload matches the checksum written with it. */
function intact(o: KObject): boolean {
  const d = o.data as Record<string, string> | undefined;
  return !!d && typeof d.payload === 'string' && d.sha === sha(d.payload) && typeof d.step === 'string';
}

describe('apiserver crash safety', () => {
  const procs: ApiServerProcess[] = [];
  const clients: Client[] = [];
  const etcds: TestEtcd[] = [];

  const client = (address: string, name: string, timeoutMs = 10_000): Client => {
    const c = createClient({ server: address, timeoutMs, userAgent: `skiff-crash-${name}` });
    clients.push(c);
    return c;
  };
  const apiserver = async (etcd: TestEtcd, port?: number): Promise<ApiServerProcess> => {
    const p = await spawnApiServer(etcd.endpoint, port === undefined ? {} : { port });
    procs.push(p);
    return p;
  };

  after(async () => {
    for (const c of clients) c.close();
    for (const p of procs) await p.kill().catch(() => {});
    for (const e of etcds) await e.stop().catch(() => {});
  });

  describe('kill -9 during a burst of creates', () => {
    let etcd: TestEtcd;
    before(async () => {
      etcd = await startEtcd();
      etcds.push(etcd);
    });

    it('loses no acknowledged create and leaves every other one complete or absent', async () => {
      const first = await apiserver(etcd);
      const writer = client(first.address, 'burst-writer');
      await writer.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'burst' } } as KObject);

      const acked = new Map<string, { uid: string; rv: string; sha: string }>();
      const failed = new Map<string, string>();
      const attempted = new Set<string>();
      let killed = false;
      let ackedAfterKill = 0;
      const earlyFailures: string[] = [];
      const IN_FLIGHT = 64;
      const workers = Array.from({ length: IN_FLIGHT }, async (_, w) => {
        for (let n = 0; !killed; n++) {
          const name = `burst-${w}-${n}`;
          const obj = configMap('burst', name, String(n));
          attempted.add(name);
          try {
            const got = await writer.create(obj);
            acked.set(name, { uid: got.metadata.uid!, rv: got.metadata.resourceVersion!, sha: (obj.data as Record<string, string>).sha! });
            if (killed) ackedAfterKill++;
          } catch (e) {
            failed.set(name, codeOf(e));
            if (!killed) {
              earlyFailures.push(`${name}: ${codeOf(e)} ${(e as Error).message}`);
              return;
            }
          }
        }
      });
      const burst = Promise.all(workers);
      const stopBurst = (): void => {
        killed = true;
      };
      // At least a second of burst and a few hundred acknowledged creates, then the crash.
      const t0 = Date.now();
      await eventually('a second of burst with 300 acknowledged creates', 30_000, async () => (Date.now() - t0 >= 1000 && acked.size >= 300 ? true : undefined), 20);
      const ackedAtKill = acked.size;
      stopBurst(); // from here on, failures are the crash's doing (and late answers still count as acknowledged)
      await first.kill('SIGKILL');
      await burst;
      console.log(
        `burst: ${attempted.size} creates sent, ${acked.size} acknowledged (${ackedAfterKill} of them answered while the apiserver was being killed), ` +
          `${failed.size} failed (${[...new Set(failed.values())].join(', ')}); ${ackedAtKill} acknowledged at the kill`,
      );
      assert.deepEqual(earlyFailures.slice(0, 5), [], 'creates failed before the apiserver was killed');
      assert.ok(failed.size > 0, 'the kill should have interrupted some in-flight creates');

      const second = await apiserver(etcd);
      const reader = client(second.address, 'burst-reader');
      const lost: string[] = [];
      for (const [name, a] of acked) {
        try {
          const o = await reader.get('configmaps', 'burst', name);
          if (o.metadata.uid !== a.uid || o.metadata.resourceVersion !== a.rv || !intact(o) || (o.data as Record<string, string>).sha !== a.sha) {
            lost.push(`${name}: acknowledged uid ${a.uid} rv ${a.rv}, stored uid ${o.metadata.uid} rv ${o.metadata.resourceVersion}${intact(o) ? '' : ' (payload corrupt)'}`);
          }
        } catch (e) {
          lost.push(`${name}: acknowledged uid ${a.uid} rv ${a.rv}, now ${codeOf(e)}`);
        }
      }
      assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${acked.size} acknowledged creates were lost or changed`);

      // Everything stored is complete, was sent by this test, and matches its acknowledgement if any.
      const list = await reader.list('configmaps', { namespace: 'burst' });
      const problems: string[] = [];
      let failedButStored = 0;
      for (const o of list.items) {
        const name = o.metadata.name!;
        if (!attempted.has(name)) problems.push(`${name}: never sent`);
        if (!intact(o)) problems.push(`${name}: incomplete (${JSON.stringify(o).slice(0, 200)})`);
        if (!o.metadata.uid || !o.metadata.resourceVersion || !o.metadata.creationTimestamp) problems.push(`${name}: metadata incomplete`);
        const a = acked.get(name);
        if (a && a.uid !== o.metadata.uid) problems.push(`${name}: uid ${o.metadata.uid}, acknowledged ${a.uid}`);
        if (failed.has(name)) failedButStored++;
      }
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length} bad objects after the crash`);
      const stored = new Set(list.items.map((o) => o.metadata.name!));
      for (const name of acked.keys()) assert.ok(stored.has(name), `acknowledged ${name} is missing from the list`);
      console.log(`after the crash: ${list.items.length} stored (${acked.size} acknowledged, ${failedButStored} of the ${failed.size} interrupted creates went through)`);

      // The new apiserver's watch cache agrees with etcd.
      await eventually('the watch cache to hold what etcd holds', 10_000, async () => {
        const cached = await reader.list('configmaps', { namespace: 'burst', resourceVersion: '0' });
        const a = cached.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
        const b = list.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
        return JSON.stringify(a) === JSON.stringify(b) ? true : undefined;
      });

      // And it takes new writes.
      const after = await reader.create(configMap('burst', 'after-crash', 'x'));
      assert.ok(after.metadata.uid);
    });
  });

  describe('watch resumption across crashes', () => {
    interface Seen {
      type: string;
      name: string;
      rv: string;
    }

    /** A watch that resumes from the resourceVersion of the last batch it fully received. */
    class ResumingWatch {
      readonly events: Seen[] = [];
      readonly interruptions: string[] = [];
      lastRV: string;
      private ac = new AbortController();
      private done: Promise<void>;

      constructor(
        private readonly c: Client,
        private readonly namespace: string,
        fromRV: string,
      ) {
        this.lastRV = fromRV;
        this.done = this.loop(this.ac.signal);
      }

      private async loop(signal: AbortSignal): Promise<void> {
        while (!signal.aborted) {
          try {
            for await (const b of this.c.watch('configmaps', { namespace: this.namespace, resourceVersion: this.lastRV }, signal)) {
              for (const e of b.events) {
                if (e.type === 'BOOKMARK') continue;
                this.events.push({ type: e.type, name: e.object?.metadata.name ?? '?', rv: e.object?.metadata.resourceVersion ?? '?' });
              }
              if (b.resourceVersion) this.lastRV = b.resourceVersion;
            }
            if (!signal.aborted) this.interruptions.push('stream ended');
          } catch (e) {
            this.interruptions.push(codeOf(e));
            if (codeOf(e) === 'OUT_OF_RANGE' || codeOf(e) === 'INVALID_ARGUMENT') return; // resuming cannot help
          }
          if (!signal.aborted) await sleep(100);
        }
      }

      /** Stops watching (a client that goes away); resume() continues from the last full batch. */
      async stop(): Promise<void> {
        this.ac.abort();
        await this.done;
      }

      resume(): void {
        this.ac = new AbortController();
        this.done = this.loop(this.ac.signal);
      }
    }

    let etcd: TestEtcd;
    before(async () => {
      etcd = await startEtcd();
      etcds.push(etcd);
    });

    it('sees every change exactly once across an apiserver kill -9 and an etcd kill -9', async () => {
      const ns = 'watched';
      let server = await apiserver(etcd);
      const port = server.port;
      const w = client(server.address, 'watch-writer');
      await w.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KObject);
      // Unrelated writes in another namespace interleave: they must not show up.
      await w.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'noise' } } as KObject);
      const start = (await w.list('configmaps', { namespace: ns })).resourceVersion;

      const expected: Seen[] = [];
      const watchers = [new ResumingWatch(client(server.address, 'watch-a'), ns, start), new ResumingWatch(client(server.address, 'watch-b'), ns, start)];

      /** One write whose outcome is known: on an error, re-read to learn whether it happened. */
      let step = 0;
      const write = async (kind: 'create' | 'update' | 'delete', name: string): Promise<void> => {
        const s = String(++step);
        for (let attempt = 0; ; attempt++) {
          try {
            if (kind === 'create') {
              const o = await w.create(configMap(ns, name, s));
              expected.push({ type: 'ADDED', name, rv: o.metadata.resourceVersion! });
            } else if (kind === 'update') {
              const cur = await w.get('configmaps', ns, name);
              if ((cur.data as Record<string, string>).step === s) {
                expected.push({ type: 'MODIFIED', name, rv: cur.metadata.resourceVersion! });
                return;
              }
              const o = await w.update({ ...configMap(ns, name, s), metadata: { ...cur.metadata } });
              expected.push({ type: 'MODIFIED', name, rv: o.metadata.resourceVersion! });
            } else {
              const r = await w.delete('configmaps', ns, name);
              expected.push({ type: 'DELETED', name, rv: r.object.metadata.resourceVersion! });
            }
            return;
          } catch (e) {
            if (attempt >= 50) throw e;
            if (kind === 'create') {
              const got = await w.get('configmaps', ns, name).catch(() => undefined);
              if (got && (got.data as Record<string, string>).step === s) {
                expected.push({ type: 'ADDED', name, rv: got.metadata.resourceVersion! });
                return;
              }
            }
            if (kind === 'delete' && attempt > 0 && codeOf(e) === 'NOT_FOUND') {
              throw new Error(`delete of ${name} had an unknown outcome (its deletion revision is lost); retry the test`, { cause: e });
            }
            await sleep(100);
          }
        }
      };
      const noise = async (i: number): Promise<void> => {
        await w.create(configMap('noise', `n-${i}`, String(i)));
      };
      const phase = async (label: string, from: number, to: number): Promise<void> => {
        for (let i = from; i < to; i++) {
          await write('create', `cm-${i}`);
          if (i % 3 === 0) await noise(i);
          if (i % 2 === 0) await write('update', `cm-${i}`);
          if (i % 4 === 0) await write('update', `cm-${i}`);
          if (i % 5 === 0) await write('delete', `cm-${i}`);
          if (i > from && i % 7 === 0 && (i - 1) % 5 !== 0) await write('delete', `cm-${i - 1}`);
        }
        console.log(`${label}: ${expected.length} changes written so far (rv ${expected[expected.length - 1]?.rv})`);
      };
      // A watch that falls behind is recorded and the story goes on, so that one failure does not hide
      // what the later crashes do; the sequences are compared at the end.
      const problems: string[] = [];
      const caughtUp = async (what: string): Promise<void> => {
        await eventually(`${what}: watch a to see all ${expected.length} changes`, 10_000, async () =>
          watchers[0]!.events.length >= expected.length ? true : undefined,
        ).catch((e: unknown) => {
          problems.push(`${String(e)}; ${watchers.map((x, i) => `watch ${i} saw ${x.events.length}, interruptions: ${x.interruptions.join(', ') || 'none'}`).join('; ')}`);
        });
      };

      await phase('before the apiserver crash', 0, 15);
      // Watch b goes away for a while: it resumes after the restart, from a resourceVersion older than
      // the new apiserver's watch window, and is told so (OUT_OF_RANGE, Expired): a client re-lists.
      await watchers[1]!.stop();
      await phase('before the apiserver crash', 15, 30);
      // Crash right after the last acknowledged write, while watch a may still be behind.
      await server.kill('SIGKILL');
      await sleep(200); // watch a sees the broken stream and retries against nothing for a while
      server = await apiserver(etcd, port);
      await phase('after the apiserver restart', 30, 60);
      watchers[1]!.resume();
      await caughtUp('after the apiserver restart');

      await phase('before the etcd crash', 60, 80);
      await etcd.kill();
      await sleep(300);
      await etcd.start();
      // The same apiserver comes back to serving: reads and writes go through again.
      await eventually('the apiserver to serve again after the etcd restart', 30_000, async () => {
        await w.get('namespaces', '', ns);
        await w.create(configMap('noise', `probe-${Date.now()}`, 'p'));
        return true;
      });
      await phase('after the etcd restart', 80, 110);
      await caughtUp('at the end');
      await sleep(300); // nothing more may arrive: give a stray duplicate the chance to show up
      await Promise.all(watchers.map((x) => x.stop()));

      // A third watch from the same starting point, after everything happened: before the window too.
      const late = new ResumingWatch(client(server.address, 'watch-late'), ns, start);
      await eventually(`the late watch to be told its resourceVersion is too old`, 10_000, async () => (late.interruptions.length > 0 ? true : undefined)).catch((e: unknown) => {
        problems.push(`${String(e)}; it saw ${late.events.length} events, interruptions: ${late.interruptions.join(', ') || 'none'}`);
      });
      await late.stop();

      console.log(
        `watch: ${expected.length} changes; interruptions seen: ${watchers.map((x, i) => `watch ${i}: ${x.interruptions.join(', ') || 'none'}`).join('; ')}`,
      );
      const fmt = (s: Seen[]): string[] => s.map((e) => `${e.type} ${e.name} @${e.rv}`);
      const names = ['watch a (interrupted by both crashes)', 'watch b (away during the apiserver crash)', 'watch c (started after everything from the first resourceVersion)'];
      for (const [i, x] of [...watchers, late].entries()) {
        const got = fmt(x.events);
        // Watches b and c resumed from before the new apiserver's window: they see a prefix of the
        // changes (each once), then OUT_OF_RANGE.
        const expiredWatch = i > 0;
        if (expiredWatch && x.interruptions[x.interruptions.length - 1] !== 'OUT_OF_RANGE') {
          problems.push(`${names[i]} should have ended with OUT_OF_RANGE; interruptions: ${x.interruptions.join(', ') || 'none'}`);
        }
        const want = fmt(expiredWatch ? expected.slice(0, got.length) : expected);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          const at = got.findIndex((g, j) => g !== want[j]);
          const where = at < 0 ? got.length : at;
          problems.push(
            `${names[i]} saw ${got.length} events, ${want.length} were written; first difference at #${where}: saw ${got[where] ?? '(nothing)'}, expected ${want[where] ?? '(nothing)'}\n` +
              `  saw around it: ${got.slice(Math.max(0, where - 3), where + 4).join(' | ')}\n  expected:       ${want.slice(Math.max(0, where - 3), where + 4).join(' | ')}`,
          );
        }
      }
      assert.deepEqual(problems, [], 'watches did not see every change exactly once');
      // The crash in the middle really interrupted watch a (else this test proves less than it says).
      assert.ok(watchers[0]!.interruptions.length > 0, 'the apiserver kill should have interrupted watch a');
    });
  });
});
