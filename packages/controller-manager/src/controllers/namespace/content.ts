// One pass over a namespace's content, as Kubernetes' namespacedResourcesDeleter.deleteAllContent:
// every namespaced resource is deleted with DeleteCollection, then listed again to count what is
// left (objects waiting for finalizers or for their grace period) and which finalizers hold it.
import { type ResourceType, resourceTypes } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import type { DeletionPass } from './conditions.js';

/** How the namespace deleter names a resource in its conditions ("pods.", "deployments.apps"). */
function groupResource(t: ResourceType): string {
  return `${t.resource}.${t.group}`;
}

export async function deleteNamespaceContent(client: Client, namespace: string): Promise<DeletionPass> {
  const pass: DeletionPass = { errors: [], remaining: new Map(), finalizers: new Map() };
  for (const t of resourceTypes) {
    if (!t.namespaced) continue;
    try {
      // Background, explicitly: an orphan finalizer an object was created with would hold it.
      await client.deleteCollection(t.resource, { namespace, propagationPolicy: 'Background' });
      const left = (await client.list(t.resource, { namespace })).items;
      if (left.length === 0) continue;
      pass.remaining.set(groupResource(t), left.length);
      for (const o of left) for (const f of o.metadata.finalizers ?? []) pass.finalizers.set(f, (pass.finalizers.get(f) ?? 0) + 1);
    } catch (e) {
      pass.errors.push(`${groupResource(t)}: ${(e as Error).message}`);
    }
  }
  return pass;
}
