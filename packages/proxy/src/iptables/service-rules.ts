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
//   SKIFF-SEP-y  one endpoint: hairpin masquerade, affinity `recent --set`, DNAT.
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
import { appendRule, comment, probability } from './rule-line.js';

export interface ProxyRulesConfig {
  /** The pods' CIDR: sources outside it are masqueraded on the way to a ClusterIP. */
  clusterCIDR?: string;
  /** Masquerade all service traffic (kube-proxy's --masquerade-all). */
  masqueradeAll?: boolean;
}

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

export function servicePortRules(svc: ServicePortInfo, endpoints: readonly EndpointInfo[], cfg: ProxyRulesConfig): ServicePortRules {
  const r: ServicePortRules = { natServices: [], natNodePorts: [], filterServices: [], filterExternal: [], chains: new Map() };
  const name = svc.name;
  const proto = svc.protocol.toLowerCase();
  const { cluster, local, reachable, hasAny } = categorize(svc, endpoints);
  const svcChain = serviceChain(name, proto);
  const xlbChain = localChain(name, proto);
  const extChain = externalChain(name, proto);
  const internalChain = svc.internalPolicyLocal ? xlbChain : svcChain;
  const externalPolicyChain = svc.externalPolicyLocal ? xlbChain : svcChain;
  const hasInternal = svc.internalPolicyLocal ? local.length > 0 : hasAny;
  const hasExternal = svc.externalPolicyLocal ? local.length > 0 : hasAny;
  const usesCluster = cluster.length > 0;
  const usesLocal = local.length > 0 && (svc.internalPolicyLocal || svc.externalPolicyLocal);
  const usesExternal = hasAny && externallyAccessible(svc);
  const noEndpoints = (policyLocal: boolean): [string, string] =>
    !hasAny || !policyLocal ? [`${name} has no endpoints`, 'REJECT'] : [`${name} has no local endpoints`, 'DROP'];
  const clusterIPMatch = ['-m', proto, '-p', proto, '-d', svc.clusterIP, '--dport', String(svc.port)];

  // Dispatch: the cluster IP, external IPs and the node port.
  if (hasInternal) r.natServices.push(appendRule(SERVICES_CHAIN, ...comment(`${name} cluster IP`), ...clusterIPMatch, '-j', internalChain));
  else {
    const [text, target] = noEndpoints(svc.internalPolicyLocal);
    r.filterServices.push(appendRule(SERVICES_CHAIN, ...comment(text), ...clusterIPMatch, '-j', target));
  }
  const [extText, extTarget] = noEndpoints(svc.externalPolicyLocal);
  for (const ip of svc.externalIPs) {
    const match = ['-m', proto, '-p', proto, '-d', ip, '--dport', String(svc.port)];
    if (hasAny) r.natServices.push(appendRule(SERVICES_CHAIN, ...comment(`${name} external IP`), ...match, '-j', extChain));
    if (!hasExternal) r.filterExternal.push(appendRule(EXTERNAL_SERVICES_CHAIN, ...comment(extText), ...match, '-j', extTarget));
  }
  if (svc.nodePort > 0) {
    const match = ['-m', proto, '-p', proto, '--dport', String(svc.nodePort)];
    if (hasAny) r.natNodePorts.push(appendRule(NODEPORTS_CHAIN, ...comment(name), ...match, '-j', extChain));
    if (!hasExternal)
      r.filterExternal.push(appendRule(EXTERNAL_SERVICES_CHAIN, ...comment(extText), '-m', 'addrtype', '--dst-type', 'LOCAL', ...match, '-j', extTarget));
  }

  // The external chain.
  if (usesExternal) {
    const rules: string[] = [];
    if (!svc.externalPolicyLocal) {
      rules.push(appendRule(extChain, ...comment(`masquerade traffic for ${name} external destinations`), '-j', MARK_MASQ_CHAIN));
    } else if (usesCluster) {
      if (cfg.clusterCIDR)
        rules.push(appendRule(extChain, ...comment(`pod traffic for ${name} external destinations`), '-s', cfg.clusterCIDR, '-j', svcChain));
      rules.push(
        appendRule(extChain, ...comment(`masquerade LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', MARK_MASQ_CHAIN),
        appendRule(extChain, ...comment(`route LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', svcChain),
      );
    }
    if (hasExternal) rules.push(appendRule(extChain, '-j', externalPolicyChain));
    r.chains.set(extChain, rules);
  }

  // The policy chains.
  const masq = cfg.masqueradeAll ? [] : cfg.clusterCIDR ? ['!', '-s', cfg.clusterCIDR] : undefined;
  if (usesCluster) {
    const rules: string[] = [];
    if (masq && !svc.internalPolicyLocal) rules.push(appendRule(svcChain, ...comment(`${name} cluster IP`), ...clusterIPMatch, ...masq, '-j', MARK_MASQ_CHAIN));
    r.chains.set(svcChain, [...rules, ...toEndpoints(svc, svcChain, cluster)]);
  }
  if (usesLocal) {
    const rules: string[] = [];
    if (masq && svc.internalPolicyLocal) rules.push(appendRule(xlbChain, ...comment(`${name} cluster IP`), ...clusterIPMatch, ...masq, '-j', MARK_MASQ_CHAIN));
    r.chains.set(xlbChain, [...rules, ...toEndpoints(svc, xlbChain, local)]);
  }

  // One chain per endpoint.
  for (const e of reachable) {
    const chain = endpointChain(name, proto, endpointString(e));
    const affinity = svc.affinityTimeoutSeconds !== undefined ? ['-m', 'recent', '--name', chain, '--set'] : [];
    r.chains.set(chain, [
      appendRule(chain, ...comment(name), '-s', e.ip, '-j', MARK_MASQ_CHAIN),
      appendRule(chain, ...comment(name), ...affinity, '-m', proto, '-p', proto, '-j', 'DNAT', '--to-destination', endpointString(e)),
    ]);
  }
  return r;
}

/** Affinity checks first, then the statistic ladder 1/n, 1/(n-1), ..., the last rule always matches. */
function toEndpoints(svc: ServicePortInfo, chain: string, endpoints: readonly EndpointInfo[]): string[] {
  const rules: string[] = [];
  const sep = (e: EndpointInfo): string => endpointChain(svc.name, svc.protocol.toLowerCase(), endpointString(e));
  if (svc.affinityTimeoutSeconds !== undefined) {
    for (const e of endpoints) {
      rules.push(
        appendRule(chain, ...comment(`${svc.name} -> ${endpointString(e)}`), '-m', 'recent', '--name', sep(e), '--rcheck', '--seconds', String(svc.affinityTimeoutSeconds), '--reap', '-j', sep(e)),
      );
    }
  }
  endpoints.forEach((e, i) => {
    const stat = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    rules.push(appendRule(chain, ...comment(`${svc.name} -> ${endpointString(e)}`), ...stat, '-j', sep(e)));
  });
  return rules;
}
