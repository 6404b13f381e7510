// The two message types that are not plain messages on the JS side, and a cheap test for them.
import type protobuf from 'protobufjs';

/** A number on the JS side, or a string (intVal / strVal). */
export const INT_OR_STRING = '.skiff.v1.IntOrString';
/** The oneof wrapper that carries any kind: on the JS side it is the object itself. */
export const OBJECT = '.skiff.v1.Object';

/** How the codecs treat a message type. */
export type TypeRole = 'object' | 'intOrString' | 'message';

const roles = new WeakMap<protobuf.Type, TypeRole>();

/**
 * The role of `type`, memoized: protobufjs computes `fullName` on every read by walking the type's
 * parents and joining their names, which cost about 4 % of the apiserver's CPU per create when the
 * codecs read it once per field.
 */
export function roleOf(type: protobuf.Type): TypeRole {
  let r = roles.get(type);
  if (r === undefined) {
    const name = type.fullName;
    r = name === OBJECT ? 'object' : name === INT_OR_STRING ? 'intOrString' : 'message';
    roles.set(type, r);
  }
  return r;
}
