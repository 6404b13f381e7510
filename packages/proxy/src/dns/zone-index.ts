// What cluster DNS knows, kept up to date by the Service and Endpoints informers' handlers: the
// services by namespace and name, their endpoints, and the reverse (PTR) names of ClusterIPs and
// endpoint IPs, as CoreDNS's kubernetes plugin indexes them.
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

export class ZoneIndex {
  private readonly services = new Map<string, ServiceEntry>();
  private readonly endpoints = new Map<string, EndpointEntry[]>();
  private readonly servicesPerNamespace = new Map<string, number>();
  /** IP -> PTR target (relative to the zone, e.g. "web.ns1.svc") -> how many objects give it. */
  private readonly reverse = new Map<string, Map<string, number>>();

  onServiceUpdate(previous: Service | undefined, current: Service | undefined): void {
    if (previous) this.removeService(serviceEntry(previous));
    if (current) this.addService(serviceEntry(current));
  }

  onEndpointsUpdate(previous: Endpoints | undefined, current: Endpoints | undefined): void {
    if (previous) {
      const k = key(previous.metadata?.namespace, previous.metadata?.name);
      for (const e of this.endpoints.get(k) ?? []) this.unref(e.ip, this.endpointName(k, e));
      this.endpoints.delete(k);
    }
    if (current) {
      const k = key(current.metadata?.namespace, current.metadata?.name);
      const entries = endpointEntries(current);
      this.endpoints.set(k, entries);
      for (const e of entries) this.ref(e.ip, this.endpointName(k, e));
    }
  }

  service(namespace: string, name: string): ServiceEntry | undefined {
    return this.services.get(key(namespace, name));
  }

  endpointsOf(namespace: string, name: string): readonly EndpointEntry[] {
    return this.endpoints.get(key(namespace, name)) ?? [];
  }

  hasNamespace(namespace: string): boolean {
    return (this.servicesPerNamespace.get(namespace) ?? 0) > 0;
  }

  /** PTR targets of an IP, relative to the zone ("web.ns1.svc"), sorted. */
  reverseNames(ip: string): string[] {
    return [...(this.reverse.get(ip)?.keys() ?? [])].sort();
  }

  private endpointName(serviceKey: string, e: EndpointEntry): string {
    const [ns, name] = serviceKey.split('/');
    return `${e.hostname ?? dashedIP(e.ip)}.${name}.${ns}.svc`;
  }

  private addService(s: ServiceEntry): void {
    this.services.set(key(s.namespace, s.name), s);
    this.servicesPerNamespace.set(s.namespace, (this.servicesPerNamespace.get(s.namespace) ?? 0) + 1);
    for (const ip of s.clusterIPs) this.ref(ip, `${s.name}.${s.namespace}.svc`);
  }

  private removeService(s: ServiceEntry): void {
    if (!this.services.delete(key(s.namespace, s.name))) return;
    const n = (this.servicesPerNamespace.get(s.namespace) ?? 1) - 1;
    if (n > 0) this.servicesPerNamespace.set(s.namespace, n);
    else this.servicesPerNamespace.delete(s.namespace);
    for (const ip of s.clusterIPs) this.unref(ip, `${s.name}.${s.namespace}.svc`);
  }

  private ref(ip: string, name: string): void {
    const names = this.reverse.get(ip) ?? new Map<string, number>();
    names.set(name, (names.get(name) ?? 0) + 1);
    this.reverse.set(ip, names);
  }

  private unref(ip: string, name: string): void {
    const names = this.reverse.get(ip);
    const n = (names?.get(name) ?? 0) - 1;
    if (!names) return;
    if (n > 0) names.set(name, n);
    else names.delete(name);
    if (names.size === 0) this.reverse.delete(ip);
  }
}
