// decodeWire (the strict checks, protobufjs' decode and toObject, the conversion to JSON) over a
// varied set of messages and a seeded corpus of 20,000 mutations of their bytes. The corpus was
// decoded by the hand-written one-pass decoder this path replaced (itself checked against this path
// over the same corpus) and its outcomes recorded as one digest per block of 2,000: the same objects
// and the same refusals, message by message. Only a change of the proto messages used here (a field
// added to one of them) moves the digests; then check the refusal counts and record them anew.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { ApiError, type FieldError } from './errors.js';
import { protoType } from './proto-root.js';
import { rng } from './test-random.js';
import { decodeWire, encodeWire, MalformedWire } from './wire-codec.js';

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

function encode(typeName: string, value: unknown): Buffer {
  const errors: FieldError[] = [];
  const bytes = encodeWire(protoType(typeName), value, errors);
  assert.deepEqual(errors, []);
  return bytes!;
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

/** JSON with sorted keys: equal for objects deepEqual holds equal, whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** How a decoder takes a message: the object, or which refusal (malformed bytes, or an API error). */
function outcomeOf(decode: (type: protobuf.Type, bytes: Uint8Array) => unknown, type: protobuf.Type, bytes: Uint8Array): string {
  try {
    return `ok ${canonical(decode(type, bytes))}`;
  } catch (e) {
    if (e instanceof ApiError) return `refused ${e.code} ${e.message}`;
    if (e instanceof MalformedWire) return 'refused malformed';
    throw e;
  }
}

const CORPUS = 20000;
const BLOCK = 2000;

/**
 * The corpus' outcomes under `decode`: a digest per block of the objects decoded and the messages
 * refused, and how many refusals were malformed bytes or API errors (an object whose kind contradicts
 * its Object field).
 */
function corpus(decode: (type: protobuf.Type, bytes: Uint8Array) => unknown): { digests: string[]; malformed: number; apiErrors: number } {
  const r = rng(20261126);
  const digests: string[] = [];
  let malformed = 0;
  let apiErrors = 0;
  let h = createHash('sha256');
  for (let i = 0; i < CORPUS; i++) {
    const [name, base] = messages[i % messages.length]!;
    const out = outcomeOf(decode, protoType(name), mutate(base, r));
    if (out === 'refused malformed') malformed++;
    else if (out.startsWith('refused')) apiErrors++;
    h.update(out.startsWith('refused') ? 'refused\n' : `${out}\n`);
    if ((i + 1) % BLOCK === 0) {
      digests.push(h.digest('hex').slice(0, 16));
      h = createHash('sha256');
    }
  }
  return { digests, malformed, apiErrors };
}

/**
 * The digests are the one-pass decoder's. It refused 6 more messages as API errors and 6 fewer as
 * malformed (18,275 / 305): ListResponses with one item whose kind contradicts its Object field and
 * a later item that is malformed. It stopped at the first problem in byte order; the strict checks
 * now run over all the bytes first, so malformed bytes are what such a message is refused for.
 * Recorded anew when Object gained field 12 (priorityClass), the only proto change: a field 12 in
 * an Object is now read as a PriorityClass, 3 more mutated messages are refused as malformed
 * (18,284), the API-error count is unchanged and 7 of the 10 blocks keep their digests.
 */
const RECORDED = {
  digests: ['43c3d56c51320aa6', '989f0ab1866b1d16', '6fcc6ac040e11748', 'df3164227ae9fd1d', '995013c8ce3aa4cc', 'a542f8f201138251', '6dac54632326fbac', '6328d827ccda7488', '805d228662a62a95', 'f2fb51b127262b6c'],
  malformed: 18284,
  apiErrors: 299,
};

describe('decodeWire', () => {
  it('decodes well-formed messages to what was encoded', () => {
    for (const [name, value] of [
      ['pod', pod],
      ['service', service],
      ['secret', secret],
      ['configMap', configMap],
      ['deployment', deployment],
    ] as const) {
      assert.deepEqual(decodeWire(protoType('skiff.v1.Object'), encode('skiff.v1.Object', value)), value, name);
    }
    const back = decodeWire(protoType('skiff.v1.Object'), encode('skiff.v1.Object', pod)) as typeof pod;
    assert.equal(back.metadata.annotations.note, pod.metadata.annotations.note);
    assert.equal(back.spec.securityContext.runAsUser, 4294967296);
    assert.equal(back.spec.terminationGracePeriodSeconds, -30);
    assert.deepEqual(decodeWire(protoType('skiff.v1.Object'), encode('skiff.v1.Object', { kind: 'Namespace', metadata: { name: 'ns' } })), {
      kind: 'Namespace',
      metadata: { name: 'ns' },
    });
    const list = decodeWire(protoType('skiff.v1.ListResponse'), encode('skiff.v1.ListResponse', { resourceVersion: '9', remainingItemCount: 12, items: objects }));
    assert.deepEqual(list, { resourceVersion: '9', remainingItemCount: 12, items: objects });
  });

  it('takes 20,000 mutated messages as the one-pass decoder did: the same objects, the same refusals', () => {
    const got = corpus(decodeWire);
    assert.ok(got.malformed + got.apiErrors > 1000 && got.malformed + got.apiErrors < 19000, `a useful mix of good and bad inputs (${JSON.stringify(got)})`);
    assert.deepEqual(got, RECORDED);
  });

  const malformed: { name: string; type: string; bytes: () => Uint8Array; error: RegExp }[] = [
    {
      name: 'a string that is not UTF-8',
      type: 'skiff.v1.Object',
      bytes: () => {
        const cm = encode('skiff.v1.Object', { kind: 'ConfigMap', metadata: { name: 'ab' } });
        cm[cm.indexOf('ab')] = 0xff;
        return cm;
      },
      error: /not valid UTF-8/,
    },
    {
      name: 'two kinds in one Object',
      type: 'skiff.v1.Object',
      bytes: () => Buffer.concat([encode('skiff.v1.Object', { kind: 'ConfigMap', metadata: { name: 'ab' } }), encode('skiff.v1.Object', { kind: 'Secret', metadata: { name: 's' } })]),
      error: /more than one kind/,
    },
    { name: 'a group', type: 'skiff.v1.Object', bytes: () => Buffer.from([0x0b, 0x0c]), error: /wire type 3/ },
    { name: 'a truncated field', type: 'skiff.v1.Object', bytes: () => encode('skiff.v1.Object', { kind: 'ConfigMap' }).subarray(0, 3), error: /runs past|truncated/ },
    { name: 'field number 0', type: 'skiff.v1.GetRequest', bytes: () => Buffer.from([0x02, 0x00]), error: /field number 0/ },
    { name: 'a known field with another wire type', type: 'skiff.v1.GetRequest', bytes: () => Buffer.from([0x08, 0x01]), error: /wire type 0, want 2/ },
    { name: 'a varint of eleven bytes', type: 'skiff.v1.GetRequest', bytes: () => Buffer.from([0x78, ...Array<number>(10).fill(0xff), 0x01]), error: /varint too long/ },
  ];
  for (const c of malformed) {
    it(`refuses ${c.name}`, () => {
      assert.throws(() => decodeWire(protoType(c.type), c.bytes()), (e) => e instanceof MalformedWire && c.error.test(e.message));
    });
  }

  it('refuses an object whose kind contradicts its Object field, with the field path', () => {
    const bytes = encode('skiff.v1.Object', { kind: 'ConfigMap', metadata: { name: 'cm' } });
    const type = protoType('skiff.v1.Object');
    // The ConfigMap's kind field is absent on the wire (the Object field says it): write one in.
    const wrapped = decodeWire(type, bytes);
    assert.equal(wrapped.kind, 'ConfigMap');
    const cmType = protoType('skiff.v1.ConfigMap');
    const inner = cmType.encode({ kind: 'Secret', metadata: { name: 'cm' } }).finish();
    const field = type.fields.configMap!;
    const forged = Buffer.concat([Buffer.from([(field.id << 3) | 2, inner.length]), inner]);
    assert.throws(
      () => decodeWire(type, forged),
      (e) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && e.fields[0]?.field === 'kind' && /sent as a ConfigMap/.test(e.message),
    );
  });
});
