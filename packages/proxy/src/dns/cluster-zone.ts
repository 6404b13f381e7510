// Cluster DNS answers, per Kubernetes' DNS specification (as CoreDNS's kubernetes plugin gives them):
//   <svc>.<ns>.svc.<zone>            A: the ClusterIP; headless: the ready endpoints; ExternalName: CNAME
//   <host>.<svc>.<ns>.svc.<zone>     A: the endpoint with that hostname (or dashed IP)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>   SRV for a named port (headless: one per ready endpoint)
//   <a-b-c-d>.<ns>.pod.<zone>        A: that IP (CoreDNS's "pods insecure")
//   <reversed IP>.in-addr.arpa       PTR: ClusterIPs and endpoint IPs
// Unknown names in the zone get NXDOMAIN, known names without records of the type NODATA (both
// with the zone's SOA); everything else (and reverse names of unknown IPs) is forwarded.
import type { Answer, Question, SrvAnswer, StringAnswer } from 'dns-packet';
import { dashedIP, type EndpointEntry, type ServiceEntry, type ZoneIndex } from './zone-index.js';

/** CoreDNS's kubernetes plugin default TTL. */
export const CLUSTER_DNS_TTL = 5;

export type LookupResult = 'success' | 'nodata' | 'nxdomain';

export type ZoneAnswer =
  | { forward: true }
  | { forward: false; result: LookupResult; answers: Answer[]; additionals: Answer[]; authorities: Answer[] };

function ipv4FromReverse(labels: string[]): string | undefined {
  if (labels.length !== 4 || !labels.every((l) => /^\d{1,3}$/.test(l) && Number(l) <= 255)) return undefined;
  return [...labels].reverse().join('.');
}

function ipFromDashed(label: string): string | undefined {
  const parts = label.split('-');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255) ? parts.join('.') : undefined;
}

export class ClusterZone {
  /** The cluster domain, lower case, no trailing dot ("cluster.local"). */
  readonly domain: string;

  constructor(
    private readonly index: ZoneIndex,
    domain: string,
  ) {
    this.domain = domain.toLowerCase().replace(/\.$/, '');
  }

  /** Changes whenever the zone's contents change (answers cached at another version are stale). */
  version(): number {
    return this.index.version;
  }

  lookup(q: Question): ZoneAnswer {
    const name = q.name.toLowerCase().replace(/\.$/, '');
    if (name.endsWith('.in-addr.arpa')) return this.reverse(q, name);
    if (name !== this.domain && !name.endsWith(`.${this.domain}`)) return { forward: true };
    const labels = name === this.domain ? [] : name.slice(0, -(this.domain.length + 1)).split('.');
    return this.inZone(q, labels);
  }

  private reverse(q: Question, name: string): ZoneAnswer {
    const ip = ipv4FromReverse(name.slice(0, -'.in-addr.arpa'.length).split('.'));
    const targets = ip ? this.index.reverseNames(ip) : [];
    if (targets.length === 0) return { forward: true };
    if (q.type !== 'PTR') return this.empty('nodata');
    return this.found(targets.map((t): StringAnswer => ({ name: q.name, type: 'PTR', ttl: CLUSTER_DNS_TTL, data: `${t}.${this.domain}` })));
  }

  private inZone(q: Question, labels: string[]): ZoneAnswer {
    const [first, second, third, fourth, fifth, ...more] = [...labels].reverse();
    // Reversed: labels from the zone outwards.
    if (first === undefined) return q.type === 'SOA' ? this.found([this.soa()]) : this.empty('nodata');
    if (first === 'pod') return this.pod(q, labels);
    if (first !== 'svc') return this.empty('nxdomain');
    if (second === undefined) return this.empty('nodata');
    if (third === undefined) return this.empty(this.index.hasNamespace(second) ? 'nodata' : 'nxdomain');
    const svc = this.index.service(second, third);
    if (!svc) return this.empty('nxdomain');
    if (fourth === undefined) return this.service(q, svc);
    if (fifth === undefined) return this.endpoint(q, svc, fourth);
    if (more.length === 0 && fourth.startsWith('_') && fifth.startsWith('_')) return this.srv(q, svc, fifth.slice(1), fourth.slice(1));
    return this.empty('nxdomain');
  }

