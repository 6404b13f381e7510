// The grpc-js service definition of skiff.v1.Resources, built from the proto reflection with the
// codecs of codec.ts. Server side, a request that cannot be decoded becomes an UndecodableMessage
// value (the handler answers INVALID_ARGUMENT); a response may be pre-encoded bytes (watch fan-out
// encodes each event once for all watchers).
import type * as grpc from '@grpc/grpc-js';
import { protoRoot } from '@skiff/api';
import type protobuf from 'protobufjs';
import { codecFor, type UndecodableMessage } from './codec.js';
import { isPlainMessage, plainCodecFor } from './plain-codec.js';
import { fromGrpcError } from './status.js';

export const RESOURCES_SERVICE = 'skiff.v1.Resources';
/** The node agent's service (node_agent.proto), which only the apiserver calls. */
export const NODE_AGENT_SERVICE = 'skiff.v1.NodeAgent';

function codecOf(typeName: string) {
  return isPlainMessage(typeName) ? plainCodecFor<unknown>(typeName) : codecFor<unknown>(typeName);
}

function methodDefinition(service: string, method: protobuf.Method): grpc.MethodDefinition<unknown, unknown> {
  const req = codecOf(method.resolvedRequestType!.fullName.slice(1));
  const res = codecOf(method.resolvedResponseType!.fullName.slice(1));
  return {
    path: `/${service}/${method.name}`,
    requestStream: !!method.requestStream,
    responseStream: !!method.responseStream,
    originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    requestSerialize: (v: unknown) => (Buffer.isBuffer(v) ? v : req.encode(v)),
    requestDeserialize: (b: Buffer): unknown => {
      try {
        return req.decode(b);
      } catch (e) {
        return { undecodable: fromGrpcError(e) } satisfies UndecodableMessage;
      }
    },
    responseSerialize: (v: unknown) => (Buffer.isBuffer(v) ? v : res.encode(v)),
    responseDeserialize: (b: Buffer) => res.decode(b),
  };
}

const definitions = new Map<string, grpc.ServiceDefinition>();

/** The grpc-js definition of a service of proto/, built once. */
export function serviceDefinition(name: string): grpc.ServiceDefinition {
  let definition = definitions.get(name);
  if (definition) return definition;
  const svc = protoRoot().lookupService(name);
  svc.resolveAll();
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const m of Object.values(svc.methods)) def[m.name] = methodDefinition(name, m);
  definition = def as grpc.ServiceDefinition;
  definitions.set(name, definition);
  return definition;
}

export function resourcesServiceDefinition(): grpc.ServiceDefinition {
  return serviceDefinition(RESOURCES_SERVICE);
}
