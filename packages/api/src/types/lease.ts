import type { KObject } from '../object.js';

export interface Lease extends KObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  spec?: LeaseSpec;
}

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime. */
  acquireTime?: string;
  /** MicroTime. */
  renewTime?: string;
  leaseTransitions?: number;
}
