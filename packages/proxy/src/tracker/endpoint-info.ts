// The endpoints of each service port, from an Endpoints object: a subset's port named like the
// service port (the endpoints controller writes the service port's name and the resolved target
// port, so named target ports arrive here as numbers) gives that port's endpoints.
import type { Endpoints } from '@skiff/api';
import { serviceKey, servicePortName } from './service-port.js';

export interface EndpointInfo {
  readonly ip: string;
  readonly port: number;
  /** In `addresses` (ready). */
  readonly ready: boolean;
  /** Able to serve (ready, or terminating but still serving: EndpointSlice conditions). */
  readonly serving: boolean;
  /** Terminating. Endpoints objects carry no such condition, so always false from them today. */
  readonly terminating: boolean;
  /** On this node (nodeName equals the proxy's node). */
  readonly isLocal: boolean;
  /** Known to be on another node (nodeName set, not the proxy's node). */
  readonly isRemote: boolean;
}

const READY = 1;
const TERMINATING = 2;
const LOCAL = 4;
const REMOTE = 8;

/**
 * The one EndpointInfo of the proxy: three fields (its conditions in one number), as a proxy of
 * 10,000 services holds 100,000 of them.
 */
class CompactEndpointInfo implements EndpointInfo {
  constructor(
    readonly ip: string,
    readonly port: number,
    private readonly bits: number,
  ) {}
  get ready(): boolean {
    return (this.bits & READY) !== 0;
  }
  get serving(): boolean {
    // Endpoints objects: serving is ready (EndpointSlice conditions would carry it apart).
    return (this.bits & READY) !== 0;
  }
  get terminating(): boolean {
    return (this.bits & TERMINATING) !== 0;
  }
  get isLocal(): boolean {
    return (this.bits & LOCAL) !== 0;
  }
  get isRemote(): boolean {
    return (this.bits & REMOTE) !== 0;
  }
}

/** "ip:port", as kube-proxy's endpoint String(). */
export function endpointString(e: EndpointInfo): string {
  return `${e.ip}:${e.port}`;
}

/** Sorted by "ip:port" (each string made once). */
function sortedByString(list: EndpointInfo[]): EndpointInfo[] {
  const keyed = list.map((e) => ({ e, k: endpointString(e) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.e);
}

/** ServicePortName -> its endpoints, sorted by "ip:port" (so generated rules are deterministic). */
export function endpointsOf(ep: Endpoints | undefined, nodeName: string): Map<string, EndpointInfo[]> {
  const out = new Map<string, EndpointInfo[]>();
  if (!ep) return out;
  const service = serviceKey(ep.metadata?.namespace, ep.metadata?.name);
  for (const subset of ep.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      const key = servicePortName(service, port.name);
      const list = out.get(key) ?? [];
      const add = (ip: string, node: string | undefined, ready: boolean): void => {
        if (list.some((e) => e.ip === ip && e.port === port.port)) return;
        const where = node === undefined ? 0 : node === nodeName ? LOCAL : REMOTE;
        list.push(new CompactEndpointInfo(ip, port.port, (ready ? READY : 0) | where));
      };
      for (const a of subset.addresses ?? []) add(a.ip, a.nodeName, true);
      for (const a of subset.notReadyAddresses ?? []) add(a.ip, a.nodeName, false);
      out.set(key, list);
    }
  }
  for (const [key, list] of out) out.set(key, sortedByString(list));
  return out;
}
