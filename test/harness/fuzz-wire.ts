// Hand-built protobuf bytes and raw gRPC calls for the fuzz tests: what a broken or hostile client
// could send, bypassing the typed client's codec.
import * as grpc from '@grpc/grpc-js';
import { encodeRequest } from '@skiff/machinery';

export const METHODS = ['Create', 'Get', 'List', 'Update', 'UpdateStatus', 'Patch', 'Delete', 'Bind', 'Watch', 'Discovery'] as const;
export type Method = (typeof METHODS)[number];
export const path = (m: Method): string => `/skiff.v1.Resources/${m}`;

/** Wire types. */
export const WT = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

export function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  if (v < 0n) v &= (1n << 64n) - 1n; // two's complement, 10 bytes, as protobuf does for negative int32/int64
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Buffer.from(out);
}

export const tag = (field: number, wireType: number): Buffer => varint((field << 3) | wireType);
export const cat = (...parts: (Buffer | Uint8Array)[]): Buffer => Buffer.concat(parts);

/** A length-delimited field (string, bytes, message). */
export function ld(field: number, payload: Buffer | string): Buffer {
  const b = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return cat(tag(field, WT.LEN), varint(b.length), b);
}

export function vi(field: number, n: number | bigint): Buffer {
  return cat(tag(field, WT.VARINT), varint(n));
}

/** A map<string,string> entry (field `field`, key 1, value 2). */
export function mapEntry(field: number, key: Buffer | string, value: Buffer | string): Buffer {
  return ld(field, cat(ld(1, key), ld(2, value)));
}

// Field numbers of the messages used below (proto/skiff/v1).
export const F = {
  CreateRequest: { object: 1, dryRun: 2 },
  Object: { namespace: 1, pod: 2, node: 3, service: 4, configMap: 6, secret: 7, deployment: 10 },
  ConfigMap: { apiVersion: 1, kind: 2, metadata: 3, data: 4, binaryData: 5, immutable: 6 },
  ObjectMeta: { name: 1, generateName: 2, namespace: 3, labels: 10, annotations: 11 },
  GetRequest: { resource: 1, namespace: 2, name: 3 },
  ListRequest: { resource: 1, namespace: 2, labelSelector: 3, fieldSelector: 4, limit: 5, continue: 6, resourceVersion: 7 },
  PatchRequest: { resource: 1, namespace: 2, name: 3, patchType: 4, patch: 5, subresource: 6 },
  DeleteRequest: { resource: 1, namespace: 2, name: 3, propagationPolicy: 4 },
} as const;

/** ObjectMeta bytes. */
export function meta(parts: { name?: Buffer | string; namespace?: Buffer | string; labels?: [Buffer | string, Buffer | string][]; extra?: Buffer }): Buffer {
  const out: Buffer[] = [];
  if (parts.name !== undefined) out.push(ld(F.ObjectMeta.name, parts.name));
  if (parts.namespace !== undefined) out.push(ld(F.ObjectMeta.namespace, parts.namespace));
  for (const [k, v] of parts.labels ?? []) out.push(mapEntry(F.ObjectMeta.labels, k, v));
  if (parts.extra) out.push(parts.extra);
  return cat(...out);
}

/** A ConfigMap message (apiVersion v1, kind ConfigMap unless given). */
export function configMap(parts: { meta: Buffer; data?: [Buffer | string, Buffer | string][]; kind?: string; extra?: Buffer }): Buffer {
  const out = [ld(F.ConfigMap.apiVersion, 'v1'), ld(F.ConfigMap.kind, parts.kind ?? 'ConfigMap'), ld(F.ConfigMap.metadata, parts.meta)];
  for (const [k, v] of parts.data ?? []) out.push(mapEntry(F.ConfigMap.data, k, v));
  if (parts.extra) out.push(parts.extra);
  return cat(...out);
}

/** CreateRequest{object: Object{configMap: cm}}. */
export const createConfigMap = (cm: Buffer): Buffer => ld(F.CreateRequest.object, ld(F.Object.configMap, cm));

/** A request encoded by the real codec (valid bytes). */
export const encode = (type: string, value: unknown): Buffer => encodeRequest(`skiff.v1.${type}`, value);

export interface RawResult {
  /** grpc status code number (0 = OK). */
  code: number;
  details: string;
}

/** A unary call with the given bytes; resolves with the status whatever it is. */
export function rawUnary(client: grpc.Client, method: Method, bytes: Buffer, timeoutMs = 20_000): Promise<RawResult> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path(method),
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, _res) => {
        if (err) resolve({ code: err.code, details: err.details });
        else resolve({ code: 0, details: '' });
      },
    );
  });
}

/** A Watch with the given bytes: the status the stream ends with (or OK after the first message). */
export function rawWatch(client: grpc.Client, bytes: Buffer, timeoutMs = 3_000): Promise<RawResult> {
  return new Promise((resolve) => {
    const call = client.makeServerStreamRequest(path('Watch'), (b: Buffer) => b, (b: Buffer) => b, bytes, new grpc.Metadata(), { deadline: Date.now() + timeoutMs });
    let done = false;
    const finish = (r: RawResult): void => {
      if (done) return;
      done = true;
      resolve(r);
      call.cancel();
    };
    call.on('data', () => finish({ code: 0, details: 'streaming' }));
    call.on('error', (e: grpc.ServiceError) => finish({ code: e.code, details: e.details }));
    call.on('status', (s: grpc.StatusObject) => finish({ code: s.code, details: s.details }));
    call.on('end', () => finish({ code: 0, details: 'ended' }));
  });
}

export const codeName = (n: number): string => grpc.status[n] ?? String(n);

export function rawClient(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
}
