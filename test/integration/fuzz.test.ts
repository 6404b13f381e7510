// Bad input never crashes a process or writes anything: more than 10,000 mutated manifests (through the
// typed client) and malformed gRPC messages (raw bytes) all get INVALID_ARGUMENT (RESOURCE_EXHAUSTED
// for size) naming the field at fault, while the apiserver keeps serving; afterwards the store holds
// exactly what the test created on purpose.
//
// Reproduce a failure with SKIFF_FUZZ_SEED=<the seed printed at the start>.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { ApiError, type KObject } from '@skiff/api';
import { createClient, type Client } from '@skiff/machinery';
import { startCluster, type TestCluster } from '../harness/index.js';
import { fuzzSeed, pool, Rng } from '../harness/fuzz-rng.js';
import { addNoise, asObject, mutations, namesField, seed, SEED_KINDS, type Manifest, type Mutation, type SeedKind } from '../harness/fuzz-manifests.js';
import { rawCase, deepGroups, INVALID_UTF8 } from '../harness/fuzz-raw.js';
import { cat, codeName, configMap, createConfigMap, encode, F, ld, meta, rawClient, rawUnary, rawWatch, tag, varint, WT, type Method } from '../harness/fuzz-wire.js';

const TYPED_CASES = 6000;
const RAW_CASES = 4600;
const CONCURRENCY = 32;

const SEED = fuzzSeed();
const root = new Rng(SEED);
const tagHex = SEED.toString(16).padStart(8, '0').slice(0, 6);

/** Failures grouped by what failed, with the first example of each. */
class Failures {
  private readonly byKey = new Map<string, { count: number; example: string }>();
  add(key: string, example: string): void {
    const f = this.byKey.get(key);
    if (f) f.count++;
    else this.byKey.set(key, { count: 1, example });
  }
  get size(): number {
    return this.byKey.size;
  }
  report(what: string): string {
    const lines = [...this.byKey].map(([k, { count, example }]) => `  - ${k} (${count}x), e.g. ${example}`);
    return `${what} (seed ${SEED}, reproduce with SKIFF_FUZZ_SEED=${SEED}):\n${lines.join('\n')}`;
  }
}

const short = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
const fieldsOf = (e: ApiError): string => JSON.stringify(e.fields.map((f) => f.field).slice(0, 8)).slice(0, 400);

