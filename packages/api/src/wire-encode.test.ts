// encodeValid against the walk (toWireMessage / toWireObject) plus protobufjs' encode: the same bytes
// for every value the walk accepts, and no bytes for any value it refuses. Checked on a varied set of
// objects and on thousands of mutations of them (wrong types, unknown fields, nulls, out-of-range
// numbers, lone surrogates, bad base64, ...).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldError } from './errors.js';
import { protoType } from './proto-root.js';
import { rng } from './test-random.js';
import { toWireMessage, toWireObject } from './wire.js';
import { encodeValid } from './wire-encode.js';
import { decodeWire } from './wire-decode.js';

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

/** What the walk and protobufjs make of `value`: bytes, or the walk's errors. */
function reference(typeName: string, value: unknown): Buffer | FieldError[] {
  const type = protoType(typeName);
  const errors: FieldError[] = [];
  const wire = typeName === 'skiff.v1.Object' ? toWireObject(value, errors) : toWireMessage(type, value, '', errors);
  if (errors.length > 0 || !wire) return errors;
  return Buffer.from(type.encode(wire).finish());
}

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

describe('encodeValid', () => {
  it('writes the bytes protobufjs writes for the walk, for valid objects and requests', () => {
    const cases: [string, unknown][] = [
      ...[pod, ...others].map((o): [string, unknown] => ['skiff.v1.Object', o]),
      ['skiff.v1.CreateRequest', { object: pod, dryRun: true }],
      ['skiff.v1.ListResponse', { resourceVersion: '9', continue: '', remainingItemCount: 2 ** 40, items: [pod, ...others] }],
      ['skiff.v1.WatchEvent', { type: 'ADDED', object: others[0] }],
      ['skiff.v1.ListRequest', { resource: 'pods', limit: 500, labelSelector: 'a=b' }],
    ];
    for (const [name, value] of cases) {
      const want = reference(name, value);
      assert.ok(Buffer.isBuffer(want), `${name}: the reference refused ${JSON.stringify(want)}`);
      const got = encodeValid(protoType(name), value);
      assert.ok(got, `${name}: refused`);
      assert.equal(got.toString('hex'), want.toString('hex'), name);
    }
    assert.deepEqual(decodeWire(protoType('skiff.v1.Object'), encodeValid(protoType('skiff.v1.Object'), pod)!), pod);
  });

  it('writes large messages (multi-byte lengths, a grown buffer) as protobufjs does, and small ones after them', () => {
    const big = { resourceVersion: '1', items: Array.from({ length: 400 }, (_, i) => ({ ...pod, metadata: { ...pod.metadata, name: `p-${i}` } })) };
    const want = reference('skiff.v1.ListResponse', big) as Buffer;
    assert.ok(want.length > 4 * 1024 * 1024, `a message over 4 MB (${want.length})`);
    assert.equal(encodeValid(protoType('skiff.v1.ListResponse'), big)!.toString('hex'), want.toString('hex'));
    const small = reference('skiff.v1.Object', others[2]) as Buffer;
    assert.equal(encodeValid(protoType('skiff.v1.Object'), others[2])!.toString('hex'), small.toString('hex'));
  });

  it('agrees with the reference on 20,000 mutated objects: the same bytes, or no bytes', () => {
    const r = rng(7);
    const bases: [string, unknown][] = [
      ['skiff.v1.Object', pod],
      ...others.map((o): [string, unknown] => ['skiff.v1.Object', o]),
      ['skiff.v1.CreateRequest', { object: others[3], dryRun: false }],
    ];
    let refused = 0;
    for (let i = 0; i < 20000; i++) {
      const [name, base] = bases[i % bases.length]!;
      const value = mutate(base, r);
      const want = reference(name, value);
      const got = encodeValid(protoType(name), value);
      if (Buffer.isBuffer(want)) {
        assert.ok(got, `${name}: refused what the walk accepts: ${JSON.stringify(value)}`);
        assert.equal(got.toString('hex'), want.toString('hex'), JSON.stringify(value));
      } else {
        refused++;
        assert.equal(got, undefined, `${name}: encoded what the walk refuses (${want.map((e) => e.field).join(', ')}): ${JSON.stringify(value)}`);
      }
    }
    assert.ok(refused > 2000 && refused < 18000, `a useful mix of good and bad inputs (${refused} refused)`);
  });
});
