// Bearer-token authentication off loopback: the apiserver refuses to listen on a non-loopback
// address without a token file; with one, every RPC needs a valid token (client and skiffctl).
// The server binds 0.0.0.0 (so the token check applies) and the tests connect through 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ApiError, protoType, type KObject } from '@skiff/api';
import { run, type RunningApiServer } from '@skiff/apiserver';
import { createClient, createLogger, discardLogger, letHttp2StreamsDieYoung, type Client } from '@skiff/machinery';
import { runCli, StringOutput } from '@skiff/skiffctl';
import { startEtcd, type TestEtcd } from '../harness/etcd.js';

// As skiff-apiserver's main does.
// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const TOKEN = 's3cret-token-0123456789';
/** A second token, in Kubernetes' format: user, uid and groups. */
const ALICE = 'alice-token-9876543210';

/** The google.rpc.Status a failed call carried in grpc-status-details-bin, its details decoded. */
function statusDetails(e: unknown): { code: number; message: string; errorInfo?: { reason?: string; domain?: string } } {
  const raw = (e as { cause?: { metadata?: { get(k: string): unknown[] } } }).cause?.metadata?.get('grpc-status-details-bin')[0];
  assert.ok(raw instanceof Buffer, 'no grpc-status-details-bin trailer');
  const st = protoType('google.rpc.Status').toObject(protoType('google.rpc.Status').decode(raw)) as { code: number; message: string; details?: { type_url: string; value: Uint8Array }[] };
  const info = st.details?.find((d) => d.type_url === 'type.googleapis.com/google.rpc.ErrorInfo');
  const errorInfo = info ? (protoType('google.rpc.ErrorInfo').toObject(protoType('google.rpc.ErrorInfo').decode(info.value)) as { reason?: string; domain?: string }) : undefined;
  return { code: st.code, message: st.message, ...(errorInfo ? { errorInfo } : {}) };
}

