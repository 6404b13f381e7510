// A strict pass over protobuf bytes before decoding. protobufjs decodes by field number alone: it
// never checks a field's wire type and reads lengths modulo 2^32, so malformed bytes could decode into
// a different, valid-looking object. This pass refuses them: every known field must have its
// declared wire type, every length must fit, groups are refused, and at most one kind is set in a
// skiff.v1.Object.
import type protobuf from 'protobufjs';

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
}

/** Returns what is wrong with `bytes` as a `type` message, or undefined when they are well-formed. */
export function checkWire(type: protobuf.Type, bytes: Uint8Array): string | undefined {
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
    } else if (id === 2) {
      const rt = field.resolvedType as protobuf.Type | protobuf.Enum | null;
      const isMessage = !!rt && 'fields' in rt;
      const want = wireTypeOf(field.type, isMessage);
      if (wt !== want) throw new Malformed(`map value of ${field.name} has wire type ${wt}`);
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
