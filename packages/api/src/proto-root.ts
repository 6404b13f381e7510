// Loads the API contract (proto/) with protobufjs reflection, once per process. The proto files are
// the single source of the object schema: the wire codec and the structural checks read it.
import protobuf from 'protobufjs';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding the API's .proto files (`skiff/v1/api.proto`, ...): the package's own copy of
 * the repository's proto/, made by the build and shipped with the package. SKIFF_PROTO_DIR overrides.
 */
export function protoDir(): string {
  const fromEnv = process.env.SKIFF_PROTO_DIR;
  if (fromEnv) return fromEnv;
  // <package>/dist/proto-root.js -> <package>/proto
  let dir = fileURLToPath(new URL('../proto', import.meta.url));
  // bundled into a process's main.bundle.js (scripts/bundle.mjs): the installed package's copy
  if (!existsSync(join(dir, 'skiff/v1/api.proto'))) dir = installedProtoDir() ?? dir;
  if (!existsSync(join(dir, 'skiff/v1/api.proto'))) {
    throw new Error(`proto files not found at ${dir}: in a checkout, \`npm run build\` copies them there from proto/ (or set SKIFF_PROTO_DIR)`);
  }
  return dir;
}

function installedProtoDir(): string | undefined {
  try {
    // @skiff/api's main is <package>/dist/index.js
    return join(dirname(createRequire(import.meta.url).resolve('@skiff/api')), '..', 'proto');
  } catch {
    return undefined;
  }
}

let root: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (root) return root;
  const dir = protoDir();
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    const p = join(dir, target);
    // google/protobuf/*.proto are protobufjs built-ins when not shipped in proto/.
    return existsSync(p) ? p : target;
  };
  r.loadSync(['skiff/v1/api.proto', 'skiff/v1/node_agent.proto', 'google/rpc/status.proto'], { keepCase: true });
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
