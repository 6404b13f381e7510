// Message codecs for the Skiff gRPC API: Kubernetes-shaped JS values on one side, protobuf bytes on
// the other, through the proto reflection of @skiff/api. One codec per message type, built once.
import { ApiError, decodeWire, encodeWire, fieldError, formatFieldError, protoType, type FieldError } from '@skiff/api';
import protobuf from 'protobufjs';

/** What a server-side deserializer returns instead of throwing (grpc-js would answer INTERNAL). */
export interface UndecodableMessage {
  readonly undecodable: ApiError;
}

export function isUndecodable(v: unknown): v is UndecodableMessage {
  return typeof v === 'object' && v !== null && 'undecodable' in v;
}

export interface Codec<T> {
  readonly type: protobuf.Type;
  /** JS value -> bytes. Throws ApiError INVALID_ARGUMENT listing every structural error. */
  encode(value: T): Buffer;
  /** bytes -> JS value. Throws ApiError INVALID_ARGUMENT for malformed bytes. */
  decode(bytes: Buffer): T;
}

const codecs = new Map<string, Codec<unknown>>();

export function codecFor<T>(typeName: string): Codec<T> {
  let c = codecs.get(typeName);
  if (!c) {
    c = makeCodec(protoType(typeName));
    codecs.set(typeName, c);
  }
  return c as Codec<T>;
}

function makeCodec<T>(type: protobuf.Type): Codec<T> {
  return {
    type,
    encode(value: T): Buffer {
      return encodeChecked(type, value);
    },
    decode(bytes: Buffer): T {
      try {
        return decodeWire(type, bytes) as T;
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw new ApiError('INVALID_ARGUMENT', `malformed ${type.name} message: ${(e as Error).message}`, { reason: 'BadRequest', cause: e });
      }
    },
  };
}

export function structuralError(errors: FieldError[]): ApiError {
  const fields = errors.length ? errors : [fieldError('<root>', 'Invalid', 'not an object')];
  return new ApiError('INVALID_ARGUMENT', `invalid request: ${fields.map(formatFieldError).join('; ')}`, { reason: 'Invalid', fields });
}

/** A Kubernetes object as `skiff.v1.Object` bytes. */
export function encodeObject(obj: unknown): Buffer {
  return encodeChecked(protoType('skiff.v1.Object'), obj);
}

/** The walk checks the value (skiff.v1.Object: the object itself, not its oneof wrapper) and
 * reports every structural error with its field path; protobufjs encodes what it gives. */
function encodeChecked(type: protobuf.Type, value: unknown): Buffer {
  const errors: FieldError[] = [];
  const bytes = encodeWire(type, value, errors);
  if (!bytes) throw structuralError(errors);
  return bytes;
}

/** `skiff.v1.WatchEvent` bytes from the type and pre-encoded Object bytes. */
export function encodeWatchEvent(type: string, object?: Buffer): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string(type);
  if (object) w.uint32((2 << 3) | 2).bytes(object);
  const b = w.finish();
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** `skiff.v1.WatchResponse` bytes from pre-encoded WatchEvents: each event is encoded once for all watchers. */
export function encodeWatchResponse(resourceVersion: string, events: Buffer[], initialEventsEnd = false): Buffer {
  const w = protobuf.Writer.create();
  if (resourceVersion) w.uint32((1 << 3) | 2).string(resourceVersion);
  for (const e of events) w.uint32((2 << 3) | 2).bytes(e);
  if (initialEventsEnd) w.uint32(3 << 3).bool(true);
  const b = w.finish();
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
