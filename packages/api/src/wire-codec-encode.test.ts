// encodeWire (the structural walk, then protobufjs' encode) over a varied set of objects and a seeded
// corpus of 20,000 mutations of them (wrong types, unknown fields, nulls, out-of-range numbers, lone
// surrogates, bad base64, ...). The corpus was encoded by the hand-written one-pass encoder this path
// replaced (itself checked against this path over the same corpus) and its outcomes recorded as one
// digest per block of 2,000: the same bytes for every value accepted, the same values refused. Only
// a change of the proto messages used here moves the digests; then check the counts and record anew.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import type { FieldError } from './errors.js';
import { protoType } from './proto-root.js';
import { rng } from './test-random.js';
import { decodeWire, encodeWire } from './wire-codec.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'default',
    generation: 3,
    labels: { app: 'web', tier: 'front' },
    annotations: { note: 'caf\u00e9 \u2615 \ud83d\ude80', long: 'x'.repeat(300) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u', controller: true }],
    finalizers: ['a', 'b'],
  },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'web',
        image: 'nginx',
        command: ['sh', '-c', 'x'.repeat(20000)],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m' } },
        readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
        livenessProbe: { tcpSocket: { port: -7 } },
      },
    ],
    terminationGracePeriodSeconds: -30,
    securityContext: { runAsUser: 4294967296, supplementalGroups: [1, -2, 300] },
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
};
const others = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 'admin' }] } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { key: 'aGVsbG8=', empty: '' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' }, binaryData: { bin: 'AAEC' }, immutable: false },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: {}, spec: { containers: [] } }, strategy: { rollingUpdate: { maxSurge: '25%' } } },
  },
  { kind: 'Namespace', metadata: { name: 'ns' } },
];

const odd: unknown[] = [null, undefined, 0, -1, 1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.NaN, Infinity, '', 'x', '\ud800', 'aGk=', 'not base64!', true, false, [], [1], [null], {}, { x: 1 }, 'TCP', 80];

/** A copy of `v` with one value somewhere inside replaced, removed, or a key added. */
function mutate(v: unknown, r: () => number): unknown {
  const copy = structuredClone(v) as Record<string, unknown>;
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    containers.push(x as Record<string, unknown>);
    for (const c of Object.values(x)) walk(c);
  };
  walk(copy);
  const n = 1 + Math.floor(r() * 2);
  for (let k = 0; k < n; k++) {
    const c = containers[Math.floor(r() * containers.length)]!;
    const keys = Object.keys(c);
    const pick = odd[Math.floor(r() * odd.length)];
    if (keys.length === 0 || r() < 0.15) {
      if (Array.isArray(c)) c.push(pick);
      else c[r() < 0.5 ? 'unknownField' : 'name'] = pick;
    } else {
      const key = keys[Math.floor(r() * keys.length)]!;
      if (r() < 0.1 && !Array.isArray(c)) delete c[key];
      else (c as Record<string, unknown>)[key] = pick;
    }
  }
  return copy;
}

/** How an encoder takes a value: its bytes, or a refusal. */
type Encode = (type: protobuf.Type, value: unknown) => Buffer | undefined;

const CORPUS = 20000;
const BLOCK = 2000;

/** The corpus' outcomes under `encode`: a digest per block, and how many values were refused. */
function corpus(encode: Encode): { digests: string[]; refused: number } {
  const r = rng(7);
  const bases: [string, unknown][] = [
    ['skiff.v1.Object', pod],
    ...others.map((o): [string, unknown] => ['skiff.v1.Object', o]),
    ['skiff.v1.CreateRequest', { object: others[3], dryRun: false }],
  ];
  const digests: string[] = [];
  let refused = 0;
  let h = createHash('sha256');
  for (let i = 0; i < CORPUS; i++) {
    const [name, base] = bases[i % bases.length]!;
    const bytes = encode(protoType(name), mutate(base, r));
    if (!bytes) refused++;
    h.update(bytes ? `ok ${bytes.toString('hex')}\n` : 'refused\n');
    if ((i + 1) % BLOCK === 0) {
      digests.push(h.digest('hex').slice(0, 16));
      h = createHash('sha256');
    }
  }
  return { digests, refused };
}

/** encodeWire, checking that a refusal comes with its errors, each with a field path. */
const encodeChecked: Encode = (type, value) => {
  const errors: FieldError[] = [];
  const bytes = encodeWire(type, value, errors);
  if (bytes) assert.deepEqual(errors, []);
  else {
    assert.ok(errors.length > 0, `refused without an error: ${JSON.stringify(value)}`);
    for (const e of errors) assert.ok(e.field.length > 0 && e.detail.length > 0, JSON.stringify(e));
  }
  return bytes;
};

