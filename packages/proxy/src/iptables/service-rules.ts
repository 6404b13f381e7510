// The rules of one service port, as kube-proxy's iptables proxier writes them (read there, written
// anew): its lines in the dispatch chains (nat SKIFF-SERVICES / SKIFF-NODEPORTS; filter
// SKIFF-SERVICES / SKIFF-EXTERNAL-SERVICES for REJECT and DROP), and its own nat chains:
//   SKIFF-SVC-x  cluster policy: mark off-cluster sources for masquerade, then one SKIFF-SEP-y per
//                endpoint, chosen by the statistic module with 1/n, 1/(n-1), ... 1 (after `recent`
//                checks for ClientIP affinity);
//   SKIFF-XLB-x  local policy: the same over this node's endpoints;
//   SKIFF-EXT-x  external destinations (node port, external IPs): masquerade for Cluster policy;
//                for Local, pod and node-local sources short-circuit to SKIFF-SVC-x, the rest keeps
//                its source and goes to SKIFF-XLB-x;
//   SKIFF-SEP-y  one endpoint: hairpin masquerade, affinity `recent --set`, DNAT. Only endpoints
//                whose hairpin rule can match on this node have one (see needsEndpointChain); the
//                others are DNATed straight from SKIFF-SVC-x.
import { endpointString, type EndpointInfo } from '../tracker/endpoint-info.js';
import { externallyAccessible, type ServicePortInfo } from '../tracker/service-port.js';
import { categorize } from './categorize.js';
import {
  EXTERNAL_SERVICES_CHAIN,
  MARK_MASQ_CHAIN,
  NODEPORTS_CHAIN,
  SERVICES_CHAIN,
  endpointChain,
  externalChain,
  localChain,
  serviceChain,
} from './chain-names.js';
import { appendRule, comment, commentArgs, probability, quote } from './rule-line.js';

export interface ProxyRulesConfig {
  /** The pods' CIDR: sources outside it are masqueraded on the way to a ClusterIP. */
  clusterCIDR?: string;
  /** Masquerade all service traffic (kube-proxy's --masquerade-all). */
  masqueradeAll?: boolean;
  /**
   * kube-proxy's large cluster mode (more than LARGE_CLUSTER_ENDPOINTS_THRESHOLD endpoints): the
   * per-endpoint rules (SKIFF-SEP chains, and the service chains' jumps to them) carry no comment,
   * which makes the tables much smaller (a comment match is 288 bytes in the kernel). Set per sync
   * by the planner.
   */
  largeClusterMode?: boolean;
}

/** kube-proxy's largeClusterEndpointsThreshold: above this many endpoints, large cluster mode. */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

export interface ServicePortRules {
  /** Lines of nat SKIFF-SERVICES. */
  natServices: string[];
  /** Lines of nat SKIFF-NODEPORTS. */
  natNodePorts: string[];
  /** Lines of filter SKIFF-SERVICES (REJECT: no endpoints). */
  filterServices: string[];
  /** Lines of filter SKIFF-EXTERNAL-SERVICES (REJECT or DROP for external destinations). */
  filterExternal: string[];
  /** The port's own nat chains, in writing order, with their rules. */
  chains: Map<string, string[]>;
}

/** A service port's dispatch lines (ServicePortRules without its chains). */
export type ServicePortDispatch = Omit<ServicePortRules, 'chains'>;

/**
 * What a service port's rules are made of: its endpoints by policy and its chain names (hashed
 * once here; a sync plans the dispatch lines and chain names first and writes the chains' rules
 * later, one service at a time).
 */
