// Plain protobufjs codecs for the messages of streams.proto (logs, exec, port-forward, usage):
// bytes fields are Buffers both ways (the object codec of codec.ts speaks base64, as Kubernetes'
// JSON does), int64 are numbers, and unset scalars decode to their defaults.
import { ApiError, protoType } from '@skiff/api';
import type { Codec } from './codec.js';

const codecs = new Map<string, Codec<unknown>>();

export function plainCodecFor<T>(typeName: string): Codec<T> {
  let c = codecs.get(typeName);
  if (!c) {
    const type = protoType(typeName);
    c = {
      type,
      encode(value: unknown): Buffer {
        const bad = type.verify(value as Record<string, unknown>);
        if (bad) throw new ApiError('INVALID_ARGUMENT', `invalid ${type.name}: ${bad}`, { reason: 'BadRequest' });
        const b = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
        return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      },
      decode(bytes: Buffer): unknown {
        try {
          return type.toObject(type.decode(bytes), { longs: Number, defaults: true });
        } catch (e) {
          throw new ApiError('INVALID_ARGUMENT', `malformed ${type.name} message: ${(e as Error).message}`, { reason: 'BadRequest', cause: e });
        }
      },
    };
    codecs.set(typeName, c);
  }
  return c as Codec<T>;
}

/** Whether a message type is one of streams.proto's (plain codec) rather than an object message. */
export function isPlainMessage(fullName: string): boolean {
  return (protoType(fullName).filename ?? '').endsWith('skiff/v1/streams.proto');
}
