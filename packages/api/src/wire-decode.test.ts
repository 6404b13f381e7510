// decodeWire against the path it replaced, kept here as the reference: a strict pre-pass over the
// bytes (checkWire, which also refuses strings that are not UTF-8), protobufjs' decode and toObject,
// then the wire-to-JSON conversion. For every
// message of a varied set of objects, and thousands of mutations of their bytes, both must agree:
// the same JSON, or both refuse.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import type protobuf from 'protobufjs';
import { ApiError, clip, fieldError } from './errors.js';
import { protoType } from './proto-root.js';
import { rng } from './test-random.js';
import { resourceByObjectField } from './registry.js';
import { toWireMessage, toWireObject } from './wire.js';
import { decodeWire } from './wire-decode.js';
import { INT_OR_STRING, OBJECT } from './wire-kinds.js';

// ---------------------------------------------------------------- the reference path

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const toObjectOptions: protobuf.IConversionOptions = { longs: Number, bytes: String, defaults: false, arrays: false, objects: false, oneofs: false };

const MAX_DEPTH = 64;
const VARINT = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool', 'enum']);
const FIXED64 = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32 = new Set(['fixed32', 'sfixed32', 'float']);

class Malformed extends Error {}

function wireTypeOf(type: string, isMessage: boolean): number {
  if (isMessage || type === 'string' || type === 'bytes') return 2;
  if (VARINT.has(type)) return 0;
  if (FIXED64.has(type)) return 1;
  if (FIXED32.has(type)) return 5;
  return 0; // enums by name
}

class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  varint(maxBytes = 10): number {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) throw new Malformed('truncated varint');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return value;
    }
    throw new Malformed('varint too long');
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw new Malformed('truncated field');
    this.pos += n;
  }

  /** A length-delimited string: checked to be UTF-8 (protobufjs would replace the bad bytes). */
  utf8(): void {
    const len = this.varint(5);
    if (len > this.end - this.pos) throw new Malformed('truncated field');
    if (!isUtf8(this.buf.subarray(this.pos, this.pos + len))) throw new Malformed('string field is not valid UTF-8');
    this.pos += len;
  }
}

/** Returns what is wrong with `bytes` as a `type` message, or undefined when they are well-formed. */
function checkWire(type: protobuf.Type, bytes: Uint8Array): string | undefined {
  try {
    checkMessage(type, new Cursor(bytes, 0, bytes.length), 0);
    return undefined;
  } catch (e) {
    if (e instanceof Malformed) return e.message;
    throw e;
  }
}

function checkMessage(type: protobuf.Type, c: Cursor, depth: number): void {
  if (depth > MAX_DEPTH) throw new Malformed(`nested deeper than ${MAX_DEPTH} messages`);
  const isObject = type.fullName === '.skiff.v1.Object';
  let kindField = 0;
  while (c.pos < c.end) {
    const tag = c.varint(5);
    const id = Math.floor(tag / 8);
    const wt = tag % 8;
    if (id === 0) throw new Malformed('field number 0');
    const field = type.fieldsById[id];
    if (wt === 3 || wt === 4 || wt > 5) throw new Malformed(`unsupported wire type ${wt} (field ${id} of ${type.name})`);
    if (field && isObject) {
      if (kindField && kindField !== id) throw new Malformed('an Object carries more than one kind');
      kindField = id;
    }
    if (field) {
      const rt = field.resolvedType as protobuf.Type | protobuf.Enum | null;
      const isMessage = !!rt && 'fields' in rt;
      const want = field.map ? 2 : wireTypeOf(field.type, isMessage);
      const packed = field.repeated && !field.map && want !== 2 && wt === 2;
      if (wt !== want && !packed) throw new Malformed(`field ${type.name}.${field.name} has wire type ${wt}, want ${want}`);
      if (wt === 2 && field.type === 'string' && !field.map) {
        c.utf8();
        continue;
      }
      if (wt === 2) {
        const len = c.varint(5);
        if (len > c.end - c.pos) throw new Malformed(`length of ${type.name}.${field.name} runs past the message`);
        const sub = new Cursor(c.buf, c.pos, c.pos + len);
        if (field.map) checkMapEntry(field as unknown as protobuf.MapField, sub, depth + 1);
        else if (isMessage) checkMessage(rt as protobuf.Type, sub, depth + 1);
        else if (packed) while (sub.pos < sub.end) skipValue(sub, want);
        c.pos += len;
        continue;
      }
    }
    skipValue(c, wt);
  }
}

