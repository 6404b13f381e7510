// A BindRequest written straight to bytes: the scheduler sends one per pod, and the codec's way
// (the structural walk of wire.ts building a wire copy, then protobufjs's encoders of BindRequest,
// Binding, ObjectMeta and the annotations map) was about 3 % of the scheduler's CPU in the scheduler
// benchmark. The bytes are the codec's for the same request, field for field and in the same order
// (bind-request.test.ts compares them); field numbers come from the proto reflection. Only plain
// requests go this way: a value that is not a non-empty, well-formed string returns undefined, and
// the caller encodes through the codec, which reports what is wrong as before.
import { protoType } from '@skiff/api';
import protobuf from 'protobufjs';

const LEN = 2;

interface Layout {
  binding: number;
  metadata: number;
  target: number;
  meta: { name: number; namespace: number; uid: number; resourceVersion: number; annotations: number };
  ref: { kind: number; name: number };
}

let layout: Layout | undefined;

function layoutOf(): Layout {
  if (layout) return layout;
  const id = (type: string, field: string): number => {
    const f = protoType(type).fields[field];
    if (!f) throw new Error(`${type} has no field ${field}`);
    return f.id;
  };
  layout = {
    binding: id('skiff.v1.BindRequest', 'binding'),
    metadata: id('skiff.v1.Binding', 'metadata'),
    target: id('skiff.v1.Binding', 'target'),
    meta: {
      name: id('skiff.v1.ObjectMeta', 'name'),
      namespace: id('skiff.v1.ObjectMeta', 'namespace'),
      uid: id('skiff.v1.ObjectMeta', 'uid'),
      resourceVersion: id('skiff.v1.ObjectMeta', 'resourceVersion'),
      annotations: id('skiff.v1.ObjectMeta', 'annotations'),
    },
    ref: { kind: id('skiff.v1.ObjectReference', 'kind'), name: id('skiff.v1.ObjectReference', 'name') },
  };
  // protobufjs writes a message's fields by field number: the order below relies on it.
  const m = layout.meta;
  if (!(m.name < m.namespace && m.namespace < m.uid && m.uid < m.resourceVersion && m.resourceVersion < m.annotations && layout.ref.kind < layout.ref.name && layout.metadata < layout.target)) {
    throw new Error('bind-request.ts: field numbers out of the order it writes them in');
  }
  return layout;
}

const plain = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.isWellFormed();

/**
 * The BindRequest of machinery's bind (binding.metadata: the pod's name and namespace, the
 * preconditions, the annotations; binding.target: kind Node and its name) as bytes, or undefined
 * when a value is not a plain string (empty, not a string, a lone surrogate).
 */
export function encodeBindRequest(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Buffer | undefined {
  if (!plain(namespace) || !plain(podName) || !plain(nodeName)) return undefined;
  const uid = preconditions?.uid || undefined;
  const rv = preconditions?.resourceVersion || undefined;
  if ((uid !== undefined && !plain(uid)) || (rv !== undefined && !plain(rv))) return undefined;
  if (annotations) {
    for (const k in annotations) {
      if (!Object.hasOwn(annotations, k)) continue;
      // an empty value is a plain annotation, but the codec's way writes it alike only if it is a string
      if (!plain(k) || typeof annotations[k] !== 'string' || !annotations[k].isWellFormed()) return undefined;
    }
  }
  const l = layoutOf();
  const w = protobuf.Writer.create();
  w.uint32((l.binding << 3) | LEN).fork();
  w.uint32((l.metadata << 3) | LEN).fork();
  w.uint32((l.meta.name << 3) | LEN).string(podName);
  w.uint32((l.meta.namespace << 3) | LEN).string(namespace);
  if (uid !== undefined) w.uint32((l.meta.uid << 3) | LEN).string(uid);
  if (rv !== undefined) w.uint32((l.meta.resourceVersion << 3) | LEN).string(rv);
  if (annotations) {
    for (const k of Object.keys(annotations)) {
      // a map entry: key = 1, value = 2
      w.uint32((l.meta.annotations << 3) | LEN).fork();
      w.uint32((1 << 3) | LEN).string(k);
      w.uint32((2 << 3) | LEN).string(annotations[k]!);
      w.ldelim();
    }
  }
  w.ldelim();
  w.uint32((l.target << 3) | LEN).fork();
  w.uint32((l.ref.kind << 3) | LEN).string('Node');
  w.uint32((l.ref.name << 3) | LEN).string(nodeName);
  w.ldelim();
  w.ldelim();
  const b = w.finish();
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A BindRequest as the codec takes it. */
export function bindRequestValue(namespace: string, podName: string, nodeName: string, preconditions?: { uid?: string; resourceVersion?: string }, annotations?: Record<string, string>): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: podName, namespace };
  if (preconditions?.uid) metadata.uid = preconditions.uid;
  if (preconditions?.resourceVersion) metadata.resourceVersion = preconditions.resourceVersion;
  if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { binding: { metadata, target: { kind: 'Node', name: nodeName } } };
}