export interface ServicePortLayout {
  readonly svc: ServicePortInfo;
  readonly proto: string;
  readonly cluster: readonly EndpointInfo[];
  readonly local: readonly EndpointInfo[];
  readonly reachable: readonly EndpointInfo[];
  readonly hasAny: boolean;
  readonly svcChain: string;
  /** '' when no rule of the port names it (no Local traffic policy). */
  readonly xlbChain: string;
  /** '' when no rule of the port names it (not usesExternal). */
  readonly extChain: string;
  /** SKIFF-SEP chain of each reachable endpoint that needs one (the others are DNATed from SKIFF-SVC). */
  readonly sepChains: ReadonlyMap<EndpointInfo, string>;
  readonly usesCluster: boolean;
  readonly usesLocal: boolean;
  readonly usesExternal: boolean;
}

/**
 * Whether an endpoint needs its own SKIFF-SEP chain. kube-proxy gives every endpoint one, for its
 * hairpin rule (`-s <endpoint> -j SKIFF-MARK-MASQ`: a pod that reaches itself through the service is
 * masqueraded, or its answer would not come back through the DNAT). That rule matches only traffic
 * from the endpoint itself that reaches this node's service chains not yet marked for masquerade.
 * An endpoint known to be on another node sends no such traffic here when:
 *   - off-cluster sources are marked in the service chain (--cluster-cidr or --masquerade-all): its
 *     own traffic to a cluster IP is DNATed by its own node's proxy, and traffic from a host-network
 *     endpoint of another node to a cluster IP routed here comes from outside the cluster CIDR;
 *   - the service has no Local external policy: SKIFF-EXT-x then marks everything, while with Local
 *     policy it sends pod traffic from any node (to this node's node port) to SKIFF-SVC-x unmarked;
 *   - it has no ClientIP affinity (whose `recent` lists are named after the SKIFF-SEP chains).
 * Such an endpoint is DNATed straight from SKIFF-SVC-x, with the same statistic ladder: the same
 * traffic goes to the same places with 3 fewer rules and one chain fewer per endpoint. At 10,000
 * services of 10 endpoints that is 100,000 chains fewer. The legacy backend replaces the whole nat
 * table on every restore, and the kernel's cost of that grows with the table's entries (measured:
 * one-chain restore at 10,000 services, 1.8 s of CPU with kube-proxy's layout, 0.6 s with this).
 */
export function needsEndpointChain(svc: ServicePortInfo, e: EndpointInfo, usesExternal: boolean, cfg: ProxyRulesConfig): boolean {
  if (!e.isRemote || svc.affinityTimeoutSeconds !== undefined) return true;
  if (!cfg.masqueradeAll && !cfg.clusterCIDR) return true;
  return svc.externalPolicyLocal && usesExternal;
}

export function servicePortLayout(svc: ServicePortInfo, endpoints: readonly EndpointInfo[], cfg: ProxyRulesConfig = {}): ServicePortLayout {
  const proto = svc.protocol.toLowerCase();
  const { cluster, local, reachable, hasAny } = categorize(svc, endpoints);
  const usesExternal = hasAny && externallyAccessible(svc);
  const sepChains = new Map<EndpointInfo, string>();
  for (const e of reachable) if (needsEndpointChain(svc, e, usesExternal, cfg)) sepChains.set(e, endpointChain(svc.name, proto, endpointString(e)));
  const usesLocal = local.length > 0 && (svc.internalPolicyLocal || svc.externalPolicyLocal);
  // Hashed only when a rule names them (a plain ClusterIP service: one SHA-256 instead of three).
  const namesLocal = usesLocal || svc.internalPolicyLocal || svc.externalPolicyLocal;
  return {
    svc,
    proto,
    cluster,
    local,
    reachable,
    hasAny,
    svcChain: serviceChain(svc.name, proto),
    xlbChain: namesLocal ? localChain(svc.name, proto) : '',
    extChain: usesExternal ? externalChain(svc.name, proto) : '',
    sepChains,
    usesCluster: cluster.length > 0,
    usesLocal,
    usesExternal,
  };
}

/** The port's own chains, in writing order (the keys of servicePortChains). */
export function servicePortChainNames(l: ServicePortLayout): string[] {
  const names: string[] = [];
  if (l.usesExternal) names.push(l.extChain);
  if (l.usesCluster) names.push(l.svcChain);
  if (l.usesLocal) names.push(l.xlbChain);
  for (const c of l.sepChains.values()) names.push(c);
  return names;
}

