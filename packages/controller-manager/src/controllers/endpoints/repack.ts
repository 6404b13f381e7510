// Kubernetes' endpoints.RepackSubsets: addresses grouped by the exact set of ports they serve, one
// subset per group; an address both ready and not ready for a port counts as ready. The result is
// sorted (addresses by IP and target, ports by name, subsets by their first address), so that equal
// inputs give equal Endpoints and a resync writes nothing.
import type { EndpointAddress, EndpointPort, EndpointSubset } from '@skiff/api';

/** A subset of an address without ports (a headless Service without ports) uses this sentinel. */
const NO_PORT = '-';

function addressKey(a: EndpointAddress): string {
  return `${a.ip}/${a.targetRef?.uid ?? ''}`;
}

function portKey(p: EndpointPort): string {
  return JSON.stringify([p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']);
}

const byAddress = (a: EndpointAddress, b: EndpointAddress): number => {
  const ka = addressKey(a);
  const kb = addressKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

const byPort = (a: EndpointPort, b: EndpointPort): number => {
  const ka = portKey(a);
  const kb = portKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function subsetKey(s: EndpointSubset): string {
  return JSON.stringify([(s.addresses ?? []).map(addressKey), (s.notReadyAddresses ?? []).map(addressKey), (s.ports ?? []).map(portKey)]);
}

export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort | undefined>();
  // port key -> (address key -> ready)
  const byPortKey = new Map<string, Map<string, boolean>>();
  const note = (a: EndpointAddress, port: EndpointPort | undefined, ready: boolean): void => {
    const ak = addressKey(a);
    if (!addresses.has(ak)) addresses.set(ak, a);
    const pk = port ? portKey(port) : NO_PORT;
    ports.set(pk, port);
    let set = byPortKey.get(pk);
    if (!set) byPortKey.set(pk, (set = new Map()));
    if (set.get(ak) !== true) set.set(ak, ready);
  };
  for (const s of subsets) {
    const ps: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const p of ps) {
      for (const a of s.addresses ?? []) note(a, p, true);
      for (const a of s.notReadyAddresses ?? []) note(a, p, false);
    }
  }
  // The set of (address, readiness) -> the ports it serves.
  const groups = new Map<string, { members: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [pk, members] of byPortKey) {
    const key = JSON.stringify([...members.entries()].sort());
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { members, ports: [] }));
    const port = ports.get(pk);
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, isReady] of g.members) (isReady ? ready : notReady).push(addresses.get(ak)!);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready.sort(byAddress);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(byAddress);
    if (g.ports.length) subset.ports = g.ports.sort(byPort);
    out.push(subset);
  }
  return out.sort((a, b) => {
    const ka = subsetKey(a);
    const kb = subsetKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
