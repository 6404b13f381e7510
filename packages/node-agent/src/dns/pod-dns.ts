// A pod's DNS settings as the kubelet computes them (pkg/kubelet/network/dns): the policy gives the
// base (ClusterFirst: the cluster DNS servers, `<ns>.svc.<domain> svc.<domain> <domain>` before the
// node's search path, `ndots:5`; Default: the node's resolv.conf; None: nothing), ClusterFirst of a
// hostNetwork pod is Default, ClusterFirst without a cluster DNS falls back to Default (with a
// MissingClusterDNS event), then `dnsConfig` is appended (duplicates dropped, options merged by name).
import type { Pod } from '@skiff/api';
import type { DNSConfig } from './resolv-conf.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_DNS_OPTIONS = ['ndots:5'];
/** the search path limits of current Kubernetes (MaxDNSSearchPaths, MaxDNSSearchListChars) */
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;

export interface DNSNode {
  /** `--cluster-dns` */
  clusterDNS: string[];
  /** `--cluster-domain` */
  clusterDomain: string;
  /** the node's resolv.conf */
  host: DNSConfig;
}

export interface PodDNS {
  /** undefined: the runtime's default (a copy of the node's resolv.conf) */
  config?: DNSConfig;
  /** events to record: [reason, message] */
  warnings: [string, string][];
}

type DNSType = 'cluster' | 'host' | 'none';

function dnsType(pod: Pod): DNSType {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'none';
  if (policy === 'ClusterFirstWithHostNet') return 'cluster';
  if (policy === 'ClusterFirst' && !pod.spec?.hostNetwork) return 'cluster';
  return 'host';
}

const unique = (xs: readonly string[]) => [...new Set(xs)];

function mergeOptions(base: readonly string[], extra: readonly { name: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(':')[0] as string, o);
  for (const o of extra) byName.set(o.name, o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

function fitSearches(searches: string[], warnings: [string, string][]): string[] {
  let out = searches;
  if (out.length > MAX_DNS_SEARCH_PATHS) out = out.slice(0, MAX_DNS_SEARCH_PATHS);
  while (out.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) out = out.slice(0, -1);
  if (out.length !== searches.length) {
    warnings.push(['DNSConfigForming', `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}`]);
  }
  return out;
}

export function podDNS(pod: Pod, node: DNSNode): PodDNS {
  const warnings: [string, string][] = [];
  let type = dnsType(pod);
  if (type === 'cluster' && node.clusterDNS.length === 0) {
    warnings.push(['MissingClusterDNS', `pod: "${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})". kubelet does not have ClusterDNS IP configured and cannot create Pod using "${pod.spec?.dnsPolicy ?? 'ClusterFirst'}" policy. Falling back to "Default" policy.`]);
    type = 'host';
  }
  const extra = pod.spec?.dnsConfig;
  if (type === 'host' && !extra) return { warnings }; // the runtime copies the node's resolv.conf
  let base: DNSConfig = { servers: [], searches: [], options: [] };
  if (type === 'host') base = { servers: [...node.host.servers], searches: [...node.host.searches], options: [...node.host.options] };
  if (type === 'cluster') {
    const d = node.clusterDomain;
    const ns = pod.metadata.namespace ?? '';
    base = { servers: [...node.clusterDNS], searches: d ? [`${ns}.svc.${d}`, `svc.${d}`, d, ...node.host.searches] : [...node.host.searches], options: [...DEFAULT_DNS_OPTIONS] };
  }
  const config: DNSConfig = {
    servers: unique([...base.servers, ...(extra?.nameservers ?? [])]),
    searches: fitSearches(unique([...base.searches, ...(extra?.searches ?? [])]), warnings),
    options: mergeOptions(base.options, extra?.options ?? []),
  };
  return { config, warnings };
}

/** the pod's hostname and, with a subdomain, its domain (`<subdomain>.<ns>.svc.<cluster domain>`) */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain?: string } {
  const hostname = (pod.spec?.hostname || pod.metadata.name || '').slice(0, 63).replace(/[-.]+$/, '');
  const sub = pod.spec?.subdomain;
  return sub ? { hostname, domain: `${sub}.${pod.metadata.namespace ?? ''}.svc.${clusterDomain}` } : { hostname };
}

/** hostAliases as the runtime's extra hosts ("name:ip"), in order */
export function podExtraHosts(pod: Pod): string[] {
  return (pod.spec?.hostAliases ?? []).flatMap((a) => (a.hostnames ?? []).map((h) => `${h}:${a.ip ?? ''}`));
}