function checkMapEntry(field: protobuf.MapField, c: Cursor, depth: number): void {
  while (c.pos < c.end) {
    const tag = c.varint(5);
    const id = Math.floor(tag / 8);
    const wt = tag % 8;
    if (id === 1) {
      if (wt !== wireTypeOf(field.keyType, false)) throw new Malformed(`map key of ${field.name} has wire type ${wt}`);
      if (field.keyType === 'string') {
        c.utf8();
        continue;
      }
    } else if (id === 2) {
      const rt = field.resolvedType as protobuf.Type | protobuf.Enum | null;
      const isMessage = !!rt && 'fields' in rt;
      const want = wireTypeOf(field.type, isMessage);
      if (wt !== want) throw new Malformed(`map value of ${field.name} has wire type ${wt}`);
      if (field.type === 'string') {
        c.utf8();
        continue;
      }
      if (isMessage) {
        const len = c.varint(5);
        if (len > c.end - c.pos) throw new Malformed(`length of a ${field.name} value runs past the message`);
        checkMessage(rt as protobuf.Type, new Cursor(c.buf, c.pos, c.pos + len), depth + 1);
        c.pos += len;
        continue;
      }
    } else if (wt === 3 || wt === 4 || wt > 5) {
      throw new Malformed(`unsupported wire type ${wt}`);
    }
    skipValue(c, wt);
  }
}

function skipValue(c: Cursor, wt: number): void {
  switch (wt) {
    case 0:
      c.varint();
      return;
    case 1:
      c.skip(8);
      return;
    case 2:
      c.skip(c.varint(5));
      return;
    case 5:
      c.skip(4);
      return;
    default:
      throw new Malformed(`unsupported wire type ${wt}`);
  }
}

/** Converts a decoded wire object (protobufjs toObject output) back to Kubernetes JSON, in place. */
function fromWireMessage(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(value)) {
    const field = type.fields[key];
    const rt = field?.resolvedType;
    if (!rt || !('fields' in rt)) continue;
    const t = rt as protobuf.Type;
    const isIos = t.fullName === INT_OR_STRING;
    const isObject = t.fullName === OBJECT;
    const conv = (x: unknown): unknown => {
      if (!isPlainObject(x)) return x;
      if (isIos) return x.intVal !== undefined ? x.intVal : (x.strVal ?? '');
      if (isObject) return fromWireObject(x);
      return fromWireMessage(t, x);
    };
    const v = value[key];
    if (field.map && isPlainObject(v)) {
      for (const k of Object.keys(v)) v[k] = conv(v[k]);
    } else if (field.repeated && Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = conv(v[i]);
    } else {
      value[key] = conv(v);
    }
  }
  return value;
}

/**
 * The `skiff.v1.Object` wrapper (decoded) back to the Kubernetes object it carries. The kind is the
 * oneof field that is set: an absent `kind` is filled in, a contradicting one is refused.
 */
function fromWireObject(x: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(x)) {
    const rt = resourceByObjectField(key);
    const inner = x[key];
    if (!rt || !isPlainObject(inner)) continue;
    if (inner.kind !== undefined && inner.kind !== rt.kind) {
      throw new ApiError('INVALID_ARGUMENT', `the object is sent as a ${rt.kind} but says kind "${clip(String(inner.kind))}"`, {
        reason: 'Invalid',
        fields: [fieldError('kind', 'Invalid', `must be "${rt.kind}" (the Object field that carries it)`, clip(String(inner.kind)))],
      });
    }
    const obj: Record<string, unknown> = inner.apiVersion !== undefined ? { apiVersion: inner.apiVersion, kind: rt.kind } : { kind: rt.kind };
    return fromWireMessage(protoType(rt.protoType), Object.assign(obj, inner, { kind: rt.kind }));
  }
  return {};
}

function referenceDecode(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  const problem = checkWire(type, bytes);
  if (problem) throw new Error(problem);
  const plain = type.toObject(type.decode(bytes), toObjectOptions);
  return type.fullName === OBJECT ? fromWireObject(plain) : fromWireMessage(type, plain);
}

// ---------------------------------------------------------------- inputs

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f8b6c5d-abcde',
    namespace: 'default',
    uid: '0b7e3c3e-9a53-4b8a-8f1e-2f0c7d8e9a10',
    resourceVersion: '1234',
    generation: 3,
    creationTimestamp: '2026-11-26T09:00:00Z',
    labels: { app: 'web', 'pod-template-hash': '7d9f8b6c5d' },
    annotations: { note: 'caf\u00e9 \u2615 \ud83d\ude80' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8b6c5d', uid: 'u', controller: true, blockOwnerDeletion: true }],
    finalizers: ['example.com/a', 'example.com/b'],
  },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'web',
        image: 'nginx:1.25',
        command: ['sh', '-c', 'exec nginx'],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'A', value: 'b' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
        readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
        livenessProbe: { tcpSocket: { port: 80 }, failureThreshold: 0 },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: -30,
    securityContext: { runAsUser: 4294967296, supplementalGroups: [1, 2, 3] },
  },
  status: { phase: 'Running', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'True' }] },
};
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 81, targetPort: 'admin' }], type: 'NodePort' },
};
const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { key: 'aGVsbG8=', empty: '' }, type: 'Opaque' };
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: 'b' }, binaryData: { bin: 'AAEC' }, immutable: false };
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
  },
  status: { observedGeneration: 2, replicas: 1 },
};
const objects = [pod, service, secret, configMap, deployment, { kind: 'Namespace', metadata: { name: 'ns' } }];

