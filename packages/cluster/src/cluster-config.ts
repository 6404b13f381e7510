// The cluster's settings, kept in <state>/cluster.json so that the next `up` (and `down`) find the
// same ports, subnets and tokens. Flags given to `up` override what was recorded.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort, portBusy } from './ports.js';

export interface ClusterPorts {
  etcd: number;
  etcdPeer: number;
  /** the apiserver's gRPC port, on the lab bridge's address */
  api: number;
  /** the apiserver's /readyz, /healthz, /metrics on 127.0.0.1 */
  apiHttp: number;
  schedulerHealth: number;
  controllerManagerHttp: number;
}

export interface ClusterConfig {
  version: 1;
  /** the lab's name: its nodes are network namespaces skiff-<lab>-n1.. */
  labName: string;
  nodes: number;
  /** the lab bridge's subnet; unset: the lab's default (10.200.0.0/24) */
  labSubnet?: string;
  /** the pods' addresses: node nI gets its I-th /24 (the controller-manager's IPAM keeps the agents' choice) */
  clusterCIDR: string;
  serviceCIDR: string;
  /** the node-local address every node's proxy answers cluster DNS on, the pods' nameserver */
  clusterDNS: string;
  clusterDomain: string;
  ports: ClusterPorts;
  /** host routes `up` made to the nodes' pod CIDRs (`<cidr> via <node address>`), removed by `down` */
  routes: { destination: string; via: string }[];
  /** more flags for a component's processes, by component name (`controller-manager`, `node-agent`...), appended to its command line */
  extraArgs?: Record<string, string[]>;
}

export const DEFAULT_PORTS: ClusterPorts = { etcd: 2379, etcdPeer: 2380, api: 6443, apiHttp: 6444, schedulerHealth: 10251, controllerManagerHttp: 10257 };
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
/** node-local, as Kubernetes' NodeLocal DNSCache; the same on every node (skiff-proxy's default) */
export const DEFAULT_CLUSTER_DNS = '169.254.20.10';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_LAB_NAME = 'local';
export const DEFAULT_NODES = 3;

export function readClusterConfig(path: string): ClusterConfig | undefined {
  if (!existsSync(path)) return undefined;
  const c = JSON.parse(readFileSync(path, 'utf8')) as ClusterConfig;
  if (c.version !== 1) throw new Error(`${path}: unknown version ${String(c.version)}; remove it (npm stop -- --purge)`);
  // settings added since the file was written
  return { ...c, clusterDNS: c.clusterDNS ?? DEFAULT_CLUSTER_DNS, clusterDomain: c.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN };
}

export function writeClusterConfig(path: string, c: ClusterConfig): void {
  writeFileSync(path, JSON.stringify(c, null, 2) + '\n');
}

/**
 * Ports for a new cluster: the defaults, each replaced by a free one when another program holds
 * it (or every one free when `allFree`, as the tests ask).
 */
export async function choosePorts(allFree: boolean, log: (msg: string) => void): Promise<ClusterPorts> {
  const out = { ...DEFAULT_PORTS };
  const taken = new Set<number>();
  for (const key of Object.keys(out) as (keyof ClusterPorts)[]) {
    let port = out[key];
    if (allFree || (await portBusy(port))) {
      do port = await freePort();
      while (taken.has(port));
      if (!allFree) log(`port ${out[key]} (${key}) is taken by another program; using ${port}`);
    }
    taken.add(port);
    out[key] = port;
  }
  return out;
}
