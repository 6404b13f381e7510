// What every write goes through before storage: version conversion (with warnings), defaulting,
// validation (every violation with its path) and the size limit.
import {
  ApiError,
  apiVersionOf,
  applyDefaults,
  checkStructure,
  fieldError,
  invalid,
  validateObject,
  type KObject,
  type ResourceType,
} from '@skiff/api';

/** Older apiVersions accepted for a kind, converted to the served one with a warning. */
const legacyVersions: Record<string, string[]> = {
  Deployment: ['v1', 'extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'],
  ReplicaSet: ['v1', 'extensions/v1beta1', 'apps/v1beta2'],
  Lease: ['v1', 'coordination.k8s.io/v1beta1'],
};

/** Converts a legacy apiVersion in place; returns the warning to send, if any. */
export function convertVersion(t: ResourceType, obj: KObject): string | undefined {
  const want = apiVersionOf(t);
  if (obj.apiVersion === want || obj.apiVersion === undefined || obj.apiVersion === '') {
    obj.apiVersion = want;
    return undefined;
  }
  if (legacyVersions[t.kind]?.includes(obj.apiVersion)) {
    const from = obj.apiVersion;
    obj.apiVersion = want;
    return `${t.kind} is served as ${want}, not ${from}: "${obj.metadata?.name ?? ''}" was stored as apiVersion ${want}; use apiVersion: ${want} in the manifest`;
  }
  throw invalid(t.kind, obj.metadata?.name ?? '', [
    fieldError('apiVersion', 'NotSupported', `${t.kind} is served as apiVersion ${want}`, obj.apiVersion),
  ]);
}

/** Defaulting then validation; throws INVALID_ARGUMENT with every violation. */
export function admit(t: ResourceType, obj: KObject, old?: KObject): void {
  applyDefaults(obj);
  const errors = validateObject(obj, old);
  if (errors.length > 0) throw invalid(t.kind, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errors);
}

/** Structure of an object that did not come through the typed wire (a patched object). */
export function checkPatched(t: ResourceType, obj: KObject): void {
  const errors = checkStructure(t.protoType, obj);
  if (errors.length > 0) throw invalid(t.kind, obj.metadata?.name ?? '', errors);
}

/** The object's stored form (JSON without resourceVersion); RESOURCE_EXHAUSTED when over the limit. */
export function encodeForStorage(t: ResourceType, obj: KObject, maxBytes: number): Buffer {
  const rv = obj.metadata.resourceVersion;
  // JSON leaves out an undefined member; `delete` would turn metadata into a slow dictionary object.
  if (rv !== undefined) obj.metadata.resourceVersion = undefined;
  const bytes = Buffer.from(JSON.stringify(obj));
  if (rv !== undefined) obj.metadata.resourceVersion = rv;
  if (bytes.length > maxBytes) {
    throw new ApiError('RESOURCE_EXHAUSTED', `${t.kind} "${obj.metadata.name}" is too large: ${bytes.length} bytes, the limit is ${maxBytes}`, {
      reason: 'RequestEntityTooLarge',
    });
  }
  return bytes;
}

export function decodeStored(value: Buffer, modRevision: string): KObject {
  return parseStored(value.toString(), modRevision);
}

/** The stored JSON (as text) back to the object, with its resourceVersion. */
export function parseStored(json: string, modRevision: string): KObject {
  const obj = JSON.parse(json) as KObject;
  obj.metadata.resourceVersion = modRevision;
  return obj;
}
