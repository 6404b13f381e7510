// The Lease object (coordination.k8s.io/v1) as leader election uses it, and its MicroTime format.
import type { Lease, LeaseSpec } from '@skiff/api';

export const leaseApiVersion = 'coordination.k8s.io/v1';

/** Milliseconds since the epoch as a Kubernetes MicroTime string. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A MicroTime (or any RFC 3339 time) as milliseconds since the epoch; NaN if unparseable. */
export function parseMicroTime(s: string): number {
  return Date.parse(s);
}

export function newLease(namespace: string, name: string, spec: LeaseSpec): Lease {
  return { apiVersion: leaseApiVersion, kind: 'Lease', metadata: { namespace, name }, spec };
}