function clusterIPMatch(l: ServicePortLayout): string[] {
  return ['-m', l.proto, '-p', l.proto, '-d', l.svc.clusterIP, '--dport', String(l.svc.port)];
}

/** The port's lines in the dispatch chains: the cluster IP, external IPs and the node port. */
export function servicePortDispatch(l: ServicePortLayout): ServicePortDispatch {
  const r: ServicePortDispatch = { natServices: [], natNodePorts: [], filterServices: [], filterExternal: [] };
  const { svc, proto, hasAny } = l;
  const name = svc.name;
  const internalChain = svc.internalPolicyLocal ? l.xlbChain : l.svcChain;
  const hasInternal = svc.internalPolicyLocal ? l.local.length > 0 : hasAny;
  const hasExternal = svc.externalPolicyLocal ? l.local.length > 0 : hasAny;
  const noEndpoints = (policyLocal: boolean): [string, string] =>
    !hasAny || !policyLocal ? [`${name} has no endpoints`, 'REJECT'] : [`${name} has no local endpoints`, 'DROP'];

  if (hasInternal) r.natServices.push(appendRule(SERVICES_CHAIN, ...comment(`${name} cluster IP`), ...clusterIPMatch(l), '-j', internalChain));
  else {
    const [text, target] = noEndpoints(svc.internalPolicyLocal);
    r.filterServices.push(appendRule(SERVICES_CHAIN, ...comment(text), ...clusterIPMatch(l), '-j', target));
  }
  const [extText, extTarget] = noEndpoints(svc.externalPolicyLocal);
  for (const ip of svc.externalIPs) {
    const match = ['-m', proto, '-p', proto, '-d', ip, '--dport', String(svc.port)];
    if (hasAny) r.natServices.push(appendRule(SERVICES_CHAIN, ...comment(`${name} external IP`), ...match, '-j', l.extChain));
    if (!hasExternal) r.filterExternal.push(appendRule(EXTERNAL_SERVICES_CHAIN, ...comment(extText), ...match, '-j', extTarget));
  }
  if (svc.nodePort > 0) {
    const match = ['-m', proto, '-p', proto, '--dport', String(svc.nodePort)];
    if (hasAny) r.natNodePorts.push(appendRule(NODEPORTS_CHAIN, ...comment(name), ...match, '-j', l.extChain));
    if (!hasExternal)
      r.filterExternal.push(appendRule(EXTERNAL_SERVICES_CHAIN, ...comment(extText), '-m', 'addrtype', '--dst-type', 'LOCAL', ...match, '-j', extTarget));
  }
  return r;
}

