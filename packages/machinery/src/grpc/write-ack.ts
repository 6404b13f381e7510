// A write's reply (skiff.v1.Object bytes) read as a WriteAck without decoding the object: the one
// field of the Object names the kind, and only the kind message's metadata is walked, for its name,
// namespace, uid and resourceVersion; every other field is skipped unread. For callers that do not
// read what was stored (the scheduler's Bind, the event recorder's writes): a Pod's full decode and
// conversion is most of a client's cost of a write. Field numbers come from the proto reflection.
import { ApiError, protoType } from '@skiff/api';
import protobuf from 'protobufjs';
import type { WriteAck } from '../client/types.js';

const LEN = 2;

interface Layout {
  /** Object field number -> the kind and the number of its message's metadata field. */
  kinds: Map<number, { kind: string; metadata: number }>;
  /** ObjectMeta field number -> the WriteAck field it fills. */
  meta: Map<number, 'name' | 'namespace' | 'uid' | 'resourceVersion'>;
}

let layout: Layout | undefined;

function layoutOf(): Layout {
  if (layout) return layout;
  const kinds = new Map<number, { kind: string; metadata: number }>();
  for (const f of protoType('skiff.v1.Object').fieldsArray) {
    const t = f.resolve().resolvedType;
    const metadata = t instanceof protobuf.Type ? t.fields.metadata : undefined;
    if (t && metadata) kinds.set(f.id, { kind: t.name, metadata: metadata.id });
  }
  const meta = new Map<number, 'name' | 'namespace' | 'uid' | 'resourceVersion'>();
  const m = protoType('skiff.v1.ObjectMeta').fields;
  for (const k of ['name', 'namespace', 'uid', 'resourceVersion'] as const) meta.set(m[k]!.id, k);
  layout = { kinds, meta };
  return layout;
}

/** The identity of the object in `bytes` (skiff.v1.Object). Throws ApiError INTERNAL when the bytes carry no object or are malformed. */
export function readWriteAck(bytes: Uint8Array): WriteAck {
  const { kinds, meta } = layoutOf();
  let ack: WriteAck | undefined;
  try {
    const r = protobuf.Reader.create(bytes);
    while (r.pos < r.len) {
      const tag = r.uint32();
      const kind = kinds.get(tag >>> 3);
      if (!kind || (tag & 7) !== LEN) {
        r.skipType(tag & 7);
        continue;
      }
      ack = { kind: kind.kind, name: '', namespace: '', uid: '', resourceVersion: '' };
      const end = r.uint32() + r.pos;
      while (r.pos < end) {
        const t = r.uint32();
        if (t >>> 3 !== kind.metadata || (t & 7) !== LEN) {
          r.skipType(t & 7);
          continue;
        }
        const metaEnd = r.uint32() + r.pos;
        while (r.pos < metaEnd) {
          const mt = r.uint32();
          const field = meta.get(mt >>> 3);
          if (field && (mt & 7) === LEN) ack[field] = r.string();
          else r.skipType(mt & 7);
        }
      }
      if (r.pos !== end) throw new Error('a field runs past its message');
    }
  } catch (e) {
    throw new ApiError('INTERNAL', `malformed reply: ${(e as Error).message}`, { cause: e });
  }
  if (!ack) throw new ApiError('INTERNAL', 'the reply carries no object');
  return ack;
}