/** The ApiError code a call rejected with. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('the call succeeded');
}

/** The first batch of a watch, or its error. */
async function firstWatchBatch(client: Client): Promise<unknown> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 5000);
  try {
    for await (const b of client.watch('namespaces', {}, ac.signal)) return b;
    throw new Error('the watch ended without a batch');
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

describe('apiserver authentication', () => {
  let etcd: TestEtcd;
  let dir: string;
  const ac = new AbortController();
  let server: RunningApiServer | undefined;
  let address: string;
  const clients: Client[] = [];
  /** The apiserver's log lines (level http and up: one per request). */
  const logLines: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) logLines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const client = (token?: string): Client => {
    const c = createClient({ server: address, ...(token !== undefined ? { token } : {}) });
    clients.push(c);
    return c;
  };

  before(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(join(tmpdir(), 'skiff-auth-'));
  });
  after(async () => {
    for (const c of clients) c.close();
    ac.abort();
    await server?.stopped;
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a non-loopback listener without --token-file', async () => {
    const local = new AbortController();
    try {
      await assert.rejects(run({ etcdServers: [etcd.endpoint], listen: '0.0.0.0:0', httpListen: '' }, local.signal, discardLogger()), /--token-file/);
    } finally {
      local.abort();
    }
  });

  describe('with a token file on 0.0.0.0', () => {
    before(async () => {
      const tokenFile = join(dir, 'tokens');
      writeFileSync(tokenFile, `# tokens\n${TOKEN},admin\n${ALICE},alice,1001,"dev,ops"\n`);
      const log = createLogger({ component: 'skiff-apiserver', level: 'http', stream: logStream });
      server = await run({ etcdServers: [etcd.endpoint], listen: '0.0.0.0:0', httpListen: '', tokenFile, bookmarkIntervalMs: 1000 }, ac.signal, log);
      const port = server.address.split(':').pop();
      assert.match(server.address, /^0\.0\.0\.0:\d+$/);
      address = `127.0.0.1:${port}`;
    });

    it('serves the hot unary methods on the lean path, with the same token check', () => {
      const serving = logLines.find((l) => l.msg === 'serving');
      assert.equal(serving?.auth, 'token');
      assert.equal(serving?.leanUnary, true);
    });

    it('Create, Update, UpdateStatus, Patch and Delete: refused without a token or with a wrong one, done with the right one', async () => {
      const admin = client(TOKEN);
      const cm = await admin.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lean-auth', namespace: 'default' }, data: { a: '1' } } as KObject);
      const deploy = await admin.create({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'lean-auth', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
      } as KObject);
      for (const [who, c] of [
        ['no token', client()],
        ['a wrong token', client('wrong')],
      ] as const) {
        const calls: Array<[string, Promise<unknown>]> = [
          ['Create', c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lean-auth-2', namespace: 'default' } } as KObject)],
          ['Update', c.update({ ...cm, data: { a: '2' } } as KObject)],
          ['UpdateStatus', c.updateStatus({ ...deploy, status: { replicas: 3 } } as KObject)],
          ['Patch', c.patch('configmaps', 'default', 'lean-auth', { data: { a: '3' } })],
          ['Delete', c.delete('configmaps', 'default', 'lean-auth')],
        ];
        for (const [method, p] of calls) {
          const err = await p.then(
            () => assert.fail(`${who}: ${method} succeeded`),
            (e: unknown) => e,
          );
          assert.ok(err instanceof ApiError && err.code === 'UNAUTHENTICATED', `${who}: ${method}: ${String(err)}`);
          assert.deepEqual(statusDetails(err), { code: 16, message: who === 'no token' ? 'a bearer token is required' : 'invalid bearer token', errorInfo: { reason: 'Unauthorized', domain: 'skiff.dev' } }, `${who}: ${method}`);
        }
      }
      // Nothing was written by the refused calls.
      const still = await admin.get('configmaps', 'default', 'lean-auth');
      assert.equal(still.metadata.resourceVersion, cm.metadata.resourceVersion);
      assert.equal(await codeOf(admin.get('configmaps', 'default', 'lean-auth-2')), 'NOT_FOUND');
      // The right token: every method, logged with its user.
      logLines.length = 0;
      const alice = client(ALICE);
      const updated = await alice.update({ ...still, data: { a: '2' } } as KObject);
      assert.deepEqual((updated as KObject & { data: Record<string, string> }).data, { a: '2' });
      const status = await alice.updateStatus({ ...(await alice.get('deployments', 'default', 'lean-auth')), status: { replicas: 3 } } as KObject);
      assert.equal((status as KObject & { status: { replicas: number } }).status.replicas, 3);
      const patched = await alice.patch('configmaps', 'default', 'lean-auth', { data: { a: '3' } });
      assert.deepEqual((patched as KObject & { data: Record<string, string> }).data, { a: '3' });
      await alice.delete('configmaps', 'default', 'lean-auth');
      await alice.delete('deployments', 'default', 'lean-auth');
      assert.equal(await codeOf(admin.get('configmaps', 'default', 'lean-auth')), 'NOT_FOUND');
      const seen = logLines.filter((l) => l.msg === 'request' && l.method !== 'Get').map((l) => [l.method, l.user, l.code]);
      assert.deepEqual(seen, [
        ['Update', 'alice', 'OK'],
        ['UpdateStatus', 'alice', 'OK'],
        ['Patch', 'alice', 'OK'],
        ['Delete', 'alice', 'OK'],
        ['Delete', 'alice', 'OK'],
      ]);
      logLines.length = 0;
    });

    it('a client without a token is UNAUTHENTICATED on Get, List and Watch', async () => {
      const c = client();
      assert.equal(await codeOf(c.get('namespaces', '', 'default')), 'UNAUTHENTICATED');
      assert.equal(await codeOf(c.list('pods', { namespace: 'default' })), 'UNAUTHENTICATED');
      assert.equal(await codeOf(firstWatchBatch(c)), 'UNAUTHENTICATED');
      assert.equal(await codeOf(c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } } as KObject)), 'UNAUTHENTICATED');
    });

    it('a wrong token is UNAUTHENTICATED', async () => {
      const c = client('not-the-token');
      assert.equal(await codeOf(c.get('namespaces', '', 'default')), 'UNAUTHENTICATED');
      assert.equal(await codeOf(c.list('pods', { namespace: 'default' })), 'UNAUTHENTICATED');
      assert.equal(await codeOf(firstWatchBatch(c)), 'UNAUTHENTICATED');
      // A prefix of the right token is not the right token.
      assert.equal(await codeOf(client(TOKEN.slice(0, -1)).get('namespaces', '', 'default')), 'UNAUTHENTICATED');
    });

    it('UNAUTHENTICATED carries the documented google.rpc.Status with ErrorInfo (reason Unauthorized)', async () => {
      const cases = [
        { name: 'no token', token: undefined, message: 'a bearer token is required' },
        { name: 'a wrong token', token: 'wrong', message: 'invalid bearer token' },
      ];
      for (const c of cases) {
        const err = await client(c.token)
          .get('namespaces', '', 'default')
          .then(
            () => assert.fail(`${c.name}: the call succeeded`),
            (e: unknown) => e,
          );
        assert.ok(err instanceof ApiError && err.code === 'UNAUTHENTICATED', `${c.name}: ${String(err)}`);
        assert.deepEqual(statusDetails(err), { code: 16, message: c.message, errorInfo: { reason: 'Unauthorized', domain: 'skiff.dev' } }, c.name);
      }
    });

    it("each request's log line names the token's user and groups", async () => {
      await client(ALICE).get('namespaces', '', 'default');
      await client(TOKEN).list('configmaps', { namespace: 'default' });
      await firstWatchBatch(client(ALICE));
      const requests = (): Record<string, unknown>[] => logLines.filter((l) => l.msg === 'request');
      const deadline = Date.now() + 5000;
      while (!requests().some((l) => l.method === 'Watch' && l.user === 'alice') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const seen = requests().map((l) => [l.method, l.user, l.groups, l.code]);
      // Refused calls are logged too, without a user.
      assert.ok(seen.some(([m, u, , code]) => m === 'Get' && u === '' && code === 'UNAUTHENTICATED'), JSON.stringify(seen));
      assert.deepEqual(
        seen.filter(([m, u]) => u !== '' && (m === 'Get' || m === 'List' || m === 'Watch')),
        [
          ['Get', 'alice', 'dev,ops,system:authenticated', 'OK'],
          ['List', 'admin', 'system:authenticated', 'OK'],
          ['Watch', 'alice', 'dev,ops,system:authenticated', 'OK'],
        ],
      );
      logLines.length = 0;
    });

    it('the right token works', async () => {
      const c = client(TOKEN);
      const ns = await c.get('namespaces', '', 'default');
      assert.equal(ns.metadata.name, 'default');
      const cm = await c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'authed', namespace: 'default' }, data: { a: 'b' } } as KObject);
      assert.ok(cm.metadata.uid);
      const list = await c.list('configmaps', { namespace: 'default' });
      assert.ok(list.items.some((o) => o.metadata.name === 'authed'));
      const batch = await firstWatchBatch(c);
      assert.ok(batch);
    });

    describe('skiffctl', () => {
      let home: string;
      const cli = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
        const stdout = new StringOutput();
        const stderr = new StringOutput();
        const code = await runCli(['--server', address, ...argv], { stdout, stderr, stdin: (async function* () {})() }, { home, env: {} });
        return { code, stdout: stdout.text, stderr: stderr.text };
      };
      before(() => {
        home = mkdtempSync(join(tmpdir(), 'skiff-auth-home-'));
      });
      after(() => rmSync(home, { recursive: true, force: true }));

      it('works with --token', async () => {
        const r = await cli('--token', TOKEN, 'get', 'configmaps', 'authed', '-o', 'name');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'configmap/authed\n');
        const f = join(dir, 'cm.yaml');
        writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-cli\ndata:\n  k: v\n');
        const a = await cli('--token', TOKEN, 'apply', '-f', f);
        assert.equal(a.code, 0, a.stderr);
        assert.equal(a.stdout, 'configmap/from-cli created\n');
      });

      it('without a token (or with a wrong one) exits 1 with Unauthorized', async () => {
        for (const extra of [[], ['--token', 'wrong']]) {
          const r = await cli(...extra, 'get', 'configmaps');
          assert.equal(r.code, 1, r.stdout);
          assert.equal(r.stdout, '');
          assert.match(r.stderr, /Unauthorized/);
        }
        const f = join(dir, 'cm2.yaml');
        writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: no-token\n');
        const a = await cli('apply', '-f', f);
        assert.equal(a.code, 1);
        assert.match(a.stderr, /Unauthorized/);
        assert.equal(await codeOf(client(TOKEN).get('configmaps', 'default', 'no-token')), 'NOT_FOUND');
      });
    });
  });
});
