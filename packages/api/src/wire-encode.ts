// A valid object in the Kubernetes JSON shape straight to protobuf bytes, in one pass driven by the
// proto reflection: the structural walk of wire.ts and protobufjs' encode, fused, without the
// intermediate wire object. The bytes are those protobufjs writes for the walk's output (fields in
// declaration order, numeric repeated fields packed, map entries in key order).
//
// It only encodes: at the first value that is not what its field takes, it gives up and returns
// undefined, and the caller runs the walk (toWireMessage), which reports every violation with its
// field path. One description of what is valid (the walk's), one fast path for what is.
import protobuf from 'protobufjs';
import { resourceByKind } from './registry.js';
import { protoType } from './proto-root.js';
import { Kind, kindOf, OBJECT, wireTypeOf } from './wire-kinds.js';
import { intRanges } from './wire.js';

/** The walk's integer ranges (wire.ts), by kind. */
const ranges: Partial<Record<Kind, [number, number]>> = Object.fromEntries(Object.entries(intRanges).map(([t, r]) => [kindOf(t, null), r]));

interface FieldPlan {
  name: string;
  kind: Kind;
  /** The field's tag byte(s) as written before each value (an entry, for maps). */
  tag: number;
  repeated: boolean;
  packed: boolean;
  map: boolean;
  keyKind: Kind;
  type?: protobuf.Type;
}

interface MessagePlan {
  fields: FieldPlan[];
  known: Record<string, true>;
}

const plans = new WeakMap<protobuf.Type, MessagePlan>();

function planOf(type: protobuf.Type): MessagePlan {
  let plan = plans.get(type);
  if (plan) return plan;
  const fields: FieldPlan[] = [];
  const known: Record<string, true> = Object.create(null) as Record<string, true>;
  for (const f of type.fieldsArray) {
    const kind = kindOf(f.type, f.resolvedType);
    const map = f.map;
    const repeated = f.repeated && !map;
    const packed = repeated && f.packed && wireTypeOf(kind) !== 2;
    fields.push({
      name: f.name,
      kind,
      tag: (f.id << 3) | (map || packed ? 2 : wireTypeOf(kind)),
      repeated,
      packed,
      map,
      keyKind: map ? kindOf((f as unknown as protobuf.MapField).keyType, null) : Kind.String,
      ...(kind === Kind.Message || kind === Kind.IntOrString ? { type: f.resolvedType as protobuf.Type } : {}),
    });
    known[f.name] = true;
  }
  plan = { fields, known };
  plans.set(type, plan);
  return plan;
}

/** Raised inside the encoder at the first invalid value; never escapes encodeValid. */
class Invalid {}
const INVALID = new Invalid();

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const INITIAL = 64 * 1024;
/** Past this size the buffer is not kept for the next encode (a large list must not pin its size). */
const KEEP = 1024 * 1024;

