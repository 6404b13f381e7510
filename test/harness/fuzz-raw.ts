// Generators of malformed gRPC request bytes for the raw channel of fuzz.test.ts: random bytes,
// truncated and corrupted encodings, invalid UTF-8, wrong wire types, huge length prefixes, deep
// nesting, oversized messages. Each case says which status codes are acceptable answers.
import { status } from '@grpc/grpc-js';
import type { Rng } from './fuzz-rng.js';
import { seed, SEED_KINDS, type SeedKind } from './fuzz-manifests.js';
import { cat, configMap, createConfigMap, encode, F, ld, mapEntry, meta, tag, varint, vi, WT, type Method } from './fuzz-wire.js';

export interface RawCase {
  generator: string;
  label: string;
  method: Method;
  bytes: Buffer;
  /** Acceptable grpc status codes. */
  allowed: readonly number[];
}

const IA = status.INVALID_ARGUMENT;
const NF = status.NOT_FOUND;
const RE = status.RESOURCE_EXHAUSTED;
const OK = status.OK;
const OOR = status.OUT_OF_RANGE;

/** Invalid UTF-8 sequences: bad lead bytes, lone continuation, overlong, surrogate, truncated, >U+10FFFF. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xff]),
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0x80]),
  Buffer.from([0xc1, 0xbf]),
  Buffer.from([0xe0, 0x80, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xed, 0xbf, 0xbf]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xf0, 0x9f, 0x98]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xfe]),
];

/** Codes any malformed request to `m` may get: a client error, never INTERNAL/UNKNOWN/UNAVAILABLE. */
function clientErrors(m: Method): number[] {
  if (m === 'Discovery') return [OK, IA];
  return [IA, NF];
}

/** A ConfigMap manifest that is invalid in several independent places (one flipped byte cannot fix it). */
export function multiInvalidConfigMap(name: string): Buffer {
  const md = meta({ name: `FZ_${name.toUpperCase()}_X`, labels: [['bad key!', '-bad value-']], extra: mapEntry(F.ObjectMeta.annotations, 'bad key!', 'v') });
  return configMap({ meta: md, data: [['bad key!', 'v'], ['also bad/', 'w']] });
}

function flip(b: Buffer, r: Rng): Buffer {
  const out = Buffer.from(b);
  const n = r.int(1, 4);
  for (let i = 0; i < n && out.length > 0; i++) {
    const at = r.int(0, out.length - 1);
    out[at] = r.bool() ? out[at]! ^ (1 << r.int(0, 7)) : r.int(0, 255);
  }
  return out;
}

const validCreate = (kind: SeedKind, name: string): Buffer => encode('CreateRequest', { object: seed(kind, name) });

/** Get/Delete/List/Patch requests with valid encodings, naming objects that do not exist. */
function readish(r: Rng, name: string): { method: Method; bytes: Buffer; allowed: number[] } {
  const which = r.pick(['Get', 'Delete', 'List', 'Patch'] as const);
  switch (which) {
    case 'Get':
      return { method: 'Get', bytes: encode('GetRequest', { resource: r.pick(['configmaps', 'pods', 'deploy', 'ns']), namespace: 'default', name }), allowed: [IA, NF] };
    case 'Delete':
      return { method: 'Delete', bytes: encode('DeleteRequest', { resource: r.pick(['configmaps', 'services', 'rs']), namespace: 'default', name, propagationPolicy: 'Background' }), allowed: [IA, NF] };
    case 'List':
      return {
        method: 'List',
        bytes: encode('ListRequest', { resource: r.pick(['configmaps', 'pods', 'events']), namespace: 'default', labelSelector: 'app in (a,b),!legacy', fieldSelector: 'metadata.name=x', limit: 3 }),
        // A corrupted but still well-formed List is a read: OK is fine, as is a bad selector or revision.
        allowed: [OK, IA, NF, OOR],
      };
    case 'Patch':
      return {
        method: 'Patch',
        bytes: encode('PatchRequest', { resource: 'configmaps', namespace: 'default', name, patchType: 'application/merge-patch+json', patch: Buffer.from('{"data":{"a":"b"}}').toString('base64') }),
        allowed: [IA, NF],
      };
  }
}

const deepGroupCache = new Map<number, Buffer>();
/** N nested groups (start-group tags, then N end-group tags unless `unterminated`). */
export function deepGroups(n: number, unterminated = false): Buffer {
  const key = unterminated ? -n : n;
  let b = deepGroupCache.get(key);
  if (!b) {
    const open = tag(15, WT.SGROUP);
    const close = tag(15, WT.EGROUP);
    b = cat(Buffer.alloc(n * open.length, open), unterminated ? Buffer.alloc(0) : Buffer.alloc(n * close.length, close));
    deepGroupCache.set(key, b);
  }
  return b;
}

