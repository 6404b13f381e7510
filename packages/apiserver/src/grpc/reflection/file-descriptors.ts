// Genuine FileDescriptorProtos of .proto files, for server reflection: one descriptor per real file
// under its real name (`skiff/v1/api.proto`), with its own imports, and what protoc would write for
// the constructs the API uses (proto3 `optional` as synthetic oneofs placed after the real ones, map
// fields as nested `<Field>Entry` messages with map_entry set, json_name filled in). A strict
// protobuf library (grpcurl's, protobuf's DescriptorPool) accepts them. File options (go_package,
// java_package) are left out: they steer code generators, not reflection clients.
//
// protobufjs parses every file into one root, which resolves the type references across files.
import protobuf from 'protobufjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A .proto file: the name it is imported by, and its source (absent: a protobufjs built-in). */
export interface ProtoSource {
  name: string;
  source?: string;
}

const require = createRequire(import.meta.url);
let descriptorRoot: protobuf.Root | undefined;

/** google.protobuf.FileDescriptorProto, from the descriptor.proto protobufjs ships. */
function fileDescriptorType(): protobuf.Type {
  if (!descriptorRoot) {
    // Parsed from source: Root.load would take the camelCase JSON copy that protobufjs/ext/descriptor
    // (loaded by @grpc/reflection) registers under the same name.
    descriptorRoot = new protobuf.Root();
    protobuf.parse(readFileSync(require.resolve('protobufjs/google/protobuf/descriptor.proto'), 'utf8'), descriptorRoot, { keepCase: true });
    descriptorRoot.resolveAll(); // else fromObject drops the fields of nested messages it has not resolved
  }
  return descriptorRoot.lookupType('google.protobuf.FileDescriptorProto');
}

// FieldDescriptorProto.Type numbers by protobufjs type name.
const scalarTypes: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_OPTIONAL = 1;
const LABEL_REPEATED = 3;

interface Parsed {
  name: string;
  package: string;
  imports: string[];
  /** Full names (no leading dot) of the file's top-level messages, enums and services, in order. */
  topLevel: string[];
}

/** Encoded FileDescriptorProtos of the given files (in the order given). */
export function fileDescriptorProtos(files: ProtoSource[]): Buffer[] {
  const type = fileDescriptorType();
  return fileDescriptorObjects(files).map((d) => Buffer.from(type.encode(type.fromObject(d)).finish()));
}

/** The FileDescriptorProtos as plain objects (snake_case field names, as in descriptor.proto). */
export function fileDescriptorObjects(files: ProtoSource[]): Record<string, unknown>[] {
  // Every file is parsed once, into one root; what a file defines is what its parse added to its
  // package (names are unique within a package).
  const root = new protobuf.Root();
  const parsed = files.map((f): Parsed => {
    let pkg = 'google.protobuf';
    let imports: string[] = [];
    const before = new Set<string>();
    if (f.source === undefined) {
      definitionsOf(root, pkg).forEach((n) => before.add(n));
      root.addJSON(builtin(f.name).nested!);
    } else {
      pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(f.source)?.[1] ?? '';
      definitionsOf(root, pkg).forEach((n) => before.add(n));
      const r = protobuf.parse(f.source, root, { keepCase: true });
      imports = [...(r.imports ?? []), ...(r.weakImports ?? [])];
    }
    return { name: f.name, package: pkg, imports, topLevel: definitionsOf(root, pkg).filter((n) => !before.has(n)) };
  });
  root.resolveAll();
  return parsed.map((p) => fileDescriptor(p, root));
}

function builtin(name: string): protobuf.INamespace {
  const json = protobuf.common.get(name) as protobuf.INamespace | null;
  if (!json) throw new Error(`${name}: no source and not a protobufjs built-in`);
  return json;
}

/** Full names (no leading dot) of the messages, enums and services directly in a package. */
function definitionsOf(root: protobuf.Root, pkg: string): string[] {
  const scope = pkg ? root.lookup(pkg) : root;
  return scope instanceof protobuf.Namespace ? scope.nestedArray.filter(isDefinition).map((o) => o.fullName.slice(1)) : [];
}

function isDefinition(o: protobuf.ReflectionObject): boolean {
  return o instanceof protobuf.Type || o instanceof protobuf.Enum || o instanceof protobuf.Service;
}

