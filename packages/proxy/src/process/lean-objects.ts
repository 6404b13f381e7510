// What the proxy keeps of Services and Endpoints: the informers' transforms (SharedInformer.setTransform)
// drop every field the proxier, the service health servers and the DNS zone do not read (selectors,
// targetRefs, labels, managed metadata, status), and intern the strings that repeat across objects
// (namespaces, node names, protocols, port names, types), so that 10k services cost the proxy their
// rules' inputs and little more. A field read by any of them must be kept here (see lean-objects.test.ts).
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectMeta, Service, ServicePort, ServiceSpec } from '@skiff/api';
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from '../proxier.js';

/**
 * One copy of each string it has seen (strings parsed from the wire are each a new copy). Bounded:
 * past `max` distinct strings it starts again, so names that come and go cannot grow it for ever.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();
  constructor(private readonly max = 10_000) {}

  intern<S extends string | undefined>(s: S): S {
    if (s === undefined) return s;
    const have = this.strings.get(s);
    if (have !== undefined) return have as S;
    if (this.strings.size >= this.max) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  get size(): number {
    return this.strings.size;
  }
}

/** Sets `obj[key] = value` only when value is defined (an absent field stays absent). */
function put<O extends object, K extends keyof O>(obj: O, key: K, value: O[K] | undefined): void {
  if (value !== undefined) obj[key] = value;
}

function leanMeta(m: ObjectMeta, pool: StringPool, annotations?: Record<string, string>): ObjectMeta {
  const out: ObjectMeta = {};
  put(out, 'namespace', pool.intern(m.namespace));
  put(out, 'name', m.name);
  put(out, 'resourceVersion', m.resourceVersion);
  if (annotations) out.annotations = annotations;
  return out;
}

function leanServicePort(p: ServicePort, pool: StringPool): ServicePort {
  const out = {} as ServicePort;
  out.port = p.port;
  put(out, 'name', pool.intern(p.name));
  put(out, 'protocol', pool.intern(p.protocol));
  put(out, 'nodePort', p.nodePort);
  return out;
}

function leanSpec(s: ServiceSpec, pool: StringPool): ServiceSpec {
  const out: ServiceSpec = {};
  put(out, 'type', pool.intern(s.type));
  put(out, 'clusterIP', s.clusterIP);
  // clusterIPs is [clusterIP] on nearly every service: the DNS zone falls back to clusterIP.
  if (s.clusterIPs?.length && !(s.clusterIPs.length === 1 && s.clusterIPs[0] === s.clusterIP)) out.clusterIPs = [...s.clusterIPs];
  put(out, 'externalName', s.externalName);
  if (s.externalIPs?.length) out.externalIPs = [...s.externalIPs];
  put(out, 'sessionAffinity', pool.intern(s.sessionAffinity));
  const timeout = s.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (timeout !== undefined) out.sessionAffinityConfig = { clientIP: { timeoutSeconds: timeout } };
  put(out, 'externalTrafficPolicy', pool.intern(s.externalTrafficPolicy));
  put(out, 'internalTrafficPolicy', pool.intern(s.internalTrafficPolicy));
  put(out, 'healthCheckNodePort', s.healthCheckNodePort);
  if (s.ports) out.ports = s.ports.map((p) => leanServicePort(p, pool));
  return out;
}

/** The Service as the proxy reads it. */
export function leanService(svc: Service, pool: StringPool): Service {
  const metadata = leanMeta(svc.metadata, pool);
  return svc.spec ? { apiVersion: 'v1', kind: 'Service', metadata, spec: leanSpec(svc.spec, pool) } : { apiVersion: 'v1', kind: 'Service', metadata };
}

/**
 * An address in one object literal per shape: a literal's properties are stored in the object, while
 * a property added to a literal afterwards (`put`) goes to a separate property array (at 100,000
 * addresses, 3 MB more).
 */
function leanAddress(a: EndpointAddress, pool: StringPool): EndpointAddress {
  const { ip, hostname } = a;
  const nodeName = pool.intern(a.nodeName);
  if (hostname === undefined) return nodeName === undefined ? { ip } : { ip, nodeName };
  return nodeName === undefined ? { ip, hostname } : { ip, hostname, nodeName };
}

// The other small objects start from `{}`, which has room in the object for four properties.
function leanEndpointPort(p: EndpointPort, pool: StringPool): EndpointPort {
  const out = {} as EndpointPort;
  out.port = p.port;
  put(out, 'name', pool.intern(p.name));
  put(out, 'protocol', pool.intern(p.protocol));
  return out;
}

function leanSubset(s: EndpointSubset, pool: StringPool): EndpointSubset {
  const out: EndpointSubset = {};
  if (s.addresses?.length) out.addresses = s.addresses.map((a) => leanAddress(a, pool));
  if (s.notReadyAddresses?.length) out.notReadyAddresses = s.notReadyAddresses.map((a) => leanAddress(a, pool));
  if (s.ports) out.ports = s.ports.map((p) => leanEndpointPort(p, pool));
  return out;
}

/** The Endpoints as the proxy reads it (of the annotations, only the last change trigger time). */
export function leanEndpoints(ep: Endpoints, pool: StringPool): Endpoints {
  const trigger = ep.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  const metadata = leanMeta(ep.metadata, pool, trigger === undefined ? undefined : { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: trigger });
  return ep.subsets
    ? { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets: ep.subsets.map((s) => leanSubset(s, pool)) }
    : { apiVersion: 'v1', kind: 'Endpoints', metadata };
}
