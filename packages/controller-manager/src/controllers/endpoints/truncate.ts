// Kubernetes' endpoints controller caps an Endpoints object at 1000 addresses (ready and not ready,
// counted per subset): over that, the addresses are truncated and the Endpoints carry the annotation
// `endpoints.kubernetes.io/over-capacity: truncated` (EndpointSlices hold the full set there; here
// the proxy reads Endpoints, so the cap is what Kubernetes' Endpoints readers see). Not-ready
// addresses go first; ready ones are only cut when they alone exceed the cap. Each subset keeps a
// share proportional to its size (rounded up, within what is left), as truncateEndpoints does.
import type { EndpointAddress, EndpointSubset } from '@skiff/api';

export const MAX_ENDPOINTS_CAPACITY = 1000;
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
export const TRUNCATED = 'truncated';

export interface Truncated {
  subsets: EndpointSubset[];
  /** Whether addresses were left out (the annotation is then set). */
  overCapacity: boolean;
}

const count = (subsets: readonly EndpointSubset[], field: 'addresses' | 'notReadyAddresses'): number => subsets.reduce((n, s) => n + (s[field]?.length ?? 0), 0);

function withAddresses(s: EndpointSubset, field: 'addresses' | 'notReadyAddresses', list: EndpointAddress[]): EndpointSubset {
  const next: EndpointSubset = { ...s };
  if (list.length) next[field] = list;
  else delete next[field];
  return next;
}

/** `subsets` cut to at most `max` addresses (Kubernetes' truncateEndpoints). */
export function truncateSubsets(subsets: readonly EndpointSubset[], max = MAX_ENDPOINTS_CAPACITY): Truncated {
  const ready = count(subsets, 'addresses');
  const notReady = count(subsets, 'notReadyAddresses');
  if (ready + notReady <= max) return { subsets: [...subsets], overCapacity: false };
  const truncateReady = ready > max;
  const field = truncateReady ? 'addresses' : 'notReadyAddresses';
  const budget = truncateReady ? max : max - ready;
  const total = truncateReady ? ready : notReady;
  let left = budget;
  const out: EndpointSubset[] = [];
  for (const s of subsets) {
    const list = s[field] ?? [];
    const share = Math.min(Math.ceil((budget * list.length) / total), left);
    const kept = list.slice(0, share);
    left -= kept.length;
    let next = withAddresses(s, field, kept);
    // Truncating ready addresses drops every not-ready one.
    if (truncateReady) next = withAddresses(next, 'notReadyAddresses', []);
    if (next.addresses?.length || next.notReadyAddresses?.length) out.push(next);
  }
  return { subsets: out, overCapacity: true };
}
