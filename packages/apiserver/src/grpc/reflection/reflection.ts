// Server reflection (grpc.reflection.v1 and v1alpha) over the real files: skiff/v1/*.proto,
// google/rpc/status.proto (the error details), and the health and reflection services' own files,
// each under the name a client imports it by. @grpc/reflection answers the requests; the
// descriptors it serves are ours (file-descriptors.ts), not proto-loader's merged ones.
import type * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { protoDir } from '@skiff/api';
import { fileDescriptorProtos, protoFile, type ProtoSource } from './file-descriptors.js';

const require = createRequire(import.meta.url);

/** The files served, by import name; their imports are followed. */
const ENTRY_FILES = ['skiff/v1/api.proto', 'google/rpc/status.proto', 'grpc/health/v1/health.proto', 'grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'];

/** Where a file lives: proto/ for Skiff's, the serving packages for theirs. */
function locate(name: string): string | undefined {
  const own = join(protoDir(), name);
  if (existsSync(own)) return own;
  if (name === 'grpc/health/v1/health.proto') return require.resolve('grpc-health-check/proto/health/v1/health.proto');
  if (name.startsWith('grpc/reflection/')) return require.resolve(`@grpc/reflection/build/proto/${name}`);
  return undefined; // a protobufjs built-in (google/protobuf/any.proto) or unknown
}

/** Every served file with its imports, dependencies first. */
export function servedFiles(entries: string[] = ENTRY_FILES): ProtoSource[] {
  const out: ProtoSource[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const path = locate(name);
    const file: ProtoSource = path ? protoFile(name, path) : { name };
    for (const m of (file.source ?? '').matchAll(/^\s*import\s+(?:weak\s+|public\s+)?"([^"]+)"\s*;/gm)) visit(m[1]!);
    out.push(file);
  };
  for (const e of entries) visit(e);
  return out;
}

type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];

let service: ReflectionService | undefined;

export function addReflection(server: Pick<grpc.Server, 'addService'>): void {
  // Built once per process (the files do not change; tests start many servers). @grpc/reflection
  // reads `fileDescriptorProtos` of each package-definition entry, nothing else.
  service ??= new ReflectionService({ files: { fileDescriptorProtos: fileDescriptorProtos(servedFiles()) } } as unknown as PackageDefinition);
  service.addToServer(server);
}
