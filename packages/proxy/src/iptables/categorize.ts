// Which endpoints each traffic policy uses, as kube-proxy's CategorizeEndpoints: ready endpoints,
// or (when none is ready) the serving terminating ones; local endpoints for the Local policies.
import type { EndpointInfo } from '../tracker/endpoint-info.js';
import { usesClusterEndpoints, usesLocalEndpoints, type ServicePortInfo } from '../tracker/service-port.js';

export interface Categorized {
  cluster: EndpointInfo[];
  local: EndpointInfo[];
  /** Endpoints some chain of this node leads to (each gets a SKIFF-SEP chain). */
  reachable: EndpointInfo[];
  /** Any usable endpoint anywhere: without, traffic is rejected at once. */
  hasAny: boolean;
}

function usable(list: readonly EndpointInfo[]): EndpointInfo[] {
  const ready = list.filter((e) => e.ready);
  return ready.length > 0 ? ready : list.filter((e) => e.serving && e.terminating);
}

export function categorize(svc: ServicePortInfo, endpoints: readonly EndpointInfo[]): Categorized {
  const cluster = usesClusterEndpoints(svc) ? usable(endpoints) : [];
  const local = usesLocalEndpoints(svc) ? usable(endpoints.filter((e) => e.isLocal)) : [];
  const reachable = [...cluster, ...local.filter((e) => !cluster.includes(e))];
  const hasAny = usable(endpoints).length > 0;
  return { cluster, local, reachable, hasAny };
}