  private service(q: Question, svc: ServiceEntry): ZoneAnswer {
    if (svc.externalName) {
      return q.type === 'A' || q.type === 'AAAA' || q.type === 'CNAME' ? this.found([{ name: q.name, type: 'CNAME', ttl: CLUSTER_DNS_TTL, data: svc.externalName }]) : this.empty('nodata');
    }
    if (q.type === 'SRV') return this.srvRecords(q.name, svc, svc.ports.filter((p) => p.name !== ''));
    if (q.type !== 'A') return this.empty('nodata');
    const ips = svc.headless ? this.ready(svc).map((e) => e.ip) : svc.clusterIPs.filter((ip) => ip.includes('.'));
    return ips.length ? this.found(ips.map((ip) => this.a(q.name, ip))) : this.empty('nodata');
  }

  private endpoint(q: Question, svc: ServiceEntry, host: string): ZoneAnswer {
    const eps = this.index.endpointsOf(svc.namespace, svc.name).filter((e) => (e.hostname ?? dashedIP(e.ip)) === host);
    if (eps.length === 0) return this.empty('nxdomain');
    if (q.type !== 'A') return this.empty('nodata');
    return this.found(eps.map((e) => this.a(q.name, e.ip)));
  }

  private srv(q: Question, svc: ServiceEntry, port: string, proto: string): ZoneAnswer {
    const ports = svc.ports.filter((p) => p.name === port && p.protocol === proto);
    if (ports.length === 0) return this.empty('nxdomain');
    if (q.type !== 'SRV') return this.empty('nodata');
    return this.srvRecords(q.name, svc, ports);
  }

  private srvRecords(qname: string, svc: ServiceEntry, ports: ServiceEntry['ports']): ZoneAnswer {
    const base = `${svc.name}.${svc.namespace}.svc.${this.domain}`;
    const records: { port: number; target: string; ip: string }[] = [];
    for (const p of ports) {
      if (!svc.headless) {
        for (const ip of svc.clusterIPs) records.push({ port: p.port, target: base, ip });
        continue;
      }
      for (const e of this.ready(svc)) {
        const ep = e.ports.find((x) => x.name === p.name && x.protocol === p.protocol);
        if (ep) records.push({ port: ep.port, target: `${e.hostname ?? dashedIP(e.ip)}.${base}`, ip: e.ip });
      }
    }
    if (records.length === 0) return this.empty('nodata');
    const weight = Math.max(1, Math.floor(100 / records.length));
    const answers = records.map((r): SrvAnswer => ({ name: qname, type: 'SRV', ttl: CLUSTER_DNS_TTL, data: { priority: 0, weight, port: r.port, target: r.target } }));
    const seen = new Set<string>();
    const additionals = records.filter((r) => !seen.has(`${r.target} ${r.ip}`) && seen.add(`${r.target} ${r.ip}`)).map((r) => this.a(r.target, r.ip));
    return { forward: false, result: 'success', answers, additionals, authorities: [] };
  }

  private pod(q: Question, labels: string[]): ZoneAnswer {
    const ip = labels.length === 3 && labels[0] ? ipFromDashed(labels[0]) : undefined;
    if (!ip) return this.empty(labels.length <= 2 ? 'nodata' : 'nxdomain');
    return q.type === 'A' ? this.found([this.a(q.name, ip)]) : this.empty('nodata');
  }

  private ready(svc: ServiceEntry): EndpointEntry[] {
    const seen = new Set<string>();
    return this.index.endpointsOf(svc.namespace, svc.name).filter((e) => e.ready && !seen.has(e.ip) && seen.add(e.ip));
  }

  private a(name: string, ip: string): StringAnswer {
    return { name, type: 'A', ttl: CLUSTER_DNS_TTL, data: ip };
  }

  private soa(): Answer {
    return {
      name: this.domain,
      type: 'SOA',
      ttl: CLUSTER_DNS_TTL,
      data: { mname: `ns.dns.${this.domain}`, rname: `hostmaster.${this.domain}`, serial: Math.floor(Date.now() / 1000), refresh: 7200, retry: 1800, expire: 86400, minimum: CLUSTER_DNS_TTL },
    };
  }

  private found(answers: Answer[]): ZoneAnswer {
    return { forward: false, result: 'success', answers, additionals: [], authorities: [] };
  }

  private empty(result: 'nodata' | 'nxdomain'): ZoneAnswer {
    return { forward: false, result, answers: [], additionals: [], authorities: [this.soa()] };
  }
}
