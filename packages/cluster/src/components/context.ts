// What a component needs to describe its processes: the cluster's settings, the state folder, the
// lab's nodes and where the programs are.
import { hostname } from 'node:os';
import type { ClusterConfig } from '../cluster-config.js';
import type { ProcessSpec } from '../process-spec.js';
import type { StatePaths } from '../state-dir.js';
import type { TokenRole } from '../tokens.js';

export interface LabNode {
  name: string;
  netns: string;
  address: string;
  dockerHost: string;
  /**
   * the node's pod CIDR, the I-th /24 of the cluster CIDR for node nI: the agent registers its Node
   * with it and the controller-manager's IPAM keeps it (the agent reads spec.podCIDR only once, at
   * its start, so a CIDR that IPAM assigns a moment after the registration would come too late)
   */
  podCIDR: string;
}

export interface ComponentContext {
  config: ClusterConfig;
  paths: StatePaths;
  /** host:port every process dials: the lab bridge's address, reachable from the host and the nodes */
  server: string;
  bridgeAddress: string;
  nodes: LabNode[];
  tokens: Record<TokenRole, string>;
  /** absolute path of the program a package's process runs (its bundle, `packages/<pkg>/dist/main.bundle.js`) */
  main(pkg: string): string;
  /** when that program was last built: a process spec carries it, so `up` after a rebuild restarts it */
  revision(pkg: string): string;
  /** the node binary every process runs with */
  node: string;
}

/** One component of the cluster: the processes it runs (none when it does not apply). */
export interface Component {
  name: string;
  processes(ctx: ComponentContext): ProcessSpec[];
}

/**
 * The Lease identity of a leader-elected process the supervisor runs once per cluster: the same
 * across restarts, so a process restarted after a crash (kill -9) renews its own unexpired Lease at
 * once instead of waiting out the lease duration of its dead predecessor (a second instance of the
 * same cluster never runs: the supervisor stops the old one first).
 */
export function leaderIdentity(config: ClusterConfig, processName: string): string {
  return `${hostname()}_skiff-cluster-${config.labName}-${processName}`;
}