const deepLenCache = new Map<number, Buffer>();
/** N nested length-delimited unknown fields (field 99), built inside out with exact lengths. */
export function deepLen(n: number): Buffer {
  let b = deepLenCache.get(n);
  if (!b) {
    let inner: Buffer = Buffer.alloc(0);
    for (let i = 0; i < n; i++) inner = ld(99, inner);
    b = inner;
    deepLenCache.set(n, b);
  }
  return b;
}

type Gen = (r: Rng, id: string) => Omit<RawCase, 'generator'>;

const generators: Record<string, Gen> = {
  'random-bytes': (r) => {
    const method = r.pick(['Create', 'Get', 'List', 'Update', 'UpdateStatus', 'Patch', 'Delete', 'Bind', 'Discovery'] as const);
    const len = r.weighted([
      [4, () => r.int(0, 16)],
      [8, () => r.int(17, 256)],
      [3, () => r.int(257, 4096)],
      [0.2, () => r.int(4097, 70_000)],
    ] as const)();
    return { label: `${len} random bytes`, method, bytes: r.bytes(len), allowed: clientErrors(method) };
  },
  truncated: (r, id) => {
    const which = r.int(0, 2);
    let method: Method;
    let full: Buffer;
    let allowed: number[];
    if (which === 0) {
      method = 'Create';
      full = validCreate(r.pick(SEED_KINDS), id);
      allowed = [IA];
    } else if (which === 1) {
      method = 'Update';
      full = encode('UpdateRequest', { object: seed(r.pick(SEED_KINDS), id) });
      allowed = [IA];
    } else {
      ({ method, bytes: full, allowed } = readish(r, id));
    }
    const at = r.int(0, full.length - 1);
    return { label: `valid ${method} (${full.length} bytes) truncated to ${at}`, method, bytes: full.subarray(0, at), allowed };
  },
  flipped: (r, id) => {
    if (r.bool(0.6)) {
      const bytes = flip(createConfigMap(multiInvalidConfigMap(id)), r);
      return { label: 'invalid ConfigMap create with corrupted bytes', method: 'Create', bytes, allowed: [IA] };
    }
    const base = readish(r, id);
    return { label: `valid ${base.method} with corrupted bytes`, method: base.method, bytes: flip(base.bytes, r), allowed: base.allowed };
  },
  'invalid-utf8': (r, id) => {
    const bad = r.pick(INVALID_UTF8);
    const s = (prefix: string): Buffer => cat(Buffer.from(prefix), bad, Buffer.from(r.pick(['', 'x', 'tail'])));
    const where = r.int(0, 15);
    const name = id;
    const cm = (parts: Parameters<typeof configMap>[0]): Buffer => createConfigMap(configMap(parts));
    switch (where) {
      case 0:
        return { label: 'configMap.metadata.name', method: 'Create', bytes: cm({ meta: meta({ name: s(name) }) }), allowed: [IA] };
      case 1:
        return { label: 'configMap.metadata.namespace', method: 'Create', bytes: cm({ meta: meta({ name, namespace: s('default') }) }), allowed: [IA] };
      case 2:
        return { label: 'configMap.metadata.labels key', method: 'Create', bytes: cm({ meta: meta({ name, labels: [[s('app'), 'v']] }) }), allowed: [IA] };
      case 3:
        return { label: 'configMap.metadata.labels value', method: 'Create', bytes: cm({ meta: meta({ name, labels: [['app', s('v')]] }) }), allowed: [IA] };
      case 4:
        return { label: 'configMap.metadata.annotations value', method: 'Create', bytes: cm({ meta: meta({ name, extra: mapEntry(F.ObjectMeta.annotations, 'note', s('a')) }) }), allowed: [IA] };
      case 5:
        return { label: 'configMap.data key', method: 'Create', bytes: cm({ meta: meta({ name }), data: [[s('key'), 'v']] }), allowed: [IA] };
      case 6:
        return { label: 'configMap.data value', method: 'Create', bytes: cm({ meta: meta({ name }), data: [['key', s('value ')]] }), allowed: [IA] };
      case 7:
        return { label: 'configMap.kind', method: 'Create', bytes: createConfigMap(cat(ld(1, 'v1'), ld(2, s('ConfigMap')), ld(3, meta({ name })))), allowed: [IA] };
      case 8:
        return { label: 'configMap.apiVersion', method: 'Create', bytes: createConfigMap(cat(ld(1, s('v1')), ld(2, 'ConfigMap'), ld(3, meta({ name })))), allowed: [IA] };
      case 9:
        return { label: 'GetRequest.name', method: 'Get', bytes: cat(ld(F.GetRequest.resource, 'configmaps'), ld(F.GetRequest.namespace, 'default'), ld(F.GetRequest.name, s(name))), allowed: [IA] };
      case 10:
        return { label: 'GetRequest.resource', method: 'Get', bytes: cat(ld(F.GetRequest.resource, s('configmaps')), ld(F.GetRequest.name, name)), allowed: [IA] };
      case 11:
        return { label: 'ListRequest.labelSelector', method: 'List', bytes: cat(ld(F.ListRequest.resource, 'configmaps'), ld(F.ListRequest.labelSelector, s('app='))), allowed: [IA] };
      case 12:
        return { label: 'ListRequest.fieldSelector', method: 'List', bytes: cat(ld(F.ListRequest.resource, 'pods'), ld(F.ListRequest.fieldSelector, s('metadata.name='))), allowed: [IA] };
      case 13:
        return { label: 'DeleteRequest.name', method: 'Delete', bytes: cat(ld(F.DeleteRequest.resource, 'configmaps'), ld(F.DeleteRequest.name, s(name))), allowed: [IA] };
      case 14:
        return { label: 'PatchRequest.name', method: 'Patch', bytes: cat(ld(F.PatchRequest.resource, 'configmaps'), ld(F.PatchRequest.name, s(name)), ld(F.PatchRequest.patch, '{}')), allowed: [IA] };
      default:
        return {
          label: 'UpdateRequest object.configMap.metadata.name',
          method: 'Update',
          bytes: ld(1, ld(F.Object.configMap, configMap({ meta: meta({ name: s(name) }) }))),
          allowed: [IA],
        };
    }
  },
  'wrong-wire-type': (r, id) => {
    // Every variant is one a conforming parser either rejects or skips as an unknown field; both
    // leave the request invalid. A lenient parser that reads the field anyway would accept it.
    const okMeta = meta({ name: id });
    const okCm = configMap({ meta: okMeta, data: [['k', 'v']] });
    const variant = r.int(0, 5);
    switch (variant) {
      case 0: // CreateRequest.object (message) as a varint carrying the length
        return { label: 'CreateRequest.object with wire type varint', method: 'Create', bytes: cat(tag(1, WT.VARINT), varint(ld(F.Object.configMap, okCm).length), ld(F.Object.configMap, okCm)), allowed: [IA] };
      case 1: // ObjectMeta.name (string) as a varint followed by the bytes
        return {
          label: 'ObjectMeta.name with wire type varint',
          method: 'Create',
          bytes: createConfigMap(configMap({ meta: cat(tag(F.ObjectMeta.name, WT.VARINT), varint(id.length), Buffer.from(id)) })),
          allowed: [IA],
        };
      case 2: // ConfigMap.metadata (message) with wire type fixed64
        return {
          label: 'ConfigMap.metadata with wire type fixed64',
          method: 'Create',
          bytes: createConfigMap(cat(ld(1, 'v1'), ld(2, 'ConfigMap'), tag(F.ConfigMap.metadata, WT.I64), varint(okMeta.length), okMeta)),
          allowed: [IA],
        };
      case 3: // ObjectMeta.name with wire type fixed32
        return {
          label: 'ObjectMeta.name with wire type fixed32',
          method: 'Create',
          bytes: createConfigMap(configMap({ meta: cat(tag(F.ObjectMeta.name, WT.I32), varint(id.length), Buffer.from(id)) })),
          allowed: [IA],
        };
      case 4: // Object.configMap as a start-group
        return { label: 'Object.configMap with wire type start-group', method: 'Create', bytes: ld(1, cat(tag(F.Object.configMap, WT.SGROUP), varint(okCm.length), okCm)), allowed: [IA] };
      default: // invalid wire types 6 and 7
        return { label: 'wire type 6/7', method: r.pick(['Create', 'Get', 'List', 'Delete'] as const), bytes: cat(tag(r.int(1, 20), r.pick([6, 7])), r.bytes(r.int(0, 20))), allowed: [IA] };
    }
  },
  'huge-length': (r, id) => {
    const len = r.pick([2n ** 31n, 2n ** 32n - 1n, 2n ** 35n, 2n ** 63n - 1n, 2n ** 64n - 1n, 4n * 1024n * 1024n, 1000n]);
    const tail = r.bytes(r.int(0, 64));
    const variant = r.int(0, 3);
    if (variant === 0) return { label: `CreateRequest.object length ${len}`, method: 'Create', bytes: cat(tag(1, WT.LEN), varint(len), tail), allowed: [IA] };
    if (variant === 1) {
      const inner = cat(ld(1, 'v1'), ld(2, 'ConfigMap'), tag(F.ConfigMap.metadata, WT.LEN), varint(len), ld(F.ObjectMeta.name, id));
      return { label: `ConfigMap.metadata length ${len}`, method: 'Create', bytes: createConfigMap(inner), allowed: [IA] };
    }
    if (variant === 2) return { label: `GetRequest.name length ${len}`, method: 'Get', bytes: cat(ld(1, 'configmaps'), tag(3, WT.LEN), varint(len), tail), allowed: [IA] };
    // An overlong varint (more than 10 bytes).
    return { label: 'overlong varint length', method: r.pick(['Create', 'List'] as const), bytes: cat(tag(1, WT.LEN), Buffer.alloc(r.int(10, 20), 0xff), Buffer.from([0x01]), tail), allowed: [IA] };
  },
  'deep-nesting': (r, id) => {
    const n = r.pick([100, 1000, 10_000, 100_000, 300_000]);
    const variant = r.int(0, 3);
    if (variant === 0) return { label: `${n} nested groups in CreateRequest`, method: 'Create', bytes: deepGroups(n), allowed: [IA] };
    if (variant === 1) return { label: `${n} unterminated nested groups`, method: r.pick(['Create', 'Get', 'List', 'Patch'] as const), bytes: deepGroups(n, true), allowed: [IA] };
    if (variant === 2) {
      const md = meta({ name: `FZ_${id}`, extra: deepGroups(n) });
      return { label: `${n} nested groups in ObjectMeta (invalid name)`, method: 'Create', bytes: createConfigMap(configMap({ meta: md })), allowed: [IA] };
    }
    const d = r.pick([10, 100, 1000]);
    return { label: `${d} nested length-delimited unknown fields around an invalid object`, method: 'Create', bytes: cat(deepLen(d), createConfigMap(multiInvalidConfigMap(id))), allowed: [IA] };
  },
  'unknown-fields': (r, id) => {
    const junk = (): Buffer =>
      r.pick([
        () => vi(r.int(100, 5000), r.int(0, 2 ** 30)),
        () => ld(r.int(100, 5000), r.bytes(r.int(0, 40))),
        () => cat(tag(r.int(100, 5000), WT.I32), r.bytes(4)),
        () => cat(tag(r.int(100, 5000), WT.I64), r.bytes(8)),
      ])();
    const md = meta({ name: `FZ_${id}`, extra: junk() });
    return { label: 'unknown fields around an invalid ConfigMap', method: 'Create', bytes: cat(junk(), createConfigMap(configMap({ meta: md, extra: junk() })), junk()), allowed: [IA] };
  },
  'over-4mib': (r) => {
    const method = r.pick(['Create', 'Update', 'Patch', 'List', 'Get'] as const);
    const n = r.int(4 * 1024 * 1024 + 1, 6 * 1024 * 1024);
    const bytes = r.bool() ? Buffer.alloc(n, r.int(0, 255)) : cat(tag(1, WT.LEN), varint(n), Buffer.alloc(n, 0x61));
    return { label: `${bytes.length}-byte message`, method, bytes, allowed: [RE] };
  },
  'watch-garbage': (r, id) => {
    const variant = r.int(0, 2);
    if (variant === 0) return { label: 'Watch with random bytes', method: 'Watch', bytes: r.bytes(r.int(1, 200)), allowed: [IA, NF] };
    if (variant === 1) return { label: 'Watch with invalid UTF-8 resource', method: 'Watch', bytes: ld(1, cat(Buffer.from('config'), r.pick(INVALID_UTF8))), allowed: [IA] };
    return { label: 'Watch with a bad resourceVersion', method: 'Watch', bytes: cat(ld(1, 'configmaps'), ld(5, r.pick(['abc', '-1', '1e3', ' 5', id]))), allowed: [IA] };
  },
};

const weights: [number, string][] = [
  [25, 'random-bytes'],
  [15, 'truncated'],
  [20, 'flipped'],
  [15, 'invalid-utf8'],
  [8, 'wrong-wire-type'],
  [6, 'huge-length'],
  [3, 'deep-nesting'],
  [4, 'unknown-fields'],
  [0.4, 'over-4mib'],
  [1, 'watch-garbage'],
];

export function rawCase(r: Rng, id: string): RawCase {
  const generator = r.weighted(weights);
  return { generator, ...generators[generator]!(r, id) };
}

export const RAW_GENERATORS = Object.keys(generators);
