// The node's part of the pod network ("host-gw"): a Docker bridge network on the node's pod CIDR,
// a route to every other node's pod CIDR via that node's InternalIP, forwarded cluster traffic
// accepted despite Docker's FORWARD DROP, and masquerade only for pod traffic leaving the cluster
// CIDR. Implementations: `host-pod-network.ts` (ip, iptables and dockerd of the namespace the agent
// runs in) and `fake-pod-network.ts` (in memory, on the same route plan).

export interface PodNetworkConfig {
  /** this node's pod CIDR, e.g. 10.244.1.0/24 */
  podCIDR: string;
  /** the whole cluster's pod CIDR, e.g. 10.244.0.0/16 */
  clusterCIDR: string;
  /** the Docker network's name (default skiff-pods) */
  networkName?: string;
  /** the Linux bridge Docker makes for it (default cbr0; at most 15 characters) */
  bridgeName?: string;
}

/** Another node of the cluster, from its Node object. */
export interface PeerNode {
  name: string;
  /** spec.podCIDR; nodes without one get no route */
  podCIDR?: string;
  /** its InternalIP address */
  internalIP?: string;
}

export interface RouteChange {
  action: 'add' | 'replace' | 'delete';
  destination: string;
  via: string;
}

export interface PodNetwork {
  /** makes (or repairs) the bridge network and the iptables chains; idempotent */
  setUp(): Promise<void>;
  /** reconciles the routes to the other nodes' pod CIDRs; returns what it changed */
  syncRoutes(peers: readonly PeerNode[]): Promise<RouteChange[]>;
  /** undefined while everything is in place, else why not (for the node's Ready condition) */
  check(): Promise<string | undefined>;
  /** removes the chains and the routes it owns, and the bridge network if no container uses it */
  cleanUp(): Promise<void>;
}

export const DEFAULT_NETWORK_NAME = 'skiff-pods';
export const DEFAULT_BRIDGE_NAME = 'cbr0';