/** A growable output buffer, reused from one encode to the next (encodes are synchronous). */
class Out {
  buf = Buffer.allocUnsafe(INITIAL);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  varint(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    while (v > 127) {
      buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  bits64(bits: protobuf.util.LongBits): void {
    this.ensure(10);
    let { lo, hi } = bits;
    const buf = this.buf;
    while (hi) {
      buf[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[this.pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  /** Starts a length-delimited value: one byte is reserved for its length. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the value begun at `at`: writes its length there, moving the value when it needs more than
   * one byte. */
  end(at: number): void {
    const len = this.pos - at - 1;
    if (len < 128) {
      this.buf[at] = len;
      return;
    }
    const n = len < 1 << 14 ? 2 : len < 1 << 21 ? 3 : len < 1 << 28 ? 4 : 5;
    this.ensure(n - 1);
    this.buf.copyWithin(at + n, at + 1, this.pos);
    this.pos += n - 1;
    let v = len;
    let p = at;
    while (v > 127) {
      this.buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[p] = v;
  }

  string(s: string): void {
    this.ensure(5 + s.length * 3);
    const at = this.begin();
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.end(at);
  }
}

const out = new Out();

/**
 * The `type` message bytes of `value` (Kubernetes JSON; for skiff.v1.Object, the object itself), or
 * undefined when some value is not what its field takes (the walk then says what and where).
 */
export function encodeValid(type: protobuf.Type, value: unknown): Buffer | undefined {
  out.pos = 0;
  try {
    if (type.fullName === OBJECT) writeObjectBody(value);
    else writeMessageBody(planOf(type), value);
    return Buffer.from(out.buf.subarray(0, out.pos));
  } catch (e) {
    if (e === INVALID) return undefined;
    throw e;
  } finally {
    if (out.buf.length > KEEP) out.buf = Buffer.allocUnsafe(INITIAL);
  }
}

/** Own and enumerable: the keys Object.keys gives, as the walk reads them. */
const isOwn = Object.prototype.propertyIsEnumerable;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function writeMessageBody(plan: MessagePlan, value: unknown): void {
  if (!isPlainObject(value)) throw INVALID;
  for (const key in value) if (!plan.known[key] && isOwn.call(value, key)) throw INVALID;
  for (const f of plan.fields) {
    if (!isOwn.call(value, f.name)) continue;
    const v = value[f.name];
    if (v === null || v === undefined) continue;
    if (f.map) {
      if (!isPlainObject(v)) throw INVALID;
      for (const k of Object.keys(v)) {
        const item = v[k];
        if (item === null || item === undefined) throw INVALID;
        out.varint(f.tag);
        const at = out.begin();
        if (f.keyKind === Kind.String) {
          out.varint(0x0a);
          out.string(k);
        } else {
          // Integer keys: what protobufjs writes for the walk's string keys.
          out.varint(1 << 3);
          writeScalar(f.keyKind, Number(k));
        }
        out.varint((2 << 3) | wireTypeOf(f.kind));
        writeValue(f, item);
        out.end(at);
      }
    } else if (f.repeated) {
      if (!Array.isArray(v)) throw INVALID;
      if (f.packed) {
        if (v.length === 0) continue;
        out.varint(f.tag);
        const at = out.begin();
        for (const item of v) {
          if (item === null || item === undefined) throw INVALID;
          writeScalar(f.kind, item);
        }
        out.end(at);
      } else {
        for (const item of v) {
          if (item === null || item === undefined) throw INVALID;
          out.varint(f.tag);
          writeValue(f, item);
        }
      }
    } else {
      out.varint(f.tag);
      writeValue(f, v);
    }
  }
}

/** A value after its tag. */
function writeValue(f: FieldPlan, v: unknown): void {
  switch (f.kind) {
    case Kind.Message: {
      const at = out.begin();
      writeMessageBody(planOf(f.type!), v);
      out.end(at);
      return;
    }
    case Kind.Object: {
      const at = out.begin();
      writeObjectBody(v);
      out.end(at);
      return;
    }
    case Kind.IntOrString: {
      const at = out.begin();
      if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) {
        out.varint(1 << 3);
        writeScalar(Kind.Int32, v);
      } else if (typeof v === 'string' && v.isWellFormed()) {
        out.varint((2 << 3) | 2);
        out.string(v);
      } else throw INVALID;
      out.end(at);
      return;
    }
    case Kind.String:
      if (typeof v !== 'string' || !v.isWellFormed()) throw INVALID;
      out.string(v);
      return;
    case Kind.Bytes: {
      if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) throw INVALID;
      const b = Buffer.from(v, 'base64');
      out.varint(b.length);
      out.ensure(b.length);
      b.copy(out.buf, out.pos);
      out.pos += b.length;
      return;
    }
    default:
      writeScalar(f.kind, v);
  }
}

function writeScalar(k: Kind, v: unknown): void {
  if (k === Kind.Bool) {
    if (typeof v !== 'boolean') throw INVALID;
    out.varint(v ? 1 : 0);
    return;
  }
  if (k === Kind.Double || k === Kind.Float) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw INVALID;
    out.ensure(8);
    out.pos = k === Kind.Double ? out.buf.writeDoubleLE(v, out.pos) : out.buf.writeFloatLE(v, out.pos);
    return;
  }
  // Enums would take their names; the API has none, and the walk decides.
  const range = ranges[k];
  if (!range || typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) throw INVALID;
  switch (k) {
    case Kind.Int32:
      if (v >= 0) out.varint(v);
      else out.bits64(protobuf.util.LongBits.fromNumber(v));
      return;
    case Kind.Uint32:
      out.varint(v);
      return;
    case Kind.Sint32:
      out.varint(((v << 1) ^ (v >> 31)) >>> 0);
      return;
    case Kind.Int64:
    case Kind.Uint64:
      out.bits64(protobuf.util.LongBits.fromNumber(v));
      return;
    case Kind.Sint64:
      out.bits64(protobuf.util.LongBits.fromNumber(v).zzEncode());
      return;
    case Kind.Fixed32:
    case Kind.Sfixed32:
      out.ensure(4);
      out.pos = k === Kind.Fixed32 ? out.buf.writeUInt32LE(v, out.pos) : out.buf.writeInt32LE(v, out.pos);
      return;
    case Kind.Fixed64:
    case Kind.Sfixed64: {
      const bits = protobuf.util.LongBits.fromNumber(v);
      out.ensure(8);
      out.buf.writeUInt32LE(bits.lo >>> 0, out.pos);
      out.buf.writeUInt32LE(bits.hi >>> 0, out.pos + 4);
      out.pos += 8;
      return;
    }
    default:
      throw INVALID;
  }
}

/** skiff.v1.Object: the field of the object's kind, holding the object. */
function writeObjectBody(v: unknown): void {
  if (!isPlainObject(v) || typeof v.kind !== 'string' || v.kind === '') throw INVALID;
  const rt = resourceByKind(v.kind);
  if (!rt) throw INVALID;
  const wrapper = protoType('skiff.v1.Object');
  const field = wrapper.fields[rt.objectField];
  if (!field) throw INVALID;
  out.varint((field.id << 3) | 2);
  const at = out.begin();
  writeMessageBody(planOf(protoType(rt.protoType)), v);
  out.end(at);
}
