import type { KObject } from '../object.js';

/** scheduling.k8s.io/v1 PriorityClass: cluster-scoped, its fields at the top level (no spec). */
export interface PriorityClass extends KObject {
  apiVersion: 'scheduling.k8s.io/v1';
  kind: 'PriorityClass';
  /** Defaulted to 0. */
  value?: number;
  globalDefault?: boolean;
  description?: string;
  /** "PreemptLowerPriority" (default) or "Never". */
  preemptionPolicy?: string;
}

export const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'] as const;
export const DEFAULT_PREEMPTION_POLICY = 'PreemptLowerPriority';

/** The largest value a user-defined class may have (Kubernetes' HighestUserDefinablePriority). */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** The value of system-cluster-critical; system-node-critical is 1000 higher. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
/** Names starting with this are reserved for the built-in classes. */
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
/** The priority of a pod without a class when no class is the global default. */
export const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS = 0;

/** The built-in classes, as Kubernetes' SystemPriorityClasses(): the apiserver creates them at start. */
export const SYSTEM_PRIORITY_CLASSES: readonly PriorityClass[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: SYSTEM_CRITICAL_PRIORITY,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

/** The built-in class of that name, if any. */
export function systemPriorityClass(name: string | undefined): PriorityClass | undefined {
  return SYSTEM_PRIORITY_CLASSES.find((c) => c.metadata.name === name);
}
