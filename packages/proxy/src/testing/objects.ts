// Small builders of Services and Endpoints for the proxy's tests.
import type { Endpoints, Service, ServiceSpec } from '@skiff/api';

export function service(ns: string, name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec };
}

export interface Addr {
  ip: string;
  node?: string;
  ready?: boolean;
}

/** Endpoints with one subset: the addresses (ready unless ready: false) on the named ports. */
export function endpoints(ns: string, name: string, addrs: Addr[], ports: { name?: string; port: number; protocol?: string }[]): Endpoints {
  const toAddr = (a: Addr): { ip: string; nodeName?: string } => ({ ip: a.ip, ...(a.node ? { nodeName: a.node } : {}) });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace: ns, name },
    subsets: [
      {
        addresses: addrs.filter((a) => a.ready !== false).map(toAddr),
        notReadyAddresses: addrs.filter((a) => a.ready === false).map(toAddr),
        ports,
      },
    ],
  };
}
