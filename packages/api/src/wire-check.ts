// The strict checks protobufjs' decoder does not make, as one pass over the bytes before it runs:
// a known field with another wire type, a length past its message, a group, a field number 0,
// nesting deeper than 64 messages, two kinds in one skiff.v1.Object, and strings that are not UTF-8
// (protobufjs would replace the bad bytes). Unknown fields are skipped, as protobuf does.
import { isUtf8 } from 'node:buffer';
import type protobuf from 'protobufjs';
import { roleOf } from './wire-types.js';

const MAX_DEPTH = 64;
const VARINT = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool', 'enum']);
const FIXED64 = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32 = new Set(['fixed32', 'sfixed32', 'float']);

/** What is wrong with the bytes of a message. */
export class MalformedWire extends Error {}

function wireTypeOf(type: string, isMessage: boolean): number {
  if (isMessage || type === 'string' || type === 'bytes') return 2;
  if (VARINT.has(type)) return 0;
  if (FIXED64.has(type)) return 1;
  if (FIXED32.has(type)) return 5;
  return 0; // enums, by name
}

/** Strings up to this length are scanned here for a byte >= 0x80 before asking isUtf8 (a view and a native call each). */
const SCAN_MAX = 64;

/** Whether `buf[pos, pos + len)` is UTF-8: ASCII-only short strings (most names, labels, quantities) need no view. */
export function isUtf8At(buf: Uint8Array, pos: number, len: number): boolean {
  if (len <= SCAN_MAX) {
    const end = pos + len;
    let i = pos;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end) return true;
  }
  return isUtf8(buf.subarray(pos, pos + len));
}

class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  varint(maxBytes = 10): number {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) throw new MalformedWire('truncated varint');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return value;
    }
    throw new MalformedWire('varint too long');
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw new MalformedWire('truncated field');
    this.pos += n;
  }

  /** A length-delimited string, checked to be UTF-8. */
  utf8(): void {
    const len = this.varint(5);
    if (len > this.end - this.pos) throw new MalformedWire('truncated field');
    if (!isUtf8At(this.buf, this.pos, len)) throw new MalformedWire('string field is not valid UTF-8');
    this.pos += len;
  }
}

/** Throws MalformedWire for what is wrong with `bytes` as a `type` message. */
export function checkWire(type: protobuf.Type, bytes: Uint8Array): void {
  checkMessage(type, new Cursor(bytes, 0, bytes.length), 0);
}

/** What the checks need of one field, worked out once per field. */
interface FieldCheck {
  field: protobuf.Field;
  /** The wire type the field is written with (2 for maps). */
  want: number;
  /** A string (not a map): checked to be UTF-8. */
  string: boolean;
  /** The message type of a message field (not a map). */
  message: protobuf.Type | undefined;
  /** A repeated scalar that may also come packed (wire type 2). */
  packable: boolean;
}

interface TypeCheck {
  isObject: boolean;
  byId: Map<number, FieldCheck>;
}

const typeChecks = new WeakMap<protobuf.Type, TypeCheck>();

function typeCheckOf(type: protobuf.Type): TypeCheck {
  let tc = typeChecks.get(type);
  if (tc) return tc;
  const byId = new Map<number, FieldCheck>();
  for (const field of type.fieldsArray) {
    field.resolve();
    const rt = field.resolvedType as protobuf.Type | protobuf.Enum | null;
    const isMessage = !!rt && 'fields' in rt;
    const want = field.map ? 2 : wireTypeOf(field.type, isMessage);
    byId.set(field.id, {
      field,
      want,
      string: field.type === 'string' && !field.map,
      message: isMessage && !field.map ? (rt as protobuf.Type) : undefined,
      packable: field.repeated && !field.map && want !== 2,
    });
  }
  tc = { isObject: roleOf(type) === 'object', byId };
  typeChecks.set(type, tc);
  return tc;
}

function checkMessage(type: protobuf.Type, c: Cursor, depth: number): void {
  if (depth > MAX_DEPTH) throw new MalformedWire(`nested deeper than ${MAX_DEPTH} messages`);
  const { isObject, byId } = typeCheckOf(type);
  let kindField = 0;
  while (c.pos < c.end) {
    const tag = c.varint(5);
    const id = Math.floor(tag / 8);
    const wt = tag % 8;
    if (id === 0) throw new MalformedWire('field number 0');
    const fc = byId.get(id);
    if (wt === 3 || wt === 4 || wt > 5) throw new MalformedWire(`unsupported wire type ${wt} (field ${id} of ${type.name})`);
    if (fc && isObject) {
      if (kindField && kindField !== id) throw new MalformedWire('an Object carries more than one kind');
      kindField = id;
    }
    if (fc) {
      const want = fc.want;
      const packed = fc.packable && wt === 2;
      if (wt !== want && !packed) throw new MalformedWire(`field ${type.name}.${fc.field.name} has wire type ${wt}, want ${want}`);
      if (wt === 2 && fc.string) {
        c.utf8();
        continue;
      }
      if (wt === 2) {
        const len = c.varint(5);
        if (len > c.end - c.pos) throw new MalformedWire(`length of ${type.name}.${fc.field.name} runs past the message`);
        const end = c.end;
        const next = c.pos + len;
        if (fc.field.map) checkMapEntry(fc.field as unknown as protobuf.MapField, new Cursor(c.buf, c.pos, next), depth + 1);
        else if (fc.message) {
          // the nested message is read with this cursor, bounded to its length (a throw ends the check)
          c.end = next;
          checkMessage(fc.message, c, depth + 1);
          c.end = end;
        } else if (packed) {
          const sub = new Cursor(c.buf, c.pos, next);
          while (sub.pos < sub.end) skipValue(sub, want);
        }
        c.pos = next;
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
      if (wt !== wireTypeOf(field.keyType, false)) throw new MalformedWire(`map key of ${field.name} has wire type ${wt}`);
      if (field.keyType === 'string') {
        c.utf8();
        continue;
      }
    } else if (id === 2) {
      const rt = field.resolvedType as protobuf.Type | protobuf.Enum | null;
      const isMessage = !!rt && 'fields' in rt;
      const want = wireTypeOf(field.type, isMessage);
      if (wt !== want) throw new MalformedWire(`map value of ${field.name} has wire type ${wt}`);
      if (field.type === 'string') {
        c.utf8();
        continue;
      }
      if (isMessage) {
        const len = c.varint(5);
        if (len > c.end - c.pos) throw new MalformedWire(`length of a ${field.name} value runs past the message`);
        checkMessage(rt as protobuf.Type, new Cursor(c.buf, c.pos, c.pos + len), depth + 1);
        c.pos += len;
        continue;
      }
    } else if (wt === 3 || wt === 4 || wt > 5) {
      throw new MalformedWire(`unsupported wire type ${wt}`);
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
      throw new MalformedWire(`unsupported wire type ${wt}`);
  }
}
