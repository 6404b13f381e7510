// Protobuf bytes to and from the Kubernetes JSON shape, with protobufjs doing the encoding and the
// decoding. Towards the wire, the structural walk (wire.ts) checks the value and reports every
// violation with its field path, and protobufjs encodes what it gives. From the wire, the strict
// checks (wire-check.ts) run over the bytes, protobufjs decodes them, and the decoded message is
// copied (toObject) and converted to the JSON shape: IntOrString as a number or a string, a
// skiff.v1.Object as the object it carries (with its kind), 64-bit integers as numbers, bytes as
// base64, enums as numbers, empty repeated and map fields left out.
import type protobuf from 'protobufjs';
import { ApiError, clip, fieldError, type FieldError } from './errors.js';
import { protoType } from './proto-root.js';
import { resourceByObjectField } from './registry.js';
import { checkWire, MalformedWire } from './wire-check.js';
import { roleOf } from './wire-types.js';
import { toWireMessage, toWireObject } from './wire.js';

export { MalformedWire } from './wire-check.js';

const toObjectOptions: protobuf.IConversionOptions = { longs: Number, bytes: String, defaults: false, arrays: false, objects: false, oneofs: false };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The `type` message bytes of `value` (Kubernetes JSON; for skiff.v1.Object, the object itself), or
 * undefined with every structural error pushed to `errors`.
 */
export function encodeWire(type: protobuf.Type, value: unknown, errors: FieldError[]): Buffer | undefined {
  const wire = roleOf(type) === 'object' ? toWireObject(value, errors) : toWireMessage(type, value, '', errors);
  if (errors.length > 0 || !wire) return undefined;
  const w = type.encode(wire).finish();
  return Buffer.from(w.buffer, w.byteOffset, w.byteLength);
}

/**
 * Decodes `bytes` as a `type` message into the Kubernetes JSON shape. Throws MalformedWire for
 * malformed bytes, ApiError INVALID_ARGUMENT for an object whose kind contradicts the Object field
 * that carries it.
 */
export function decodeWire(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  checkWire(type, bytes);
  let plain: Record<string, unknown>;
  try {
    plain = type.toObject(type.decode(bytes), toObjectOptions);
  } catch (e) {
    throw new MalformedWire((e as Error).message, { cause: e });
  }
  return roleOf(type) === 'object' ? fromWireObject(plain) : fromWireMessage(type, plain);
}

/** A decoded wire object (protobufjs toObject output) to Kubernetes JSON, in place. */
function fromWireMessage(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(value)) {
    const field = type.fields[key];
    const rt = field?.resolvedType;
    if (!rt || !('fields' in rt)) continue;
    const t = rt as protobuf.Type;
    const role = roleOf(t);
    const isIntOrString = role === 'intOrString';
    const isObject = role === 'object';
    const conv = (x: unknown): unknown => {
      if (!isPlainObject(x)) return x;
      if (isIntOrString) return x.intVal !== undefined ? x.intVal : (x.strVal ?? '');
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
 * The `skiff.v1.Object` wrapper (decoded) to the Kubernetes object it carries. The kind is the oneof
 * field that is set: an absent `kind` is filled in, a contradicting one is refused.
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
