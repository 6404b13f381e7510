// Routes to the other nodes' pod CIDRs (host-gw), reconciled from the list of nodes: missing ones
// added, changed ones replaced, stale ones removed. The agent owns only routes it tagged with its
// own routing protocol number, so routes made by anyone else are never touched.
import { compareStrings } from '@skiff/api';
import { PodNetworkError } from '../errors.js';
import { cidrWithin, formatCidr, ipToNumber, parseCidr } from './cidr.js';
import type { PeerNode, RouteChange } from './pod-network.js';

/** The `proto` of every route the agent makes (any number not used by routing daemons). */
export const ROUTE_PROTOCOL = '91';

export interface OwnedRoute {
  destination: string;
  via: string;
}

/** Parses `ip -4 -o route show proto 91` (one route per line). */
export function parseOwnedRoutes(output: string): OwnedRoute[] {
  const routes: OwnedRoute[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+via\s+(\S+)/.exec(line.trim());
    if (!m) continue;
    routes.push({ destination: m[1].includes('/') ? m[1] : `${m[1]}/32`, via: m[2] });
  }
  return routes;
}

/** The routes this node wants: one per other node that has a pod CIDR and an address. */
export function desiredRoutes(ownPodCIDR: string, peers: readonly PeerNode[]): OwnedRoute[] {
  const own = parseCidr(ownPodCIDR, 'podCIDR');
  const byDest = new Map<string, OwnedRoute>();
  for (const p of peers) {
    if (!p.podCIDR || !p.internalIP) continue;
    const cidr = parseCidr(p.podCIDR, `node ${p.name} podCIDR`);
    if (ipToNumber(p.internalIP) === undefined) throw new PodNetworkError(`node ${p.name}: invalid InternalIP ${p.internalIP}`);
    if (cidrWithin(cidr, own) || cidrWithin(own, cidr)) continue; // this node itself
    const destination = formatCidr(cidr);
    const prev = byDest.get(destination);
    if (prev && prev.via !== p.internalIP) throw new PodNetworkError(`pod CIDR ${destination} is claimed by two nodes (${prev.via} and ${p.internalIP})`);
    byDest.set(destination, { destination, via: p.internalIP });
  }
  return [...byDest.values()].sort((a, b) => compareStrings(a.destination, b.destination));
}

export function planRoutes(observed: readonly OwnedRoute[], desired: readonly OwnedRoute[]): RouteChange[] {
  const have = new Map(observed.map((r) => [r.destination, r.via]));
  const want = new Map(desired.map((r) => [r.destination, r.via]));
  const changes: RouteChange[] = [];
  for (const [destination, via] of have) if (!want.has(destination)) changes.push({ action: 'delete', destination, via });
  for (const [destination, via] of want) {
    const cur = have.get(destination);
    if (cur === undefined) changes.push({ action: 'add', destination, via });
    else if (cur !== via) changes.push({ action: 'replace', destination, via });
  }
  return changes;
}

/** The `ip` arguments of a change. */
export function routeCommand(c: RouteChange): string[] {
  if (c.action === 'delete') return ['-4', 'route', 'del', c.destination, 'via', c.via, 'proto', ROUTE_PROTOCOL];
  return ['-4', 'route', c.action, c.destination, 'via', c.via, 'proto', ROUTE_PROTOCOL];
}