function encode(typeName: string, value: unknown): Uint8Array {
  const type = protoType(typeName);
  const errors: never[] = [];
  const wire = typeName === 'skiff.v1.Object' ? toWireObject(value, errors) : toWireMessage(type, value, '', errors);
  assert.deepEqual(errors, []);
  return type.encode(wire!).finish();
}

const messages: [string, Uint8Array][] = [
  ...objects.map((o): [string, Uint8Array] => ['skiff.v1.Object', encode('skiff.v1.Object', o)]),
  ['skiff.v1.CreateRequest', encode('skiff.v1.CreateRequest', { object: pod, dryRun: true })],
  ['skiff.v1.ListResponse', encode('skiff.v1.ListResponse', { resourceVersion: '9', continue: 'c', remainingItemCount: 12, items: objects })],
  ['skiff.v1.WatchEvent', encode('skiff.v1.WatchEvent', { type: 'ADDED', object: service })],
];

function mutate(b: Uint8Array, r: () => number): Uint8Array {
  const out = Array.from(b);
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * Math.max(1, out.length));
    switch (Math.floor(r() * 5)) {
      case 0:
        out[at] = Math.floor(r() * 256);
        break;
      case 1:
        out[at] = (out[at] ?? 0) ^ (1 << Math.floor(r() * 8));
        break;
      case 2:
        out.splice(at, 1);
        break;
      case 3:
        out.splice(at, 0, Math.floor(r() * 256));
        break;
      default:
        out.length = at;
    }
  }
  return Uint8Array.from(out);
}

function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('decodeWire', () => {
  it('gives what the reference path gives for well-formed messages', () => {
    for (const [name, bytes] of messages) {
      const type = protoType(name);
      assert.deepEqual(decodeWire(type, bytes), referenceDecode(type, bytes), name);
    }
    const back = decodeWire(protoType('skiff.v1.Object'), encode('skiff.v1.Object', pod)) as typeof pod;
    assert.equal(back.metadata.annotations.note, pod.metadata.annotations.note);
    assert.equal(back.spec.securityContext.runAsUser, 4294967296);
    assert.equal(back.spec.terminationGracePeriodSeconds, -30);
    assert.deepEqual(decodeWire(protoType('skiff.v1.Object'), encode('skiff.v1.Object', service)), service);
  });

  it('agrees with the reference on 20,000 mutated messages: the same object, or both refuse', () => {
    const r = rng(20261126);
    let refused = 0;
    for (let i = 0; i < 20000; i++) {
      const [name, base] = messages[i % messages.length]!;
      const type = protoType(name);
      const bytes = mutate(base, r);
      const want = outcome(() => referenceDecode(type, bytes));
      const got = outcome(() => decodeWire(type, bytes));
      const hex = Buffer.from(bytes).toString('hex');
      if (want.ok) {
        assert.ok(got.ok, `${name} ${hex}: refused (${got.ok ? '' : String(got.error)}) what the reference decodes`);
        assert.deepEqual(got.value, want.value, `${name} ${hex}`);
      } else {
        refused++;
        assert.ok(!got.ok, `${name} ${hex}: decoded what the reference refuses (${String(want.error)})`);
        if (want.error instanceof ApiError) assert.ok(got.error instanceof ApiError, `${name} ${hex}: ${String(got.error)}`);
      }
    }
    assert.ok(refused > 1000 && refused < 19000, `a useful mix of good and bad inputs (${refused} refused)`);
  });

  it('refuses strings that are not UTF-8, two kinds in one Object, groups, and truncated fields', () => {
    const obj = protoType('skiff.v1.Object');
    const cm = Buffer.from(encode('skiff.v1.Object', { kind: 'ConfigMap', metadata: { name: 'ab' } }));
    const i = cm.indexOf('ab');
    const bad = Buffer.from(cm);
    bad[i] = 0xff;
    assert.throws(() => decodeWire(obj, bad), /not valid UTF-8/);
    const secretBytes = encode('skiff.v1.Object', { kind: 'Secret', metadata: { name: 's' } });
    assert.throws(() => decodeWire(obj, Buffer.concat([cm, secretBytes])), /more than one kind/);
    assert.throws(() => decodeWire(obj, Buffer.from([0x0b, 0x0c])), /wire type 3/);
    assert.throws(() => decodeWire(obj, encode('skiff.v1.Object', { kind: 'ConfigMap' }).slice(0, 3)), /runs past|truncated/);
  });
});

