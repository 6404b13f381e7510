// Loads the API contract (proto/) with protobufjs reflection, once per process. The proto files are
// the single source of the object schema: the wire codec and the structural checks read it.
import protobuf from 'protobufjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUtf8 } from 'node:buffer';

/** The proto/ directory of this checkout (SKIFF_PROTO_DIR overrides). */
export function protoDir(): string {
  const fromEnv = process.env.SKIFF_PROTO_DIR;
  if (fromEnv) return fromEnv;
  // packages/api/dist/proto-root.js -> <repo>/proto
  const dir = fileURLToPath(new URL('../../../proto', import.meta.url));
  if (!existsSync(join(dir, 'skiff/v1/api.proto'))) throw new Error(`proto files not found at ${dir} (set SKIFF_PROTO_DIR)`);
  return dir;
}

let root: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (root) return root;
  strictUtf8();
  const dir = protoDir();
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    const p = join(dir, target);
    // google/protobuf/*.proto are protobufjs built-ins when not shipped in proto/.
    return existsSync(p) ? p : target;
  };
  r.loadSync(['skiff/v1/api.proto', 'google/rpc/status.proto'], { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

const types = new Map<string, protobuf.Type>();

export function protoType(name: string): protobuf.Type {
  let t = types.get(name);
  if (!t) {
    t = protoRoot().lookupType(name);
    types.set(name, t);
  }
  return t;
}

let patched = false;
/**
 * Makes protobufjs reject strings that are not valid UTF-8 (it would otherwise replace the bad
 * bytes silently), so a malformed message is refused instead of stored altered.
 */
function strictUtf8(): void {
  if (patched) return;
  patched = true;
  const BufferReader = (protobuf as unknown as { BufferReader: { prototype: Record<string, unknown> } }).BufferReader;
  const Reader = (protobuf as unknown as { Reader: { prototype: Record<string, unknown> } }).Reader;
  const read = function (this: { uint32(): number; pos: number; len: number; buf: Uint8Array }): string {
    const len = this.uint32();
    const start = this.pos;
    const end = start + len;
    if (end > this.len) throw new RangeError(`index out of range: ${start} + ${len} > ${this.len}`);
    this.pos = end;
    const b = this.buf;
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    // Most strings of the API are ASCII: checked here without a copy or a view.
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (buf[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return buf.toString('latin1', start, end);
    if (!isUtf8(buf.subarray(start, end))) throw new InvalidUtf8Error();
    return buf.toString('utf8', start, end);
  };
  BufferReader.prototype.string = read;
  Reader.prototype.string = read;
}

export class InvalidUtf8Error extends Error {
  constructor() {
    super('string field is not valid UTF-8');
    this.name = 'InvalidUtf8Error';
  }
}
