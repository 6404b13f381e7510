// What a component needs to describe its processes: the cluster's settings, the state folder, the
// lab's nodes and where the programs are.
import type { ClusterConfig } from '../cluster-config.js';
import type { ProcessSpec } from '../process-spec.js';
import type { StatePaths } from '../state-dir.js';
import type { TokenRole } from '../tokens.js';

export interface LabNode {
  name: string;
  netns: string;
  address: string;
  dockerHost: string;
  /** the pod CIDR the node agent uses until the Node has spec.podCIDR */
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
  /** absolute path of a package's compiled main (`packages/<pkg>/dist/main.js`) */
  main(pkg: string): string;
  /** when a package was last built: a process spec carries it, so `up` after a rebuild restarts it */
  revision(pkg: string): string;
  /** the node binary every process runs with */
  node: string;
}

/** One component of the cluster: the processes it runs (none when it does not apply). */
export interface Component {
  name: string;
  processes(ctx: ComponentContext): ProcessSpec[];
}
