// What cluster DNS knows, kept up to date by the Service and Endpoints informers' handlers: the
// services by namespace and name, their endpoints, and the reverse (PTR) names of ClusterIPs and
// endpoint IPs, as CoreDNS's kubernetes plugin indexes them. It keeps the informers' own (frozen,
// shared) objects, not copies, and makes entries from them when asked (answers are cached).
import type { Endpoints, Service } from '@skiff/api';

export interface ServicePortEntry {
  name: string;
  port: number;
  protocol: string;
}

export interface ServiceEntry {
  namespace: string;
  name: string;
  /** ClusterIPs; empty for headless and ExternalName services. */
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: ServicePortEntry[];
}

export interface EndpointEntry {
  ip: string;
  hostname?: string;
  ready: boolean;
  /** The subset's ports (named as the service's ports). */
  ports: ServicePortEntry[];
}

const key = (ns: string | undefined, name: string | undefined): string => `${ns ?? 'default'}/${name ?? ''}`;

/** A name label for an IP: `10-244-1-3` (CoreDNS's endpoint hostname when it has none). */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

function serviceEntry(s: Service): ServiceEntry {
  const spec = s.spec ?? {};
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip !== 'None');
  return {
    namespace: s.metadata?.namespace ?? 'default',
    name: s.metadata?.name ?? '',
    clusterIPs: spec.type === 'ExternalName' ? [] : ips,
    headless: spec.clusterIP === 'None',
    ...(spec.type === 'ExternalName' && spec.externalName ? { externalName: spec.externalName.toLowerCase().replace(/\.$/, '') } : {}),
    ports: (spec.ports ?? []).map((p) => ({ name: (p.name ?? '').toLowerCase(), port: p.port, protocol: (p.protocol ?? 'TCP').toLowerCase() })),
  };
}

function endpointEntries(ep: Endpoints): EndpointEntry[] {
  const out: EndpointEntry[] = [];
  for (const subset of ep.subsets ?? []) {
    const ports = (subset.ports ?? []).map((p) => ({ name: (p.name ?? '').toLowerCase(), port: p.port, protocol: (p.protocol ?? 'TCP').toLowerCase() }));
    const add = (addrs: typeof subset.addresses, ready: boolean): void => {
      for (const a of addrs ?? []) out.push({ ip: a.ip, ...(a.hostname ? { hostname: a.hostname.toLowerCase() } : {}), ready, ports });
    };
    add(subset.addresses, true);
    add(subset.notReadyAddresses, false);
  }
  return out;
}

/** One reference or several (a multiset: the same one may be there more than once). */
type Refs = string | string[];

function addRef(map: Map<string, Refs>, ip: string, ref: string): void {
  const cur = map.get(ip);
  if (cur === undefined) map.set(ip, ref);
  else if (typeof cur === 'string') map.set(ip, [cur, ref]);
  else cur.push(ref);
}

function removeRef(map: Map<string, Refs>, ip: string, ref: string): void {
  const cur = map.get(ip);
  if (cur === undefined) return;
  if (typeof cur === 'string') {
    if (cur === ref) map.delete(ip);
    return;
  }
  const i = cur.indexOf(ref);
  if (i >= 0) cur.splice(i, 1);
  if (cur.length === 1) map.set(ip, cur[0] ?? ref);
}

function refs(r: Refs | undefined): readonly string[] {
  return r === undefined ? [] : typeof r === 'string' ? [r] : r;
}

export class ZoneIndex {
  private readonly services = new Map<string, Service>();
  private readonly endpoints = new Map<string, Endpoints>();
  private readonly servicesPerNamespace = new Map<string, number>();
  /**
   * Reverse (PTR) index: IP -> the "ns/name" keys of the services with that ClusterIP and of the
   * Endpoints listing it (at 10,000 services of 10 endpoints: one map entry per IP, names made
   * only when asked for).
   */
  private readonly serviceIPs = new Map<string, Refs>();
  private readonly endpointIPs = new Map<string, Refs>();
  /** Goes up with every change (cached answers of an older version are stale). */
  version = 0;

  onServiceUpdate(previous: Service | undefined, current: Service | undefined): void {
    this.version++;
    if (previous) this.removeService(key(previous.metadata?.namespace, previous.metadata?.name));
    if (current) this.addService(current);
  }

  onEndpointsUpdate(previous: Endpoints | undefined, current: Endpoints | undefined): void {
    this.version++;
    if (previous) {
      const k = key(previous.metadata?.namespace, previous.metadata?.name);
      for (const ip of addressIPs(this.endpoints.get(k))) removeRef(this.endpointIPs, ip, k);
      this.endpoints.delete(k);
    }
    if (current) {
      const k = key(current.metadata?.namespace, current.metadata?.name);
      this.endpoints.set(k, current);
      for (const ip of addressIPs(current)) addRef(this.endpointIPs, ip, k);
    }
  }

  service(namespace: string, name: string): ServiceEntry | undefined {
    const s = this.services.get(key(namespace, name));
    return s && serviceEntry(s);
  }

  endpointsOf(namespace: string, name: string): readonly EndpointEntry[] {
    const e = this.endpoints.get(key(namespace, name));
    return e ? endpointEntries(e) : [];
  }

  hasNamespace(namespace: string): boolean {
    return (this.servicesPerNamespace.get(namespace) ?? 0) > 0;
  }

  /** PTR targets of an IP, relative to the zone ("web.ns1.svc"), sorted. */
  reverseNames(ip: string): string[] {
    const names = new Set<string>();
    for (const k of refs(this.serviceIPs.get(ip))) names.add(relativeName(k));
    for (const k of refs(this.endpointIPs.get(ip))) {
      const e = this.endpoints.get(k);
      for (const entry of e ? endpointEntries(e) : []) if (entry.ip === ip) names.add(`${entry.hostname ?? dashedIP(ip)}.${relativeName(k)}`);
    }
    return [...names].sort();
  }

  private addService(svc: Service): void {
    const s = serviceEntry(svc);
    const k = key(s.namespace, s.name);
    this.removeService(k);
    this.services.set(k, svc);
    this.servicesPerNamespace.set(s.namespace, (this.servicesPerNamespace.get(s.namespace) ?? 0) + 1);
    for (const ip of s.clusterIPs) addRef(this.serviceIPs, ip, k);
  }

  private removeService(k: string): void {
    const old = this.services.get(k);
    if (!old) return;
    this.services.delete(k);
    const s = serviceEntry(old);
    const n = (this.servicesPerNamespace.get(s.namespace) ?? 1) - 1;
    if (n > 0) this.servicesPerNamespace.set(s.namespace, n);
    else this.servicesPerNamespace.delete(s.namespace);
    for (const ip of s.clusterIPs) removeRef(this.serviceIPs, ip, k);
  }
}

/** Every address (ready or not) of an Endpoints object, once per time it is listed. */
function addressIPs(ep: Endpoints | undefined): string[] {
  const out: string[] = [];
  for (const subset of ep?.subsets ?? []) {
    for (const a of subset.addresses ?? []) out.push(a.ip);
    for (const a of subset.notReadyAddresses ?? []) out.push(a.ip);
  }
  return out;
}

/** "ns/name" -> "name.ns.svc" */
function relativeName(k: string): string {
  const i = k.indexOf('/');
  return `${k.slice(i + 1)}.${k.slice(0, i)}.svc`;
}
