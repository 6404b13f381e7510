// Defaults of the small kinds: Secret, Namespace, Event, Node.
import type { KObject } from '../object.js';
import type { NamespaceStatus } from '../types/namespace.js';
import type { NodeStatus } from '../types/node.js';

export function defaultSecret(obj: KObject): void {
  if (!obj.type) obj.type = 'Opaque';
}

/** The label every namespace carries with its own name (Kubernetes' SetDefaults_Namespace), for selectors. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function defaultNamespace(obj: KObject): void {
  const name = obj.metadata?.name;
  if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
  const status = (obj.status ?? {}) as NamespaceStatus;
  if (!status.phase) status.phase = 'Active';
  obj.status = status;
}

export function defaultEvent(obj: KObject): void {
  if (!obj.type) obj.type = 'Normal';
  if (obj.count === undefined || obj.count === null) obj.count = 1;
}

/** Allocatable defaults to capacity (Kubernetes' SetDefaults_NodeStatus). */
export function defaultNode(obj: KObject): void {
  const status = obj.status as NodeStatus | undefined;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}
