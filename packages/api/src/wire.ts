// Conversion between objects in the Kubernetes JSON shape and their proto wire form, driven by the
// proto reflection (one walker for every kind). The walk towards the wire is also the structural
// check: unknown fields and wrong types are reported with their Kubernetes field path. The way back,
// bytes to JSON, is wire-codec.ts.
import type protobuf from 'protobufjs';
import { fieldError, type FieldError } from './errors.js';
import { protoType } from './proto-root.js';
import { resourceByKind } from './registry.js';
import { roleOf } from './wire-types.js';

/** The values each integer proto type takes from JS (64-bit ones: what a number holds exactly). */
export const intRanges: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  sint32: [-2147483648, 2147483647],
  sfixed32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  fixed32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sfixed64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  fixed64: [0, Number.MAX_SAFE_INTEGER],
};
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && BASE64_CHARS.test(s);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Converts `value` (Kubernetes JSON) to the plain object protobufjs encodes for `type`, collecting
 * every structural error. `null` means "unset", as in Kubernetes JSON.
 */
export function toWireMessage(type: protobuf.Type, value: unknown, path: string, errors: FieldError[]): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) {
    errors.push(fieldError(path || '<root>', 'Invalid', `expected an object, got ${typeName(value)}`));
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    const field = type.fields[key];
    const p = join(path, key);
    if (!field) {
      errors.push(fieldError(p, 'Unknown', `unknown field "${key}"`));
      continue;
    }
    if (v === null || v === undefined) continue;
    if (field.map) {
      if (!isPlainObject(v)) {
        errors.push(fieldError(p, 'Invalid', `expected a map, got ${typeName(v)}`));
        continue;
      }
      const m: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const conv = toWireValue(field, v[k], `${p}[${k}]`, errors);
        if (conv !== undefined) m[k] = conv;
      }
      out[key] = m;
    } else if (field.repeated) {
      if (!Array.isArray(v)) {
        errors.push(fieldError(p, 'Invalid', `expected an array, got ${typeName(v)}`));
        continue;
      }
      const arr: unknown[] = [];
      v.forEach((item, i) => {
        const conv = toWireValue(field, item, `${p}[${i}]`, errors);
        if (conv !== undefined) arr.push(conv);
      });
      out[key] = arr;
    } else {
      const conv = toWireValue(field, v, p, errors);
      if (conv !== undefined) out[key] = conv;
    }
  }
  return out;
}

function toWireValue(field: protobuf.Field, v: unknown, p: string, errors: FieldError[]): unknown {
  if (v === null || v === undefined) {
    if (field.repeated || field.map) errors.push(fieldError(p, 'Invalid', 'null is not allowed here'));
    return undefined;
  }
  const rt = field.resolvedType;
  if (rt && 'fields' in rt) {
    const t = rt as protobuf.Type;
    const role = roleOf(t);
    if (role === 'object') return toWireObject(v, errors);
    if (role === 'intOrString') {
      if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return { intVal: v };
      if (typeof v === 'string' && v.isWellFormed()) return { strVal: v };
      if (typeof v === 'string') {
        errors.push(fieldError(p, 'Invalid', 'not valid Unicode (a lone surrogate)'));
        return undefined;
      }
      errors.push(fieldError(p, 'Invalid', `expected an integer or a string, got ${typeName(v)}`, v));
      return undefined;
    }
    return toWireMessage(t, v, p, errors);
  }
  if (rt) {
    // Enums are not used by the API (strings are); accept their names.
    if (typeof v === 'string') return v;
    errors.push(fieldError(p, 'Invalid', `expected a string, got ${typeName(v)}`));
    return undefined;
  }
  switch (field.type) {
    case 'string':
      if (typeof v === 'string' && v.isWellFormed()) return v;
      if (typeof v === 'string') {
        errors.push(fieldError(p, 'Invalid', 'not valid Unicode (a lone surrogate)'));
        return undefined;
      }
      errors.push(fieldError(p, 'Invalid', `expected a string, got ${typeName(v)}`, typeof v === 'object' ? undefined : v));
      return undefined;
    case 'bool':
      if (typeof v === 'boolean') return v;
      errors.push(fieldError(p, 'Invalid', `expected a boolean, got ${typeName(v)}`, typeof v === 'object' ? undefined : v));
      return undefined;
    case 'bytes':
      if (typeof v === 'string' && isBase64(v)) return v;
      errors.push(fieldError(p, 'Invalid', typeof v === 'string' ? 'illegal base64 data' : `expected a base64 string, got ${typeName(v)}`));
      return undefined;
    case 'double':
    case 'float':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      errors.push(fieldError(p, 'Invalid', `expected a number, got ${typeName(v)}`, typeof v === 'object' ? undefined : v));
      return undefined;
    default: {
      const range = intRanges[field.type];
      if (!range) throw new Error(`proto field ${field.fullName} has unsupported type ${field.type}`);
      if (typeof v === 'number' && Number.isInteger(v) && v >= range[0] && v <= range[1]) return v;
      const what = typeof v === 'number' ? (Number.isInteger(v) ? 'out of range' : 'not an integer') : `got ${typeName(v)}`;
      errors.push(fieldError(p, 'Invalid', `expected an integer (${field.type}), ${what}`, typeof v === 'object' ? undefined : v));
      return undefined;
    }
  }
}


/** Structural check of an object against the proto message of its kind. */
export function checkStructure(typeNameOrType: string | protobuf.Type, value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const t = typeof typeNameOrType === 'string' ? protoType(typeNameOrType) : typeNameOrType;
  toWireMessage(t, value, '', errors);
  return errors;
}

/**
 * A Kubernetes object to the `skiff.v1.Object` wire wrapper, checking its structure. Paths inside
 * it are relative to the object (`spec.replicas`), whatever message carries it.
 */
export function toWireObject(v: unknown, errors: FieldError[]): Record<string, unknown> | undefined {
  if (!isPlainObject(v)) {
    errors.push(fieldError('<object>', 'Invalid', `expected an object, got ${typeName(v)}`));
    return undefined;
  }
  if (typeof v.kind !== 'string' || v.kind === '') {
    errors.push(fieldError('kind', 'Required', 'kind must be set'));
    return undefined;
  }
  const rt = resourceByKind(v.kind);
  if (!rt) {
    errors.push(fieldError('kind', 'NotSupported', `no kind "${v.kind}" is served`, v.kind));
    return undefined;
  }
  const inner = toWireMessage(protoType(rt.protoType), v, '', errors);
  return inner && { [rt.objectField]: inner };
}
