// What kubectl says when a list is empty.
import type { ResourceType } from '@skiff/api';

/** `No resources found in default namespace.`, or `No resources found` across namespaces or for cluster-scoped types. */
export function noResourcesMessage(groups: readonly { type: ResourceType }[], namespace: string): string {
  const namespaced = groups.some((g) => g.type.namespaced);
  return namespaced && namespace ? `No resources found in ${namespace} namespace.` : 'No resources found';
}