/** The port's own nat chains with their rules, in writing order. */
export function servicePortChains(l: ServicePortLayout, cfg: ProxyRulesConfig): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const { svc, proto, svcChain, xlbChain, extChain } = l;
  const name = svc.name;
  const externalPolicyChain = svc.externalPolicyLocal ? xlbChain : svcChain;
  const hasExternal = svc.externalPolicyLocal ? l.local.length > 0 : l.hasAny;

  // The external chain.
  if (l.usesExternal) {
    const rules: string[] = [];
    if (!svc.externalPolicyLocal) {
      rules.push(appendRule(extChain, ...comment(`masquerade traffic for ${name} external destinations`), '-j', MARK_MASQ_CHAIN));
    } else if (l.usesCluster) {
      if (cfg.clusterCIDR)
        rules.push(appendRule(extChain, ...comment(`pod traffic for ${name} external destinations`), '-s', cfg.clusterCIDR, '-j', svcChain));
      rules.push(
        appendRule(extChain, ...comment(`masquerade LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', MARK_MASQ_CHAIN),
        appendRule(extChain, ...comment(`route LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', svcChain),
      );
    }
    if (hasExternal) rules.push(appendRule(extChain, '-j', externalPolicyChain));
    chains.set(extChain, rules);
  }

  // The policy chains.
  const masq = cfg.masqueradeAll ? [] : cfg.clusterCIDR ? ['!', '-s', cfg.clusterCIDR] : undefined;
  if (l.usesCluster) {
    const rules: string[] = [];
    if (masq && !svc.internalPolicyLocal) rules.push(appendRule(svcChain, ...comment(`${name} cluster IP`), ...clusterIPMatch(l), ...masq, '-j', MARK_MASQ_CHAIN));
    chains.set(svcChain, [...rules, ...toEndpoints(l, svcChain, l.cluster, cfg.largeClusterMode)]);
  }
  if (l.usesLocal) {
    const rules: string[] = [];
    if (masq && svc.internalPolicyLocal) rules.push(appendRule(xlbChain, ...comment(`${name} cluster IP`), ...clusterIPMatch(l), ...masq, '-j', MARK_MASQ_CHAIN));
    chains.set(xlbChain, [...rules, ...toEndpoints(l, xlbChain, l.local, cfg.largeClusterMode)]);
  }

  // One chain per endpoint.
  const note = cfg.largeClusterMode ? '' : commentArgs(name);
  for (const [e, chain] of l.sepChains) {
    const affinity = svc.affinityTimeoutSeconds !== undefined ? ` -m recent --name ${chain} --set` : '';
    chains.set(chain, [
      `-A ${chain}${note} -s ${quote(e.ip)} -j ${MARK_MASQ_CHAIN}`,
      `-A ${chain}${note}${affinity} -m ${proto} -p ${proto} -j DNAT --to-destination ${quote(endpointString(e))}`,
    ]);
  }
  return chains;
}

export function servicePortRules(svc: ServicePortInfo, endpoints: readonly EndpointInfo[], cfg: ProxyRulesConfig): ServicePortRules {
  const l = servicePortLayout(svc, endpoints, cfg);
  return { ...servicePortDispatch(l), chains: servicePortChains(l, cfg) };
}

/**
 * Affinity checks first, then the statistic ladder 1/n, 1/(n-1), ..., the last rule always matches;
 * each step jumps to the endpoint's chain or, when it has none, DNATs to it. The lines are built as
 * templates (as appendRule would quote them: only the comment and the endpoint, which come from the
 * API, can need quotes): these are most of a large sync's lines.
 */
function toEndpoints(l: ServicePortLayout, chain: string, endpoints: readonly EndpointInfo[], largeClusterMode = false): string[] {
  const { svc, proto } = l;
  const rules: string[] = [];
  const head = `-A ${chain}`;
  // `-p` alone lets DNAT map the port (kube-proxy's SEP rules add `-m tcp`, a match that checks
  // nothing more here: one module lookup less per rule when the kernel takes a table).
  const dnat = ` -p ${proto} -j DNAT --to-destination `;
  if (svc.affinityTimeoutSeconds !== undefined) {
    // Affinity: every endpoint has a chain (needsEndpointChain).
    const check = ` --rcheck --seconds ${svc.affinityTimeoutSeconds} --reap -j `;
    for (const e of endpoints) {
      const ep = endpointString(e);
      const c = l.sepChains.get(e) ?? endpointChain(svc.name, proto, ep);
      const note = largeClusterMode ? '' : commentArgs(`${svc.name} -> ${ep}`);
      rules.push(`${head}${note} -m recent --name ${c}${check}${c}`);
    }
  }
  const n = endpoints.length;
  for (let i = 0; i < n; i++) {
    const e = endpoints[i] as EndpointInfo;
    const ep = endpointString(e);
    const note = largeClusterMode ? '' : commentArgs(`${svc.name} -> ${ep}`);
    const stat = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    const sep = l.sepChains.get(e);
    rules.push(`${head}${note}${stat}${sep ? ` -j ${sep}` : `${dnat}${quote(ep)}`}`);
  }
  return rules;
}