function fileDescriptor(p: Parsed, root: protobuf.Root): Record<string, unknown> {
  const objs = p.topLevel.map((n) => root.lookup(n)!);
  return {
    name: p.name,
    package: p.package || undefined,
    dependency: p.imports,
    message_type: objs.filter((o) => o instanceof protobuf.Type).map((t) => message(t as protobuf.Type)),
    enum_type: objs.filter((o) => o instanceof protobuf.Enum).map((e) => enumType(e as protobuf.Enum)),
    service: objs.filter((o) => o instanceof protobuf.Service).map((s) => service(s as protobuf.Service)),
    syntax: 'proto3',
  };
}

function message(t: protobuf.Type): Record<string, unknown> {
  // Real oneofs first, in declaration order, then the synthetic ones of proto3 `optional` fields.
  const real = t.oneofsArray.filter((o) => !isSynthetic(o));
  const synthetic = t.oneofsArray.filter(isSynthetic);
  const oneofs = [...real, ...synthetic];
  const entries: Record<string, unknown>[] = [];
  const fields = t.fieldsArray.map((f) => {
    const d: Record<string, unknown> = { name: f.name, number: f.id, json_name: jsonName(f.name), label: f.repeated || f.map ? LABEL_REPEATED : LABEL_OPTIONAL };
    if (f instanceof protobuf.MapField) {
      const entry = `${mapEntryName(f.name)}Entry`;
      entries.push(mapEntry(entry, f));
      Object.assign(d, { type: TYPE_MESSAGE, type_name: `${t.fullName}.${entry}` });
    } else {
      Object.assign(d, typeOf(f));
    }
    if (f.partOf) d.oneof_index = oneofs.indexOf(f.partOf);
    if (f.options?.proto3_optional) d.proto3_optional = true;
    return d;
  });
  const nested = t.nestedArray;
  return {
    name: t.name,
    field: fields,
    nested_type: [...nested.filter((o) => o instanceof protobuf.Type).map((n) => message(n as protobuf.Type)), ...entries],
    enum_type: nested.filter((o) => o instanceof protobuf.Enum).map((e) => enumType(e as protobuf.Enum)),
    oneof_decl: oneofs.map((o) => ({ name: o.name })),
    reserved_range: (t.reserved ?? []).filter((r): r is number[] => Array.isArray(r)).map(([start, end]) => ({ start, end: end! + 1 })),
    reserved_name: (t.reserved ?? []).filter((r): r is string => typeof r === 'string'),
  };
}

function isSynthetic(o: protobuf.OneOf): boolean {
  return o.fieldsArray.length === 1 && o.fieldsArray[0]!.options?.proto3_optional === true;
}

function typeOf(f: protobuf.FieldBase): Record<string, unknown> {
  const scalar = scalarTypes[f.type];
  if (scalar !== undefined) return { type: scalar };
  const resolved = f.resolve().resolvedType;
  if (!resolved) throw new Error(`${f.fullName}: unresolved type ${f.type}`);
  return { type: resolved instanceof protobuf.Enum ? TYPE_ENUM : TYPE_MESSAGE, type_name: resolved.fullName };
}

function mapEntry(name: string, f: protobuf.MapField): Record<string, unknown> {
  return {
    name,
    field: [
      { name: 'key', number: 1, json_name: 'key', label: LABEL_OPTIONAL, type: scalarTypes[f.keyType] },
      { name: 'value', number: 2, json_name: 'value', label: LABEL_OPTIONAL, ...typeOf(f) },
    ],
    options: { map_entry: true },
  };
}

function enumType(e: protobuf.Enum): Record<string, unknown> {
  return { name: e.name, value: Object.entries(e.values).map(([name, number]) => ({ name, number })) };
}

function service(s: protobuf.Service): Record<string, unknown> {
  return {
    name: s.name,
    method: s.methodsArray.map((m) => {
      m.resolve();
      return {
        name: m.name,
        input_type: m.resolvedRequestType!.fullName,
        output_type: m.resolvedResponseType!.fullName,
        ...(m.requestStream ? { client_streaming: true } : {}),
        ...(m.responseStream ? { server_streaming: true } : {}),
      };
    }),
  };
}

/** protoc's json_name: underscores dropped, the letter after each one upper-cased. */
export function jsonName(field: string): string {
  return field.replace(/_+([a-zA-Z0-9]?)/g, (_, c: string) => c.toUpperCase());
}

/** protoc's map entry name: the field name in CamelCase (`binaryData` -> `BinaryData`). */
export function mapEntryName(field: string): string {
  const camel = jsonName(field);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** Reads a .proto file from disk under the name it is imported by. */
export function protoFile(name: string, path: string): ProtoSource {
  return { name, source: readFileSync(path, 'utf8') };
}
