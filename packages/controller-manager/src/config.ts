// skiff-controller-manager's configuration and defaults (kube-controller-manager's where it has one).
import { type LeaderElectionOptions, defaultLeaderElection } from '@skiff/machinery';

export interface ControllerManagerConfig extends LeaderElectionOptions {
  /** host:port of the apiserver. */
  server: string;
  token?: string;
  /** /metrics, /healthz, /readyz address ("" disables). kube-controller-manager serves 10257. */
  httpListen: string;
  /** The --controllers flag: "*", names, "-name". */
  controllers: string[];
  /** Concurrent reconciles per controller (kube-controller-manager's --concurrent-*-syncs: 5). */
  workers: number;
  /** Client rate limit. */
  qps: number;
  burst: number;
  /** Endpoints: pod changes are written at most once per this period per Service (--endpoint-updates-batch-period). */
  endpointUpdatesBatchPeriodMs: number;
  /** Node IPAM: the range pod CIDRs come from (--cluster-cidr) and each node's prefix length (--node-cidr-mask-size). */
  clusterCIDR: string;
  nodeCIDRMaskSize: number;
  /** Node lifecycle: a node whose Lease is not renewed for this long is Unknown (--node-monitor-grace-period). */
  nodeMonitorGracePeriodMs: number;
  /** How often node health is checked (--node-monitor-period). */
  nodeMonitorPeriodMs: number;
  /** A node that never reported gets this long after creation (--node-startup-grace-period). */
  nodeStartupGracePeriodMs: number;
  /** Nodes evicted per second in a healthy zone (--node-eviction-rate). */
  nodeEvictionRate: number;
  /** ... in a partially disrupted zone of a large cluster (--secondary-node-eviction-rate). */
  secondaryNodeEvictionRate: number;
  /** Not-ready fraction from which a zone is partially disrupted (--unhealthy-zone-threshold). */
  unhealthyZoneThreshold: number;
  /** Zones up to this size stop evicting when partially disrupted (--large-cluster-size-threshold). */
  largeClusterSizeThreshold: number;
  /** Pod GC: terminated pods kept before the oldest are deleted (--terminated-pod-gc-threshold; 0 disables). */
  terminatedPodGCThreshold: number;
  /** How often pod GC runs (kube-controller-manager: every 20 s). */
  podGCPeriodMs: number;
  /** Pods on a missing node are deleted after this quarantine (Kubernetes: 40 s). */
  podGCOrphanQuarantineMs: number;
}

export const defaultConfig: ControllerManagerConfig = {
  server: '127.0.0.1:6443',
  httpListen: '127.0.0.1:10257',
  controllers: ['*'],
  workers: 5,
  ...defaultLeaderElection('skiff-controller-manager'),
  qps: 50,
  burst: 100,
  endpointUpdatesBatchPeriodMs: 1_000,
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  nodeStartupGracePeriodMs: 60_000,
  nodeEvictionRate: 0.1,
  secondaryNodeEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
  terminatedPodGCThreshold: 12_500,
  podGCPeriodMs: 20_000,
  podGCOrphanQuarantineMs: 40_000,
};
