"""A strict reflection client: what grpcurl or a generated client in another language does.

Lists the services, fetches every file by name and every top-level symbol by name, and loads the
files into a fresh protobuf DescriptorPool, which refuses malformed descriptors (map entries not
named <Field>Entry, types missing from a file's imports, ...). Then calls skiff.v1.Resources/Get
with message classes built from the reflected descriptors only.

Usage: reflection_check.py ADDRESS VERSION [PROTOC_SET] (VERSION v1 or v1alpha; PROTOC_SET a
`protoc --include_imports --descriptor_set_out` of the same files, compared file by file with what
is served). Prints one JSON summary. The reflection
messages must be importable as reflection_<VERSION>_pb2 (protoc --python_out of a copy of
grpc/reflection/<VERSION>/reflection.proto so named: the grpc package owns the `grpc.` prefix).
"""
import importlib
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

address, version = sys.argv[1], sys.argv[2]
protoc_set = sys.argv[3] if len(sys.argv) > 3 else None
reflection_pb2 = importlib.import_module(f"reflection_{version}_pb2")
channel = grpc.insecure_channel(address)
info = channel.stream_stream(
    f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
    request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
    response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
)


def ask(**request):
    """One request on its own stream; the response, or AssertionError on an error response."""
    (response,) = list(info(iter([reflection_pb2.ServerReflectionRequest(**request)]), timeout=10))
    if response.HasField("error_response"):
        raise AssertionError(f"{request}: {response.error_response.error_message}")
    return response


def files_of(response):
    return [descriptor_pb2.FileDescriptorProto.FromString(b) for b in response.file_descriptor_response.file_descriptor_proto]


services = sorted(s.name for s in ask(list_services="*").list_services_response.service)

# Every file, reached from the services and then by name through the dependencies.
files = {}
pending = []
for service in services:
    got = files_of(ask(file_containing_symbol=service))
    assert got[0].service and any(f"{got[0].package}.{s.name}" == service for s in got[0].service), f"{service}: first file {got[0].name} does not define it"
    pending += got
pending += files_of(ask(file_by_filename="google/rpc/status.proto"))
while pending:
    f = pending.pop()
    if f.name in files:
        continue
    files[f.name] = f
    for dep in f.dependency:
        if dep not in files:
            by_name = files_of(ask(file_by_filename=dep))
            assert by_name[0].name == dep, f"asked for {dep}, got {by_name[0].name}"
            pending += by_name

# Every file by name answers with that file first and the same descriptor.
for name, f in files.items():
    assert files_of(ask(file_by_filename=name))[0] == f, f"{name}: by name differs"

# Every top-level symbol (message, enum, service) answers with its file first.
symbols = 0
for name, f in files.items():
    prefix = f"{f.package}." if f.package else ""
    for s in [*f.message_type, *f.enum_type, *f.service]:
        first = files_of(ask(file_containing_symbol=prefix + s.name))[0]
        assert first.name == name, f"{prefix}{s.name}: in {first.name}, expected {name}"
        symbols += 1

# A fresh, strict pool: dependencies first.
pool = descriptor_pool.DescriptorPool()
added = set()


def add(name):
    if name in added:
        return
    for dep in files[name].dependency:
        add(dep)
    pool.Add(files[name])
    added.add(name)


for name in sorted(files):
    add(name)

config_map = pool.FindMessageTypeByName("skiff.v1.ConfigMap")
data = config_map.fields_by_name["data"].message_type
assert data.name == "DataEntry" and data.GetOptions().map_entry, f"ConfigMap.data entry: {data.full_name}"
resources = pool.FindServiceByName("skiff.v1.Resources")
pool.FindMessageTypeByName("google.rpc.ErrorInfo")

# A call with classes from the reflected descriptors alone.
get = resources.methods_by_name["Get"]
# GetMessageClass since protobuf 4.22 (Debian 12 has 4.21: MessageFactory.GetPrototype).
message_class = getattr(message_factory, "GetMessageClass", None) or message_factory.MessageFactory(pool).GetPrototype
GetRequest = message_class(get.input_type)
Object = message_class(get.output_type)
obj = channel.unary_unary(
    f"/{resources.full_name}/Get", request_serializer=GetRequest.SerializeToString, response_deserializer=Object.FromString
)(GetRequest(resource="namespaces", name="default"), timeout=10)
assert obj.namespace.metadata.name == "default", obj

# The served files against protoc's own descriptors of the same sources (file options aside).
differs = {}
same = []
if protoc_set:
    for ref in descriptor_pb2.FileDescriptorSet.FromString(open(protoc_set, "rb").read()).file:
        if ref.name not in files:
            differs[ref.name] = "not served"
            continue
        ref.ClearField("options")
        if ref == files[ref.name]:
            same.append(ref.name)
        else:
            differs[ref.name] = f"protoc:\n{ref}\nserved:\n{files[ref.name]}"

print(json.dumps({
    "sameAsProtoc": sorted(same),
    "differentFromProtoc": differs,
    "services": services,
    "files": sorted(files),
    "symbols": symbols,
    "methods": [m.name for m in resources.methods],
    "got": obj.namespace.metadata.name,
}))