describe(`apiserver fuzz (seed ${SEED})`, () => {
  let c: TestCluster;
  let raw: grpc.Client;
  let typed: Client;
  let baseline: Map<string, string>;
  let total = 0;
  const bases = new Map<SeedKind, KObject>();

  const baseName = (k: SeedKind): string => `fz-base-${k.toLowerCase()}`;

  /** Every stored object of every type the server serves: key -> uid@resourceVersion. */
  async function snapshot(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const r of (await c.client.discovery()).resources) {
      const list = await c.client.list(r.name);
      for (const o of list.items) out.set(`${r.name}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, `${o.metadata.uid}@${o.metadata.resourceVersion}`);
    }
    return out;
  }

  async function assertServing(when: string): Promise<void> {
    const d = await c.client.discovery().catch((e: unknown) => assert.fail(`apiserver stopped answering ${when}: ${String(e)}`));
    assert.ok(d.resources.length > 0, `discovery answered with no resources ${when}`);
  }

  /**
   * Runs `f` while checking, over a connection of its own, that the apiserver keeps answering
   * (a discovery call at least every 250 ms); fails if it ever stops.
   */
  async function whileServing<T>(what: string, f: () => Promise<T>): Promise<T> {
    let stop = false;
    let checks = 0;
    const problems: string[] = [];
    const dog = (async () => {
      while (!stop) {
        const t0 = Date.now();
        await c.client.discovery().then(
          () => checks++,
          (e: unknown) => problems.push(`${new Date().toISOString()}: ${String(e)}`),
        );
        if (!stop) await new Promise((r) => setTimeout(r, Math.max(0, 250 - (Date.now() - t0))));
      }
    })();
    try {
      return await f();
    } finally {
      stop = true;
      await dog;
      console.log(`${what}: the apiserver answered ${checks} health checks during the run`);
      assert.deepEqual(problems.slice(0, 5), [], `the apiserver stopped answering during ${what}`);
      await assertServing(`after ${what}`);
    }
  }

  before(async () => {
    console.log(`fuzz seed: ${SEED} (set SKIFF_FUZZ_SEED=${SEED} to reproduce)`);
    c = await startCluster();
    raw = rawClient(c.server.address);
    typed = createClient({ server: c.server.address, timeoutMs: 10_000, userAgent: 'skiff-fuzz-typed' });
    // Objects created on purpose: one valid object of each kind (updated with bad bodies below) and
    // a ConfigMap that bad patches are aimed at. Nothing else may appear in the store.
    for (const k of SEED_KINDS) bases.set(k, await c.client.create(asObject(seed(k, baseName(k)))));
    await c.client.create(asObject(seed('ConfigMap', 'fz-target')));
    baseline = await snapshot();
  });

  after(async () => {
    typed?.close();
    raw?.close();
    await c?.close();
  });

  it('accepts every seed manifest (dry run), so each mutation alone is what makes a case invalid', async () => {
    for (const k of SEED_KINDS) {
      for (let i = 0; i < 20; i++) {
        const r = root.fork(1_000_000 + i);
        const o = seed(k, `fz-dry-${i}`);
        addNoise(o, r);
        await c.client.create(asObject(o), { dryRun: true }).catch((e: unknown) => assert.fail(`seed ${k} is invalid: ${(e as Error).message}`));
      }
    }
  });

  it(`refuses ${TYPED_CASES} mutated manifests through the typed client with the right code and field path`, async () => {
    const light = mutations.filter((m) => !m.heavy);
    const heavy = mutations.filter((m) => m.heavy);
    const combinable = mutations.filter((m) => m.area === 'meta' && m.id !== 'api-version-bad');
    const failures = new Failures();
    const seen = new Map<string, number>();
    await whileServing('the typed fuzz', () =>
      pool(TYPED_CASES, CONCURRENCY, async (i) => {
        const r = root.fork(i);
        const mut: Mutation = r.bool(0.012) ? r.pick(heavy) : r.pick(light);
        const kind = r.pick(mut.kinds);
        const update = !mut.createOnly && !mut.clientSide && mut.area !== 'size' && r.bool(0.2);
        const o: Manifest = seed(kind, update ? baseName(kind) : `fz-${tagHex}-${i}`);
        addNoise(o, r);
        const ids = [mut.id];
        const paths = [mut.apply(o, r)];
        if (!update && mut.area === 'spec' && r.bool(0.25)) {
          // Two independent violations: both must be reported.
          const m2 = r.pick(combinable.filter((m) => m.kinds.includes(kind)));
          ids.push(m2.id);
          paths.push(m2.apply(o, r));
        }
        seen.set(mut.id, (seen.get(mut.id) ?? 0) + 1);
        const what = `${ids.join('+')} on ${kind} (${update ? 'update' : 'create'}, case ${i})`;
        // Megabyte cases go over a connection of their own (a distinct user agent keeps grpc-js from
        // sharing it), so that whatever they do to their connection cannot fail unrelated cases.
        const client = mut.heavy ? createClient({ server: c.server.address, timeoutMs: 8_000, userAgent: `skiff-fuzz-heavy-${i}` }) : typed;
        let err: unknown;
        try {
          const got = update ? await client.update(asObject(o)) : await client.create(asObject(o));
          failures.add(`${mut.id}: accepted`, `${what}: stored as ${got.metadata.name ? short(got.metadata.name, 60) : '?'} rv ${got.metadata.resourceVersion}`);
          return;
        } catch (e) {
          err = e;
        } finally {
          if (client !== typed) client.close();
        }
        if (!(err instanceof ApiError)) {
          failures.add(`${mut.id}: not an ApiError`, `${what}: ${String(err)}`);
          return;
        }
        const okCodes = mut.expect === 'INVALID_OR_TOO_LARGE' ? ['INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED'] : [mut.expect];
        if (!okCodes.includes(err.code)) {
          failures.add(`${mut.id}: ${err.code} instead of ${okCodes.join('/')}`, `${what}: ${short(err.message)}`);
          return;
        }
        if (err.code !== 'INVALID_ARGUMENT') return;
        for (const p of paths) {
          if (p !== undefined && !namesField(err.fields, p)) failures.add(`${mut.id}: no field ${p}`, `${what}: fields ${fieldsOf(err)} message ${short(err.message)}`);
        }
      }),
    );
    total += TYPED_CASES;
    const never = mutations.filter((m) => !seen.has(m.id)).map((m) => m.id);
    console.log(`typed: ${TYPED_CASES} cases, ${seen.size}/${mutations.length} mutation kinds exercised${never.length ? ` (not drawn: ${never.join(', ')})` : ''}`);
    assert.equal(failures.size, 0, failures.report('mutated manifests not refused as they should be'));
  });

  it(`answers ${RAW_CASES} malformed gRPC messages with client errors, never INTERNAL/UNKNOWN/UNAVAILABLE`, async () => {
    const failures = new Failures();
    const counts = new Map<string, Map<string, number>>();
    await whileServing('the raw fuzz', () =>
      pool(RAW_CASES, CONCURRENCY, async (i) => {
        const rc = rawCase(root.fork(5_000_000 + i), `fz-raw-${tagHex}-${i}`);
        const res = rc.method === 'Watch' ? await rawWatch(raw, rc.bytes) : await rawUnary(raw, rc.method, rc.bytes);
        const g = counts.get(rc.generator) ?? new Map<string, number>();
        g.set(codeName(res.code), (g.get(codeName(res.code)) ?? 0) + 1);
        counts.set(rc.generator, g);
        if (!rc.allowed.includes(res.code)) {
          failures.add(
            `${rc.generator}/${rc.label.replace(/\d+/g, 'N')} -> ${codeName(res.code)}`,
            `case ${i}: ${rc.method} ${rc.label}, want ${rc.allowed.map(codeName).join('/')}, got ${codeName(res.code)} "${short(res.details, 200)}"; bytes ${rc.bytes.subarray(0, 48).toString('hex')}${rc.bytes.length > 48 ? '…' : ''}`,
          );
        }
      }),
    );
    total += RAW_CASES;
    for (const [g, m] of counts) console.log(`raw ${g}: ${[...m].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    assert.equal(failures.size, 0, failures.report('malformed messages answered wrongly'));
  });

  describe('targeted malformed messages', () => {
    const name = `fz-t-${tagHex}`;
    const okMeta = meta({ name });
    const okCm = configMap({ meta: okMeta, data: [['k', 'v']] });
    const cases: { title: string; method: Method; bytes: () => Buffer; want: number[] }[] = [
      {
        title: 'invalid UTF-8 (0xff 0xfe) in object.configMap.metadata.name',
        method: 'Create',
        bytes: () => createConfigMap(configMap({ meta: meta({ name: cat(Buffer.from('fz-'), Buffer.from([0xff, 0xfe])) }) })),
        want: [3],
      },
      ...INVALID_UTF8.map((b) => ({
        title: `invalid UTF-8 ${b.toString('hex')} in a ConfigMap data value`,
        method: 'Create' as const,
        bytes: () => createConfigMap(configMap({ meta: meta({ name: `${name}-u${b.toString('hex')}` }), data: [['k', cat(Buffer.from('v'), b)]] })),
        want: [3],
      })),
      { title: 'CreateRequest.object sent with the varint wire type', method: 'Create', bytes: () => cat(tag(1, WT.VARINT), varint(ld(F.Object.configMap, okCm).length), ld(F.Object.configMap, okCm)), want: [3] },
      {
        title: 'ObjectMeta.name sent with the varint wire type',
        method: 'Create',
        bytes: () => createConfigMap(configMap({ meta: cat(tag(F.ObjectMeta.name, WT.VARINT), varint(name.length + 2), Buffer.from(`${name}-w`)) })),
        want: [3],
      },
      {
        title: 'ConfigMap.metadata sent with the fixed64 wire type',
        method: 'Create',
        bytes: () => createConfigMap(cat(ld(1, 'v1'), ld(2, 'ConfigMap'), tag(F.ConfigMap.metadata, WT.I64), varint(meta({ name: `${name}-x` }).length), meta({ name: `${name}-x` }))),
        want: [3],
      },
      {
        title: 'a nested message whose length overruns its parent',
        method: 'Create',
        bytes: () => {
          // Object{configMap: [apiVersion, kind, metadata{name}]} where configMap's length stops before
          // the metadata's bytes end: a conforming parser fails ("truncated message").
          const md = ld(F.ConfigMap.metadata, ld(F.ObjectMeta.name, `${name}-o`));
          const head = cat(ld(1, 'v1'), ld(2, 'ConfigMap'));
          const inner = cat(tag(F.Object.configMap, WT.LEN), varint(head.length + 3), head, md);
          return ld(1, inner);
        },
        want: [3],
      },
      {
        title: 'a kind that contradicts the Object field (kind Namespace in the configMap slot)',
        method: 'Create',
        bytes: () => createConfigMap(configMap({ meta: meta({ name: `${name}-kind` }), kind: 'Namespace' })),
        want: [3],
      },
      {
        title: 'two members of the Object oneof (a valid Namespace, then an invalid ConfigMap: the last one counts)',
        method: 'Create',
        bytes: () => {
          const ns = cat(ld(1, 'v1'), ld(2, 'Namespace'), ld(3, meta({ name: `${name}-ns` })));
          const bad = configMap({ meta: meta({ name: 'Not_Valid' }) });
          return ld(1, cat(ld(F.Object.namespace, ns), ld(F.Object.configMap, bad)));
        },
        want: [3],
      },
      { title: '300,000 nested groups', method: 'Create', bytes: () => deepGroups(300_000), want: [3] },
      { title: '1,000,000 unterminated nested groups', method: 'Create', bytes: () => deepGroups(1_000_000, true), want: [3] },
      { title: 'a 5 MiB Create', method: 'Create', bytes: () => createConfigMap(configMap({ meta: meta({ name: `${name}-5m` }), data: [['k', Buffer.alloc(5 * 1024 * 1024, 0x61)]] })), want: [8] },
      {
        title: 'a string length prefix of 2^32+N (a 32-bit reader sees N)',
        method: 'Create',
        bytes: () => createConfigMap(configMap({ meta: cat(tag(F.ObjectMeta.name, WT.LEN), varint(2n ** 32n + BigInt(name.length + 2)), Buffer.from(`${name}-l`)) })),
        want: [3],
      },
      { title: 'an empty PatchRequest (no resource, no name)', method: 'Patch', bytes: () => Buffer.alloc(0), want: [3, 5] },
      { title: 'an empty DeleteRequest', method: 'Delete', bytes: () => Buffer.alloc(0), want: [3, 5] },
      { title: 'an empty BindRequest', method: 'Bind', bytes: () => Buffer.alloc(0), want: [3] },
      { title: 'a length prefix of 2^64-1', method: 'Create', bytes: () => cat(tag(1, WT.LEN), varint(2n ** 64n - 1n), Buffer.from('abc')), want: [3] },
    ];
    for (const tc of cases) {
      it(`refuses ${tc.title}`, async () => {
        total++;
        const res = await rawUnary(raw, tc.method, tc.bytes());
        assert.ok(tc.want.includes(res.code), `${tc.title}: want ${tc.want.map(codeName).join('/')}, got ${codeName(res.code)} "${short(res.details)}"`);
        await assertServing(`after "${tc.title}"`);
      });
    }

    for (const size of [100_000, 1_000_000]) {
      it(`answers a Get for a ${size}-character name with a client error, without breaking the connection`, async () => {
        total++;
        const own = createClient({ server: c.server.address, timeoutMs: 5_000, userAgent: `skiff-fuzz-long-name-${size}` });
        try {
          const code = await own.get('configmaps', 'default', 'n'.repeat(size)).then(
            () => 'OK',
            (e: unknown) => (e instanceof ApiError ? e.code : String(e)),
          );
          assert.ok(['NOT_FOUND', 'INVALID_ARGUMENT'].includes(code), `Get of a ${size}-character name: want NOT_FOUND/INVALID_ARGUMENT, got ${code}`);
          await own.discovery().catch((e: unknown) => assert.fail(`the connection is broken after the long-name Get: ${String(e)}`));
        } finally {
          own.close();
        }
      });
    }

    it('refuses a Watch with undecodable bytes with INVALID_ARGUMENT', async () => {
      total++;
      const res = await rawWatch(raw, ld(1, cat(Buffer.from('configmaps'), Buffer.from([0xff]))));
      assert.equal(codeName(res.code), 'INVALID_ARGUMENT', res.details);
    });
  });

  describe('bad patches to an existing object', () => {
    // Built by hand: the typed codec would check (and base64-encode) the patch bytes itself.
    const patchBytes = (patch: Buffer, patchType = 'application/merge-patch+json', subresource = ''): Buffer =>
      cat(
        ld(F.PatchRequest.resource, 'configmaps'),
        ld(F.PatchRequest.namespace, 'default'),
        ld(F.PatchRequest.name, 'fz-target'),
        ld(F.PatchRequest.patchType, patchType),
        ld(F.PatchRequest.patch, patch),
        ...(subresource ? [ld(F.PatchRequest.subresource, subresource)] : []),
      );
    const cases: { title: string; patch: () => Buffer; patchType?: string; subresource?: string; want: string; field?: string }[] = [
      { title: 'not JSON', patch: () => Buffer.from('{"data": '), want: 'INVALID_ARGUMENT', field: 'patch' },
      { title: 'a JSON array', patch: () => Buffer.from('[1,2]'), want: 'INVALID_ARGUMENT', field: 'patch' },
      { title: 'invalid UTF-8 inside a JSON string', patch: () => cat(Buffer.from('{"data":{"k":"v'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')), want: 'INVALID_ARGUMENT' },
      { title: 'a wrong type (data: 5)', patch: () => Buffer.from('{"data":5}'), want: 'INVALID_ARGUMENT', field: 'data' },
      { title: 'a wrong type in a map (data.k: 5)', patch: () => Buffer.from('{"data":{"k":5}}'), want: 'INVALID_ARGUMENT', field: 'data[k]' },
      { title: 'an unknown field', patch: () => Buffer.from('{"spec":{"replicas":1}}'), want: 'INVALID_ARGUMENT', field: 'spec' },
      { title: 'a bad label', patch: () => Buffer.from('{"metadata":{"labels":{"bad key!":"x"}}}'), want: 'INVALID_ARGUMENT', field: 'metadata.labels' },
      { title: 'JSON nested 100,000 levels deep', patch: () => Buffer.from(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), want: 'INVALID_ARGUMENT' },
      { title: 'JSON nested 1,000 levels deep', patch: () => Buffer.from(`{"data":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`), want: 'INVALID_ARGUMENT', field: 'patch' },
      {
        // Each part within its own limit (annotations < 256 KiB, data + binaryData < 1 MiB), the whole
        // object over 1.5 MiB.
        title: 'values making the object larger than 1.5 MiB',
        patch: () => Buffer.from(JSON.stringify({ metadata: { annotations: { a: 'x'.repeat(250_000) } }, binaryData: { big: Buffer.alloc(980_000, 1).toString('base64') }, data: { pad: 'q'.repeat(60_000) } })),
        want: 'RESOURCE_EXHAUSTED',
      },
      { title: 'an unsupported patch type', patch: () => Buffer.from('{}'), patchType: 'application/json-patch+json', want: 'INVALID_ARGUMENT', field: 'patchType' },
      { title: 'an unknown subresource', patch: () => Buffer.from('{}'), subresource: 'scale', want: 'INVALID_ARGUMENT', field: 'subresource' },
      { title: 'a 5 MiB patch', patch: () => Buffer.from(JSON.stringify({ data: { big: 'x'.repeat(5 * 1024 * 1024) } })), want: 'RESOURCE_EXHAUSTED' },
    ];
    for (const tc of cases) {
      it(`refuses a patch with ${tc.title} and leaves the object unchanged`, async () => {
        total++;
        const before = await c.client.get('configmaps', 'default', 'fz-target');
        const res = await rawUnary(raw, 'Patch', patchBytes(tc.patch(), tc.patchType, tc.subresource));
        const want = tc.want === 'INVALID_OR_TOO_LARGE' ? ['INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED'] : [tc.want];
        assert.ok(want.includes(codeName(res.code)), `patch with ${tc.title}: want ${want.join('/')}, got ${codeName(res.code)} "${short(res.details)}"`);
        if (tc.field) assert.match(res.details, new RegExp(`(^|[ ;:])${tc.field.replace(/[[\].]/g, '\\$&')}`), `the message should name ${tc.field}: ${short(res.details)}`);
        const now = await c.client.get('configmaps', 'default', 'fz-target');
        assert.equal(now.metadata.resourceVersion, before.metadata.resourceVersion, `patch with ${tc.title} changed the object`);
        await assertServing(`after a patch with ${tc.title}`);
      });
    }
  });

  it('refuses bad request parameters with INVALID_ARGUMENT', async () => {
    const failures = new Failures();
    const expectCode = async (what: string, want: string, f: () => Promise<string>): Promise<void> => {
      total++;
      const got = await f();
      if (got !== want) failures.add(what, `want ${want}, got ${got}`);
    };
    const typed = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => 'OK',
        (e: unknown) => (e instanceof ApiError ? `${e.code}: ${short(e.message, 200)}` : String(e)),
      );
    const codeOnly = async (p: Promise<string>): Promise<string> => (await p).replace(/:.*$/s, '');
    const check = (what: string, want: string, p: () => Promise<unknown>): Promise<void> =>
      expectCode(what, want, async () => {
        const full = await typed(p());
        const code = await codeOnly(Promise.resolve(full));
        return code === want ? code : full;
      });
    await check('list with a bad label selector', 'INVALID_ARGUMENT', () => c.client.list('pods', { labelSelector: 'app in (a,' }));
    await check('list with a bad label selector value', 'INVALID_ARGUMENT', () => c.client.list('pods', { labelSelector: 'app=bad value!' }));
    await check('list with an unknown field selector', 'INVALID_ARGUMENT', () => c.client.list('pods', { fieldSelector: 'spec.nope=x' }));
    await check('list with a garbage continue token', 'INVALID_ARGUMENT', () => c.client.list('configmaps', { limit: 1, continue: '%%%not-a-token' }));
    await check('list with a non-numeric resourceVersion', 'INVALID_ARGUMENT', () => c.client.list('configmaps', { resourceVersion: 'abc' }));
    await check('get of an unknown resource type', 'NOT_FOUND', () => c.client.get('widgets', 'default', 'x'));
    await check('delete with propagationPolicy Sometimes', 'INVALID_ARGUMENT', () =>
      c.client.delete('configmaps', 'default', 'fz-target', { propagationPolicy: 'Sometimes' as 'Orphan' }),
    );
    await check('delete with a negative grace period', 'INVALID_ARGUMENT', () => c.client.delete('configmaps', 'default', 'fz-target', { gracePeriodSeconds: -1 }));
    await check('bind without a node', 'INVALID_ARGUMENT', () => c.client.bind('default', 'fz-base-pod', ''));
    await expectCode('bind to a non-Node target', 'INVALID_ARGUMENT', async () => {
      const res = await rawUnary(raw, 'Bind', encode('BindRequest', { binding: { metadata: { name: 'fz-base-pod', namespace: 'default' }, target: { kind: 'Pod', name: 'n1' } } }));
      return res.code === 3 ? 'INVALID_ARGUMENT' : `${codeName(res.code)}: ${res.details}`;
    });
    await check('watch from a non-numeric resourceVersion', 'INVALID_ARGUMENT', async () => {
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), 5000);
      try {
        for await (const _ of c.client.watch('configmaps', { resourceVersion: 'abc' }, ac.signal)) break;
      } finally {
        clearTimeout(t);
      }
    });
    assert.equal(failures.size, 0, failures.report('bad request parameters answered wrongly'));
  });

  it('wrote nothing, still serves, and still accepts a valid create', async () => {
    await assertServing('at the end');
    const now = await snapshot();
    const added = [...now.keys()].filter((k) => !baseline.has(k));
    const removed = [...baseline.keys()].filter((k) => !now.has(k));
    const changed = [...baseline.keys()].filter((k) => now.has(k) && now.get(k) !== baseline.get(k));
    assert.deepEqual({ added: added.slice(0, 20), removed, changed }, { added: [], removed: [], changed: [] }, `the store changed during the fuzz (${added.length} added)`);
    for (const [k, b] of bases) {
      const got = await c.client.get(k, b.metadata.namespace ?? '', b.metadata.name!);
      assert.equal(got.metadata.resourceVersion, b.metadata.resourceVersion, `${k} ${b.metadata.name} was modified`);
    }
    const ok = await c.client.create(asObject(seed('Deployment', `fz-after-${tagHex}`)));
    assert.ok(ok.metadata.uid);
    const res = await rawUnary(raw, 'Get', encode('GetRequest', { resource: 'deployments', namespace: 'default', name: `fz-after-${tagHex}` }));
    assert.equal(codeName(res.code), 'OK');
    console.log(`fuzz total: ${total} cases`);
    assert.ok(total >= 10_000, `only ${total} cases ran`);
  });
});
