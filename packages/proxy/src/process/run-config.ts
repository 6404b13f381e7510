// What the skiff-proxy process runs with (main.ts fills it from flags, tests directly).
import type { Client, Clock } from '@skiff/machinery';
import type { Upstream } from '../dns/resolv-conf.js';
import type { RunCommand } from '../iptables/exec-iptables.js';
import type { Iptables } from '../iptables/iptables.js';

export type BackendChoice = 'auto' | 'nft' | 'legacy';

export interface ProxyRunConfig {
  /** host:port of the apiserver. */
  server: string;
  token?: string;
  /** The Node this proxy serves (endpoints on it are local, for the Local traffic policies). */
  nodeName: string;
  /** The pods' CIDR: traffic to a ClusterIP from outside it is masqueraded (unset: none is). */
  clusterCIDR?: string;
  masqueradeAll: boolean;
  /** --nodeport-addresses: CIDRs whose local addresses accept node ports (empty: every local address). */
  nodePortAddresses: string[];
  /** Least time between syncs (kube-proxy's --iptables-min-sync-period, 1 s). */
  minSyncPeriodMs: number;
  /** Full resync period and the longest time between syncs (--iptables-sync-period, 30 s). */
  syncPeriodMs: number;
  /** auto: the backend the node already uses (as Kubernetes' iptables-wrapper decides). */
  iptablesBackend: BackendChoice;
  /** /healthz (fails when syncs stall), /readyz, /metrics; -1: off. */
  healthPort: number;
  healthHost: string;
  /** Client-side rate limit towards the apiserver. */
  qps: number;
  burst: number;
  /** Cluster DNS on this address (the agent's --cluster-dns); unset: no DNS server. */
  clusterDNSIP?: string;
  /** The cluster domain (kubelet's --cluster-domain). */
  clusterDomain: string;
  /** 53; 0 picks a free port (tests). */
  dnsPort: number;
  /** Where the node's resolvers for other names are listed. */
  resolvConf: string;
  /** Add the cluster DNS address to the node's loopback when the node lacks it (see dns-address.ts). */
  manageDNSAddress: boolean;
  /** Tests: their own client, iptables, clock, command runner (ip), upstream resolvers. */
  client?: Client;
  iptables?: Iptables;
  clock?: Clock;
  runCommand?: RunCommand;
  upstreams?: Upstream[];
}

export const defaultProxyRunConfig = {
  server: '127.0.0.1:6443',
  masqueradeAll: false,
  nodePortAddresses: [] as string[],
  minSyncPeriodMs: 1000,
  syncPeriodMs: 30000,
  iptablesBackend: 'auto' as BackendChoice,
  // kube-proxy's healthz port.
  healthPort: 10256,
  healthHost: '127.0.0.1',
  qps: 5,
  burst: 10,
  clusterDomain: 'cluster.local',
  dnsPort: 53,
  resolvConf: '/etc/resolv.conf',
  manageDNSAddress: true,
};

/** NodeLocal DNSCache's link-local address: the cluster DNS address to give the proxy and the agent on lab nodes. */
export const DEFAULT_CLUSTER_DNS_IP = '169.254.20.10';