/** Recorded from the one-pass encoder, on this corpus. */
const RECORDED = {
  digests: ['0c17f256c5c823bb', '5e6591a07b844acd', '4ffea74b3d0e0538', '56a1307ba6b95818', 'cc52fe5ba45ade2a', '9fcda9443dd8c147', '57c341a1c7e693b8', 'fd6012a21eb14354', '8ac3fafe81e38810', '97d34bdd153245fc'],
  refused: 16914,
};

/** `v` without its empty lists and maps, which the wire does not carry. */
function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmpty);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (Array.isArray(x) && x.length === 0) continue;
    out[k] = withoutEmpty(x);
  }
  return out;
}

function encode(name: string, value: unknown): Buffer {
  const errors: FieldError[] = [];
  const bytes = encodeWire(protoType(name), value, errors);
  assert.deepEqual(errors, [], name);
  return bytes!;
}

describe('encodeWire', () => {
  it('encodes valid objects and requests, which decode to what was encoded', () => {
    const cases: [string, unknown][] = [
      ...[pod, ...others].map((o): [string, unknown] => ['skiff.v1.Object', o]),
      ['skiff.v1.CreateRequest', { object: pod, dryRun: true }],
      ['skiff.v1.ListResponse', { resourceVersion: '9', remainingItemCount: 2 ** 40, items: [pod, ...others] }],
      ['skiff.v1.WatchEvent', { type: 'ADDED', object: others[0] }],
      ['skiff.v1.ListRequest', { resource: 'pods', limit: 500, labelSelector: 'a=b' }],
    ];
    for (const [name, value] of cases) assert.deepEqual(decodeWire(protoType(name), encode(name, value)), withoutEmpty(value), name);
  });

  it('encodes large messages (multi-byte lengths) and small ones after them', () => {
    const big = { resourceVersion: '1', items: Array.from({ length: 400 }, (_, i) => ({ ...pod, metadata: { ...pod.metadata, name: `p-${i}` } })) };
    const bytes = encode('skiff.v1.ListResponse', big);
    assert.ok(bytes.length > 4 * 1024 * 1024, `a message over 4 MB (${bytes.length})`);
    assert.deepEqual(decodeWire(protoType('skiff.v1.ListResponse'), bytes), big);
    assert.deepEqual(decodeWire(protoType('skiff.v1.Object'), encode('skiff.v1.Object', others[2])), others[2]);
  });

  it('takes 20,000 mutated objects as the one-pass encoder did: the same bytes, the same refusals', () => {
    const got = corpus(encodeChecked);
    assert.ok(got.refused > 2000 && got.refused < 18000, `a useful mix of good and bad inputs (${got.refused} refused)`);
    assert.deepEqual(got, RECORDED);
  });

  const invalid: { name: string; type: string; value: unknown; field: string; detail: RegExp }[] = [
    { name: 'an unknown field', type: 'skiff.v1.Object', value: { kind: 'ConfigMap', metadata: { name: 'a', colour: 'red' } }, field: 'metadata.colour', detail: /unknown field/ },
    { name: 'a string for an integer', type: 'skiff.v1.Object', value: { kind: 'Deployment', spec: { replicas: '3' } }, field: 'spec.replicas', detail: /expected an integer/ },
    { name: 'an int32 out of range', type: 'skiff.v1.Object', value: { kind: 'Deployment', spec: { replicas: 2 ** 31 } }, field: 'spec.replicas', detail: /out of range/ },
    { name: 'a lone surrogate', type: 'skiff.v1.Object', value: { kind: 'ConfigMap', data: { k: '\ud800' } }, field: 'data[k]', detail: /not valid Unicode/ },
    { name: 'bad base64', type: 'skiff.v1.Object', value: { kind: 'Secret', data: { k: 'not base64!' } }, field: 'data[k]', detail: /illegal base64/ },
    {
      name: 'an IntOrString of another type',
      type: 'skiff.v1.Object',
      value: { kind: 'Service', spec: { ports: [{ port: 80, targetPort: true }] } },
      field: 'spec.ports[0].targetPort',
      detail: /an integer or a string/,
    },
    { name: 'a null list item', type: 'skiff.v1.Object', value: { kind: 'ConfigMap', metadata: { finalizers: [null] } }, field: 'metadata.finalizers[0]', detail: /null/ },
    { name: 'an unserved kind', type: 'skiff.v1.Object', value: { kind: 'Gadget' }, field: 'kind', detail: /no kind "Gadget"/ },
    { name: 'a request field of another type', type: 'skiff.v1.ListRequest', value: { resource: 'pods', limit: 'all' }, field: 'limit', detail: /expected an integer/ },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}, with its field path`, () => {
      const errors: FieldError[] = [];
      assert.equal(encodeWire(protoType(c.type), c.value, errors), undefined);
      assert.ok(
        errors.some((e) => e.field === c.field && c.detail.test(e.detail)),
        JSON.stringify(errors),
      );
    });
  }
});
