import type { KObject } from '../object.js';
import type { Condition } from './meta.js';

export interface NamespaceSpec {
  finalizers?: string[];
}

export interface NamespaceStatus {
  /** "Active" or "Terminating". */
  phase?: string;
  conditions?: Condition[];
}

export interface Namespace extends KObject {
  apiVersion: 'v1';
  kind: 'Namespace';
  spec?: NamespaceSpec;
  status?: NamespaceStatus;
}
