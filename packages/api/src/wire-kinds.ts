// What the one-pass codecs (wire-decode.ts, wire-encode.ts) know of a proto field: how its value is
// read and written, and its wire type. Also used by the structural walk (wire.ts) for the two
// message types that are not plain messages on the JS side.
import type protobuf from 'protobufjs';

/** A number on the JS side, or a string (intVal / strVal). */
export const INT_OR_STRING = '.skiff.v1.IntOrString';
/** The oneof wrapper that carries any kind: on the JS side it is the object itself. */
export const OBJECT = '.skiff.v1.Object';

export const enum Kind {
  Message,
  IntOrString,
  Object,
  Enum,
  String,
  Bytes,
  Bool,
  Int32,
  Uint32,
  Sint32,
  Int64,
  Uint64,
  Sint64,
  Fixed32,
  Sfixed32,
  Fixed64,
  Sfixed64,
  Double,
  Float,
}

const scalarKinds: Record<string, Kind> = {
  string: Kind.String,
  bytes: Kind.Bytes,
  bool: Kind.Bool,
  int32: Kind.Int32,
  uint32: Kind.Uint32,
  sint32: Kind.Sint32,
  int64: Kind.Int64,
  uint64: Kind.Uint64,
  sint64: Kind.Sint64,
  fixed32: Kind.Fixed32,
  sfixed32: Kind.Sfixed32,
  fixed64: Kind.Fixed64,
  sfixed64: Kind.Sfixed64,
  double: Kind.Double,
  float: Kind.Float,
};

export function wireTypeOf(k: Kind): number {
  switch (k) {
    case Kind.Message:
    case Kind.IntOrString:
    case Kind.Object:
    case Kind.String:
    case Kind.Bytes:
      return 2;
    case Kind.Fixed64:
    case Kind.Sfixed64:
    case Kind.Double:
      return 1;
    case Kind.Fixed32:
    case Kind.Sfixed32:
    case Kind.Float:
      return 5;
    default:
      return 0;
  }
}

/** The kind of a field of proto type `type` (`resolved`: its resolved message or enum, if any). */
export function kindOf(type: string, resolved: protobuf.ReflectionObject | null): Kind {
  if (resolved && 'fields' in resolved) {
    const full = (resolved as protobuf.Type).fullName;
    return full === INT_OR_STRING ? Kind.IntOrString : full === OBJECT ? Kind.Object : Kind.Message;
  }
  if (resolved) return Kind.Enum;
  const k = scalarKinds[type];
  if (k === undefined) throw new Error(`proto field type ${type} is not supported`);
  return k;
}
